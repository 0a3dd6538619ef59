package tests

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gograd/gograd/kernel/kerneltest"
	"github.com/gograd/gograd/kernel/wire"
)

// The tests of issue 8: a student's infinite recursion or giant array must
// not kill the session, and what cannot be caught in-process is explained
// on the kernel's standard error.

// wantCellError checks that e failed with ename, that the reply's value
// and traceback mention every string of want, and that an error message
// was published on iopub.
func wantCellError(t *testing.T, name string, e *kerneltest.Execution, ename string, want ...string) {
	t.Helper()
	text := e.Reply.Evalue + "\n" + strings.Join(e.Reply.Traceback, "\n")
	if e.Reply.Status != "error" || e.Reply.Ename != ename {
		t.Errorf("%s: reply %s %s, want error %s\n%s", name, e.Reply.Status, e.Reply.Ename, ename, truncate(text, 2000))
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("%s: error does not mention %q:\n%s", name, w, truncate(text, 2000))
		}
	}
	if e.Find("error") == nil {
		t.Errorf("%s: no error message on iopub: %v", name, e.Types())
	}
}

func TestE2EInfiniteRecursion(t *testing.T) {
	t.Parallel()
	p := startKernelProcess(t)
	if e := p.exec(t, "before := 41"); e.Reply.Status != "ok" {
		t.Fatalf("first cell: %+v", e.Reply)
	}
	cases := []struct {
		name, code, fn string
	}{
		{"direct", "func down(n int) int { return down(n+1) + 1 }\ndown(0)", "down"},
		{"mutual", "func ping(n int) int { return pong(n+1) + 1 }\nfunc pong(n int) int { return ping(n+1) + 1 }\nping(0)", "ping"},
		{"closure", "var loop func(int) int\nloop = func(n int) int { return loop(n+1) + 1 }\nloop(0)", "loop"},
		{"goroutine", `func spin(n int) int { return spin(n+1) + 1 }
done := make(chan int)
go func() { done <- spin(0) }()
<-done`, "spin"},
	}
	for _, tc := range cases {
		start := time.Now()
		e := p.exec(t, tc.code)
		wantCellError(t, tc.name, e, "RecursionError", tc.fn)
		t.Logf("%s: %s in %v: %s", tc.name, e.Reply.Ename, time.Since(start).Round(time.Millisecond), e.Reply.Evalue)
		if e := p.exec(t, "before + 1"); result(e) != "42" {
			t.Fatalf("%s: the next cell does not see the earlier variable: result %q reply %+v", tc.name, result(e), e.Reply)
		}
	}
	p.reportPeakMemory(t)
}

func TestE2EDeepRecursionSucceeds(t *testing.T) {
	t.Parallel()
	p := startKernelProcess(t)
	e := p.exec(t, "func depth(n int) int { if n == 0 { return 0 }; return depth(n-1) + 1 }\ndepth(10000)")
	if e.Reply.Status != "ok" || result(e) != "10000" {
		t.Fatalf("depth 10000: result %q reply %s %s: %s", result(e), e.Reply.Status, e.Reply.Ename, e.Reply.Evalue)
	}
	p.reportPeakMemory(t)
}

func TestE2EHugeAllocations(t *testing.T) {
	t.Parallel()
	p := startKernelProcess(t)
	if e := p.exec(t, "kept := 7"); e.Reply.Status != "ok" {
		t.Fatalf("first cell: %+v", e.Reply)
	}
	total, err := procStatusBytes(0, "MemTotal")
	if err != nil && runtime.GOOS == "linux" {
		t.Fatal(err)
	}
	cases := []struct {
		name, code string
		bytes      int64 // what the request needs
	}{
		{"ad.Zeros", "ad.Zeros(200000, 200000)", 200000 * 200000 * 8},
		{"make 1<<40", "s := make([]float64, 1<<40)\nlen(s)", 8 << 40},
		// 512 GiB: large, but a size a student might type for "big".
		{"make 1<<36", "s := make([]float64, 1<<36)\nlen(s)", 8 << 36},
		{"make with capacity", "s := make([]float64, 0, 1<<38)\nlen(s)", 8 << 38},
	}
	for _, tc := range cases {
		if total != 0 && tc.bytes <= total {
			t.Logf("%s: skipped: this machine has %d bytes, the request %d would fit", tc.name, total, tc.bytes)
			continue
		}
		e := p.exec(t, tc.code)
		wantCellError(t, tc.name, e, "MemoryError")
		t.Logf("%s: %s: %s", tc.name, e.Reply.Ename, e.Reply.Evalue)
		var info struct {
			Status string `json:"status"`
		}
		p.request(t, "shell", "kernel_info_request", nil, &info)
		if info.Status != "ok" {
			t.Errorf("%s: kernel_info status %q", tc.name, info.Status)
		}
		if e := p.exec(t, "kept * 6"); result(e) != "42" {
			t.Fatalf("%s: the next cell does not see the earlier variable: result %q reply %+v", tc.name, result(e), e.Reply)
		}
	}
	p.reportPeakMemory(t)
}

// maxPeakMemory is the most the kernel process may use during the tests
// above: far below any machine the tests run on, and far above what a
// kernel needs (about 100 MiB).
const maxPeakMemory int64 = 2 << 30

// reportPeakMemory logs the kernel process's peak resident memory
// (VmHWM) and fails if it is not far below the machine's memory.
func (p *proc) reportPeakMemory(t *testing.T) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Log("peak memory not measured: /proc is Linux only")
		return
	}
	hwm, err := procStatusBytes(p.cmd.Process.Pid, "VmHWM")
	if err != nil {
		t.Fatal(err)
	}
	total, err := procStatusBytes(0, "MemTotal")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("kernel peak resident memory (VmHWM): %.1f MiB of %.1f GiB on this machine", float64(hwm)/(1<<20), float64(total)/(1<<30))
	if hwm >= maxPeakMemory || hwm >= total/4 {
		t.Errorf("kernel peak memory %d bytes; want < %d and < a quarter of the machine's %d", hwm, maxPeakMemory, total)
	}
}

// procStatusBytes reads a "Key:  N kB" field from /proc/PID/status, or
// from /proc/meminfo when pid is 0.
func procStatusBytes(pid int, key string) (int64, error) {
	path := "/proc/meminfo"
	if pid != 0 {
		path = fmt.Sprintf("/proc/%d/status", pid)
	}
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || k != key {
			continue
		}
		fields := strings.Fields(v)
		if len(fields) != 2 || fields[1] != "kB" {
			return 0, fmt.Errorf("%s: unexpected %s line %q", path, key, sc.Text())
		}
		n, err := strconv.ParseInt(fields[0], 10, 64)
		return n << 10, err
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("%s: no %s field", path, key)
}

// TestE2EFatalErrorIsReported makes the kernel die of a fatal runtime
// error that no recover can catch (unlocking an unlocked sync.Mutex) and
// checks that the kernel's own standard error says why: the capture of
// cell output leaves file descriptor 2, where the Go runtime reports fatal
// errors, as the original standard error.
func TestE2EFatalErrorIsReported(t *testing.T) {
	t.Parallel()
	p := startKernelProcess(t, "--debug")
	if out := p.stderr.String(); !strings.Contains(out, "fatal runtime errors are printed to the original standard error") {
		t.Errorf("--debug log does not explain where fatal errors go:\n%s", truncate(out, 2000))
	}
	code := "import \"sync\"\nvar mu sync.Mutex\nmu.Unlock()"
	if _, err := p.c.Request(kerneltest.Shell, "execute_request", wire.ExecuteRequest{Code: code, UserExpressions: map[string]string{}}); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.exited:
		p.exited <- err // for the cleanup, which waits for the exit
		if code := exitCode(err); code == 0 {
			t.Errorf("kernel exited with status 0 after a fatal error")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the kernel did not die of the fatal error within 30s")
	}
	// The runtime's own message line and the traceback, whose first frames
	// name the cause. The runtime prints "fatal error: " and the message as
	// separate writes, and its print lock does not exclude the kernel's log
	// writes to the same stderr, so a log line can land between the two:
	// check the pieces, not the joined line.
	out := p.stderr.String()
	for _, want := range []string{"fatal error: ", "sync: unlock of unlocked mutex", "[running]:", "sync.(*Mutex).Unlock"} {
		if !strings.Contains(out, want) {
			t.Errorf("kernel stderr lacks %q:\n%s", want, truncate(out, 3000))
		}
	}
}
