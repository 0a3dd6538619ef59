package ad

import (
	"bufio"
	"bytes"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
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
	if int64(n) > 1<<59 { // int64: the constant overflows a 32-bit int
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
// after checkAlloc. Buffers recycled by the backward pass (see recycle) are
// reused when one of length n is available.
func alloc(op string, n int) []float64 {
	if d := reuseBuf(n); d != nil {
		clear(d)
		return d
	}
	return makeBuf(op, n)
}

// allocFull is alloc for a caller that writes every element of the buffer
// before anyone reads it: a recycled buffer is handed out with its old
// contents instead of being cleared first, and a new buffer of at least
// noZeroMin values is not zeroed (makeNoZero).
func allocFull(op string, n int) []float64 {
	if d := reuseBuf(n); d != nil {
		return d
	}
	if n >= noZeroMin {
		checkAlloc(op, n)
		if d := makeNoZero(n); d != nil {
			return d
		}
	}
	return makeBuf(op, n)
}

// makeBuf allocates a new zeroed buffer of n values for a result of op,
// after checkAlloc. A buffer of gcReturnMin to gcReturnMax values comes
// back through the garbage collector (see gcReturn).
func makeBuf(op string, n int) []float64 {
	checkAlloc(op, n)
	d := make([]float64, n)
	if n >= gcReturnMin && n <= gcReturnMax {
		gcReturn(&d[0], n, gcReturnLives)
	}
	return d
}

// Buffers returned by the garbage collector. The results of ad's
// operations cannot be recycled when they are dropped (nothing tells when
// the caller is done with a tensor), but the garbage collector knows: a
// buffer made by makeBuf carries a finalizer, which runs only once no
// pointer to any part of the buffer is left anywhere (tensors, views,
// slices, pools), and which hands the buffer to recycle instead of letting
// it be freed. alloc then gives it out again, so loops that make and drop
// results of the same sizes (every training step, every gradient) stop
// growing the heap, and collections become rare.
//
// Memory is not held for good: a buffer comes back at most
// 1 + gcReturnLives times, and more than once only when buffers of its
// length have been taken from the pools before (a finalizer sets itself
// again only then); after that it is freed like any other. Buffers idle in
// the pools are dropped by the collector as usual (sync.Pool), which runs
// their finalizer again while they have lives left. Buffers above
// gcReturnMax are not returned here (a jitted function's results above
// it come back to their program as spares, at most two at a time:
// jitOut in jit_into.go), though their allocation is not free (the
// runtime may have given their pages back to the system, and touching
// them again faults: EW's 8 MB result, 20-140 minor faults per call,
// faults/op in the benchmarks): a buffer its finalizer revives counts as
// live until the next collection, which raises the collector's heap goal,
// and returns come only with collections, which come only with
// allocation. Handing a jitted W3's 1.6 MB gradient back this way (at most
// two kept per result) raised the peak resident growth of 100 warm
// gradients from 14.3 to 24.6 MB (medians) while saving 30% of the bytes
// allocated, and EW's faults went up, 27 to 75 per call (BENCHMARKS.md,
// 2026-12-07 16:00). Code in ad must
// never keep a buffer only through a uintptr or an unsafe.Pointer held
// across a call: the finalizer would hand the buffer out again. The finalizer is only ever set on a
// buffer makeBuf has just made, or again by the buffer's own finalizer,
// never on a slice of unknown origin (SetFinalizer needs the start of an
// allocation).
//
// Every recyclable length is returned (gcReturnMin = recycleMin): W1's
// 200-value results measured −21% CPU with Go's default GC against a
// threshold of 1024 values (n=8), nothing else changed significantly.
const (
	gcReturnMin   = recycleMin // values (1 KiB)
	gcReturnMax   = 1 << 19    // values (4 MiB)
	gcReturnLives = 4
)

// gcReturn sets the finalizer that recycles the n-value buffer starting
// at p, with lives more returns after this one.
func gcReturn(p *float64, n, lives int) {
	runtime.SetFinalizer(p, poolOf(n).fins[lives])
}

// reuseBuf returns a recycled buffer of length n with arbitrary contents,
// or nil.
func reuseBuf(n int) []float64 {
	if n >= recycleMin {
		if p, ok := recycled.Load(n); ok {
			bp := p.(*bufPool)
			if n >= spareMin {
				if e := bp.spare.Swap(nil); e != nil {
					return unsafe.Slice(e, n)
				}
			}
			if e, _ := bp.Get().(*float64); e != nil {
				if bp.hits.Load() == 0 {
					bp.hits.Store(1)
				}
				return unsafe.Slice(e, n)
			}
		}
	}
	return nil
}

// Recycled buffers. The backward pass produces many temporary cotangents
// (a weight's gradient contribution from each step of a loop, say) that die
// as soon as they have been added into an accumulator. When it can prove
// that nothing else refers to such a buffer (see backward), it hands the
// buffer to recycle, and alloc gives it out again instead of allocating:
// fewer bytes allocated means fewer garbage collections. The garbage
// collector returns dropped results the same way (see gcReturn). Only whole
// buffers of at least recycleMin values are kept, in one sync.Pool per
// length (so idle buffers are dropped by the garbage collector as usual).
const recycleMin = 128

var recycled sync.Map // int → *bufPool

// bufPool holds recycled buffers of one length as pointers to their first
// element; hits becomes 1 once a buffer has been taken from it.
type bufPool struct {
	sync.Pool
	// spare holds one buffer of spareMin values or more, whichever core
	// asks: a sync.Pool hands a buffer back first on the core that put it
	// there (its private slot), so a loop that releases a large result
	// and makes the next one on the other core would miss it and make a
	// new one (one replay in 20 of W3's, under load). Collections drop
	// it (dropSpares), as they drop the pool's buffers.
	spare atomic.Pointer[float64]
	hits  atomic.Int32
	// fins[l] is the finalizer of a buffer of this length with l lives
	// left (see gcReturn): it recycles the buffer, after setting
	// fins[l-1] when l > 0 and the pool has had a hit. (One function per
	// count, made with the pool, instead of a closure per buffer.)
	fins [gcReturnLives + 1]func(*float64)
}

// poolOf returns the pool of buffers of length n.
func poolOf(n int) *bufPool {
	p, ok := recycled.Load(n)
	if !ok {
		bp := new(bufPool)
		for l := range bp.fins {
			bp.fins[l] = func(p *float64) {
				if l > 0 && bp.hits.Load() > 0 {
					runtime.SetFinalizer(p, bp.fins[l-1])
				}
				bp.Put(p)
			}
		}
		p, _ = recycled.LoadOrStore(n, bp)
	}
	return p.(*bufPool)
}

// recycle makes d, a buffer no tensor refers to any more, available to alloc.
func recycle(d []float64) {
	n := len(d)
	if n < recycleMin || cap(d) != n {
		return
	}
	bp := poolOf(n)
	if n >= spareMin && bp.spare.CompareAndSwap(nil, &d[0]) {
		startSweep()
		return
	}
	bp.Put(&d[0])
}

// spareMin is the least length of a buffer kept as a pool's spare: the
// results that jitOut.get takes from the pools themselves (above
// jitPooledMax; smaller ones come through alloc).
const spareMin = jitPooledMax + 1

// dropSpares empties every pool's spare; it runs after each collection
// (spareSweep).
func dropSpares() {
	recycled.Range(func(_, p any) bool {
		p.(*bufPool).spare.Store(nil)
		return true
	})
}

// spareSweep is an object with a finalizer that drops the spares and sets
// itself again on a new one: it runs once per garbage collection.
type spareSweep struct{ _ *int }

func armSpareSweep() {
	runtime.SetFinalizer(&spareSweep{}, func(*spareSweep) {
		dropSpares()
		sweepOwned() // entries of collected tensors (release.go)
		armSpareSweep()
	})
}

// sweepArmed tells that the sweep runs: it is armed by the first spare
// or side-table entry (startSweep), so that a program that never gives
// results back does not allocate one object per collection for it.
var sweepArmed atomic.Bool

// startSweep arms spareSweep once.
func startSweep() {
	if !sweepArmed.Load() && sweepArmed.CompareAndSwap(false, true) {
		armSpareSweep()
	}
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
