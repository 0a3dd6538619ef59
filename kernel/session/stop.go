package session

import (
	"bytes"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"unsafe"
)

// stopper delivers interrupts to the goroutines of one cell without
// touching yaegi's own cancellation (see "Interrupt" in the package
// documentation for why yaegi's must never be used).
//
// Every cell is a generation, numbered by the session's cell counter. The
// goroutine running a cell's code and every goroutine its go statements
// start (transitively) belong to the cell's generation; so do goroutines
// the session cannot see start (callbacks run by compiled code), counted
// in the newest generation. Stopping a generation closes its done channel
// and raises flag; the checks the rewriter puts at the top of every loop
// body and function read flag and, when it is set, ask halt whether the
// calling goroutine belongs to a stopped generation, which ends it with
// runtime.Goexit (deferred calls run, recover returns nil, so cell code
// cannot swallow an interrupt). Goroutines of other generations go on.
type stopper struct {
	// flag is 1 while a stopped generation may still have a goroutine
	// running. Cells read it with a plain load through the interpreter (a
	// call would cost ~400 ns per loop iteration, the load ~10 ns); it is
	// only written with atomic stores. A stale read is harmless: the next
	// check sees the new value.
	flag uint32

	// onHalt, when set, is called by a goroutine that halt ends, first.
	onHalt func()

	mu     sync.Mutex
	byG    map[unsafe.Pointer]int64 // goroutine (its runtime g) -> generation
	gens   map[int64]*generation
	latest int64
}

// generation is the stop state of one cell's goroutines.
type generation struct {
	live    int // bound goroutines, plus spawns not yet bound
	stopped bool
	done    chan struct{} // closed when stopped
}

func newStopper() *stopper {
	return &stopper{byG: map[unsafe.Pointer]int64{}, gens: map[int64]*generation{}}
}

// alive reports whether generation n still has a goroutine running.
func (st *stopper) alive(n int64) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	g := st.gens[n]
	return g != nil && g.live > 0
}

// gen returns generation n's state, creating it. st.mu is held.
func (st *stopper) gen(n int64) *generation {
	g := st.gens[n]
	if g == nil {
		g = &generation{done: make(chan struct{})}
		st.gens[n] = g
	}
	return g
}

// begin makes n the newest generation, at the start of a cell.
func (st *stopper) begin(n int64) {
	st.mu.Lock()
	defer st.mu.Unlock()
	old := st.latest
	st.latest = n
	st.gen(n)
	st.forget(old)
	st.update()
}

// forget drops the state of generation n if nothing refers to it any
// more. st.mu is held.
func (st *stopper) forget(n int64) {
	if g := st.gens[n]; g != nil && g.live == 0 && n != st.latest {
		delete(st.gens, n)
	}
}

// update sets flag: whether some stopped generation may still run. The
// newest generation counts while stopped even with nothing bound, for the
// goroutines the session cannot see. st.mu is held.
func (st *stopper) update() {
	var v uint32
	for n, g := range st.gens {
		if g.stopped && (g.live > 0 || n == st.latest) {
			v = 1
			break
		}
	}
	atomic.StoreUint32(&st.flag, v)
}

// stop stops generation n: its goroutines end at their next check, and
// their blocking waits (time.Sleep, channel operations, standard input)
// end at once.
func (st *stopper) stop(n int64) {
	st.mu.Lock()
	defer st.mu.Unlock()
	g := st.gen(n)
	if !g.stopped {
		g.stopped = true
		close(g.done)
	}
	st.update()
}

// spawn reserves a place in the calling goroutine's generation for a
// goroutine it is about to start, and returns the generation; the new
// goroutine calls bind with it.
func (st *stopper) spawn() int64 {
	st.mu.Lock()
	defer st.mu.Unlock()
	n := st.mine()
	if getG() != nil {
		st.gen(n).live++
	}
	return n
}

// bind records the calling goroutine as one of generation n's, using a
// place reserved by spawn when reserved is true. The returned function
// undoes it; it must run when the goroutine ends (deferred, so that it
// also runs on Goexit).
func (st *stopper) bind(n int64, reserved bool) func() {
	st.mu.Lock()
	defer st.mu.Unlock()
	g := st.gen(n)
	key := getG()
	if !reserved || key == nil {
		g.live++
	}
	prev, had := st.byG[key]
	if key != nil {
		st.byG[key] = n
	}
	return func() {
		st.mu.Lock()
		defer st.mu.Unlock()
		if key != nil {
			if had {
				st.byG[key] = prev
			} else {
				delete(st.byG, key)
			}
		}
		g.live--
		st.forget(n)
		st.update()
	}
}

// mine returns the calling goroutine's generation: the newest one for a
// goroutine the session did not start. st.mu is held.
func (st *stopper) mine() int64 {
	if key := getG(); key != nil {
		if n, ok := st.byG[key]; ok {
			return n
		}
	}
	return st.latest
}

// current returns the calling goroutine's generation.
func (st *stopper) current() int64 {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.mine()
}

// stopped reports whether the calling goroutine's generation is stopped.
func (st *stopper) stopped() bool {
	if atomic.LoadUint32(&st.flag) == 0 {
		return false
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	g := st.gens[st.mine()]
	return g != nil && g.stopped
}

// halt ends the calling goroutine when its generation is stopped.
func (st *stopper) halt() {
	if st.stopped() {
		if st.onHalt != nil {
			st.onHalt()
		}
		runtime.Goexit()
	}
}

// boundSet returns the goroutines bound to a generation.
func (st *stopper) boundSet() map[unsafe.Pointer]bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	m := make(map[unsafe.Pointer]bool, len(st.byG))
	for g := range st.byG {
		m[g] = true
	}
	return m
}

// done returns the channel closed when the calling goroutine's generation
// is stopped.
func (st *stopper) done() <-chan struct{} {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.gen(st.mine()).done
}

// getG identifies the calling goroutine, or returns nil where the runtime's
// g cannot be read (then every goroutine counts in the newest generation).
func getG() unsafe.Pointer {
	if !stackMeasured {
		return nil
	}
	return getg()
}

// goroutineID returns the calling goroutine's id, from the first line of
// its stack trace ("goroutine 42 [running]:").
func goroutineID() int64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b, _ = bytes.CutPrefix(b, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		n, _ := strconv.ParseInt(string(b[:i]), 10, 64)
		return n
	}
	return 0
}

// waiting reports whether goroutine id is blocked (in a channel operation,
// a lock, a system call...) rather than running or runnable, from a dump
// of all goroutines' stacks.
func waiting(id int64) bool {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	head := []byte("goroutine " + strconv.FormatInt(id, 10) + " [")
	i := bytes.Index(buf, head)
	if i < 0 {
		return false
	}
	state := buf[i+len(head):]
	if j := bytes.IndexByte(state, ']'); j >= 0 {
		state = state[:j]
	}
	return !bytes.HasPrefix(state, []byte("running")) && !bytes.HasPrefix(state, []byte("runnable"))
}
