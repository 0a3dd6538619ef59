//go:build !unix

package ad

import "testing"

// cpuTimer is a no-op where getrusage is not available.
type cpuTimer struct{}

func startCPU(b *testing.B) *cpuTimer { b.ResetTimer(); return &cpuTimer{} }

func (c *cpuTimer) stop() {}
