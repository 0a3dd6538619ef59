package ad

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"sync"
	"time"
)

// Allocation guard. Every result buffer of ad is obtained through alloc,
// which refuses (panics with ErrMemory) a request that would not fit in the
// memory still available to the process, instead of letting the runtime
// abort the whole process. Small requests are never checked.

// guardThreshold is the size in bytes below which alloc does not consult the
// available memory.
const guardThreshold = 32 << 20

// memInfo caches the available memory for a short while, so that a loop of
// large allocations does not read /proc each time.
var memInfo struct {
	sync.Mutex
	avail int64 // bytes, -1 when unknown
	at    time.Time
}

// AvailableMemory returns an estimate of the bytes the process may still
// allocate: the smaller of MemAvailable in /proc/meminfo and the cgroup's
// memory limit minus its current use (cgroup v2 or v1), read at most every
// 200 ms; -1 when neither is known (outside Linux). It is the figure ad's
// allocation guard compares a result's size with, and the kernel's check of
// make in cells and its memory limit use it too.
func AvailableMemory() int64 {
	memInfo.Lock()
	defer memInfo.Unlock()
	if !memInfo.at.IsZero() && time.Since(memInfo.at) < 200*time.Millisecond {
		return memInfo.avail
	}
	avail := int64(-1)
	if v, ok := readMemAvailable(); ok {
		avail = v
	}
	if lim, ok := cgroupFree(); ok && (avail < 0 || lim < avail) {
		avail = lim
	}
	memInfo.avail, memInfo.at = avail, time.Now()
	return avail
}

func readMemAvailable() (int64, bool) {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0, false
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := bytes.Fields(sc.Bytes())
		if len(f) >= 2 && string(f[0]) == "MemAvailable:" {
			kb, err := strconv.ParseInt(string(f[1]), 10, 64)
			if err != nil {
				return 0, false
			}
			return kb * 1024, true
		}
	}
	return 0, false
}

// cgroupFree returns limit minus usage for cgroup v2 or v1, when limited.
func cgroupFree() (int64, bool) {
	pairs := [][2]string{
		{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"},
		{"/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes"},
	}
	for _, p := range pairs {
		lim, ok1 := readInt(p[0])
		use, ok2 := readInt(p[1])
		if ok1 && ok2 && lim < 1<<60 {
			return lim - use, true
		}
	}
	return 0, false
}

func readInt(path string) (int64, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	v, err := strconv.ParseInt(string(bytes.TrimSpace(b)), 10, 64)
	return v, err == nil
}

// checkAlloc panics with ErrMemory, naming op, when n float64 values would not
// fit in the available memory.
func checkAlloc(op string, n int) {
	if n < 0 {
		panic(errorf(ErrShape, op, "negative size %d", n))
	}
	need := int64(n) * 8
	if n > 1<<59 {
		need = 1 << 62
	}
	if need < guardThreshold {
		return
	}
	if avail := AvailableMemory(); avail >= 0 && need > avail {
		panic(errorf(ErrMemory, op, "result needs %s but only %s is available", fmtBytes(need), fmtBytes(avail)))
	}
}

// alloc returns a zeroed buffer of n float64 values for a result of op,
// after checkAlloc.
func alloc(op string, n int) []float64 {
	checkAlloc(op, n)
	return make([]float64, n)
}

// fmtBytes formats a byte count with a binary unit.
func fmtBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return strconv.FormatInt(n, 10) + " B"
	}
	units := "KMGTPE"
	f := float64(n)
	i := -1
	for f >= unit && i < len(units)-1 {
		f /= unit
		i++
	}
	return strconv.FormatFloat(f, 'f', 1, 64) + " " + string(units[i]) + "iB"
}
