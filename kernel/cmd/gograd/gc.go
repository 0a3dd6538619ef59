package main

import (
	"bufio"
	"bytes"
	"os"
	"runtime/debug"
	"strconv"
)

// Garbage-collector settings of the kernel and runner processes.
//
// Differentiating a loop of small operations (a scalar loop, an RNN step by
// step) allocates one small graph node per operation and keeps them all
// alive until the backward pass; with Go's default GOGC=100 and its 4 MiB
// minimum heap, collection then takes about half of the CPU time. A notebook
// process can afford a larger heap, so tuneGC raises the GC percentage to
// kernelGCPercent and, to keep that from growing the heap without bound,
// sets a soft memory limit of half the memory available at start (the
// runtime collects more often as the heap nears it). GOGC and GOMEMLIMIT in
// the environment take precedence: each setting is only made when its
// variable is unset.

// kernelGCPercent is the GC percentage of the kernel process (Go's default
// is 100): a collection starts when the heap has grown by 400% since the
// last one.
const kernelGCPercent = 400

// tuneGC applies the kernel's GC settings (see above) and reports what it
// set: the GC percentage (0 if left alone) and the memory limit in bytes (0
// if left alone).
func tuneGC() (percent int, limit int64) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(kernelGCPercent)
		percent = kernelGCPercent
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		if avail := availableMemory(); avail > 0 {
			limit = avail / 2
			debug.SetMemoryLimit(limit)
		}
	}
	return percent, limit
}

// availableMemory returns the memory the process may use, in bytes: the
// smaller of MemAvailable in /proc/meminfo and the cgroup's limit minus its
// use; 0 when neither is known (not Linux).
func availableMemory() int64 {
	var avail int64
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			f := bytes.Fields(sc.Bytes())
			if len(f) >= 2 && string(f[0]) == "MemAvailable:" {
				if kb, err := strconv.ParseInt(string(f[1]), 10, 64); err == nil {
					avail = kb * 1024
				}
				break
			}
		}
	}
	for _, p := range [][2]string{
		{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"},
		{"/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes"},
	} {
		lim, ok1 := readInt(p[0])
		use, ok2 := readInt(p[1])
		if ok1 && ok2 && lim < 1<<60 {
			if free := lim - use; free > 0 && (avail == 0 || free < avail) {
				avail = free
			}
			break
		}
	}
	return avail
}

// readInt reads a file holding one decimal integer ("max" and other text
// report false).
func readInt(path string) (int64, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	v, err := strconv.ParseInt(string(bytes.TrimSpace(b)), 10, 64)
	return v, err == nil
}
