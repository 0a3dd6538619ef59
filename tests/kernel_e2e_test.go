// Package tests drives the built gograd executable from the outside, with
// real clients.
package tests

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gograd/gograd/kernel"
	"github.com/gograd/gograd/kernel/kerneltest"
	"github.com/gograd/gograd/kernel/wire"
)

// gogradBin is the executable built once by TestMain.
var gogradBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gograd-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	gogradBin = filepath.Join(dir, "gograd")
	if runtime.GOOS == "windows" {
		gogradBin += ".exe"
	}
	build := exec.Command("go", "build", "-o", gogradBin, "github.com/gograd/gograd/kernel/cmd/gograd")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building gograd:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// proc is a running gograd kernel process and a client connected to it.
type proc struct {
	cmd    *exec.Cmd
	c      *kerneltest.Client
	stderr *kerneltest.Buffer
	exited chan error
	info   kernel.ConnectionInfo
}

// startKernelProcess starts `gograd kernel` on fresh loopback ports and
// waits until it answers kernel_info with iopub connected.
func startKernelProcess(tb testing.TB, extraArgs ...string) *proc {
	tb.Helper()
	return startProcess(tb, func(file string) []string {
		return append([]string{gogradBin, "kernel", "--connection-file", file}, extraArgs...)
	})
}

// startProcess starts the kernel command argv(connection file) and waits
// until it answers kernel_info with iopub connected. A kernel that exits
// before that because one of its ports was taken in the meantime ("address
// already in use") is started again on new ports, up to startTries times.
func startProcess(tb testing.TB, argv func(connectionFile string) []string) *proc {
	tb.Helper()
	for try := 1; ; try++ {
		p, clash := startOnce(tb, argv)
		if p != nil {
			return p
		}
		if try == startTries {
			tb.Fatalf("the kernel could not bind its ports in %d tries; its stderr:\n%s", try, truncate(clash, 4000))
		}
	}
}

const startTries = 3

// startOnce is one try of startProcess: the process, or nil and the
// kernel's stderr when it could not bind one of its ports.
func startOnce(tb testing.TB, argv func(connectionFile string) []string) (p *proc, clash string) {
	tb.Helper()
	info, err := kerneltest.FreeConnectionInfo(wire.NewID())
	if err != nil {
		tb.Fatal(err)
	}
	data, _ := json.Marshal(info)
	file := filepath.Join(tb.TempDir(), "kernel.json")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		tb.Fatal(err)
	}
	p = &proc{stderr: &kerneltest.Buffer{}, exited: make(chan error, 1), info: info}
	args := argv(file)
	p.cmd = exec.Command(args[0], args[1:]...)
	p.cmd.Stderr = p.stderr
	p.cmd.Stdout = p.stderr
	if err := p.cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dead := make(chan struct{}) // closed when the process has exited
	go func() {
		err := p.cmd.Wait()
		close(dead)
		cancel() // stop waiting for a kernel that is gone
		p.exited <- err
	}()
	cleanup := func() {
		if p.c != nil {
			p.c.Close()
		}
		select {
		case <-dead:
		default:
			p.cmd.Process.Kill()
			<-dead
		}
	}
	ready := func() error {
		var err error
		if p.c, err = kerneltest.DialRetry(ctx, info); err != nil {
			return err
		}
		return p.c.WaitReady(ctx)
	}
	if err := ready(); err != nil {
		cleanup()
		if s := p.stderr.String(); strings.Contains(s, "address already in use") {
			return nil, s
		}
		tb.Fatalf("%v\nstderr: %s", err, truncate(p.stderr.String(), 4000))
	}
	tb.Cleanup(func() {
		cleanup()
		if tb.Failed() {
			tb.Logf("kernel stderr:\n%s", truncate(p.stderr.String(), 4000))
		}
	})
	return p, ""
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n/2] + "\n…\n" + s[len(s)-n/2:]
}

func ctxFor(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func (p *proc) exec(t *testing.T, code string) *kerneltest.Execution {
	t.Helper()
	e, err := p.c.Execute(ctxFor(t, 60*time.Second), code, nil)
	if err != nil {
		t.Fatalf("execute %q: %v", code, err)
	}
	return e
}

func (p *proc) request(t *testing.T, channel, msgType string, content, out any) {
	t.Helper()
	ctx := ctxFor(t, 30*time.Second)
	req, err := p.c.Request(channel, msgType, content)
	if err != nil {
		t.Fatal(err)
	}
	reply, _, err := p.c.Reply(ctx, channel, req)
	if err != nil {
		t.Fatalf("%s: %v", msgType, err)
	}
	if want := strings.TrimSuffix(msgType, "_request") + "_reply"; reply.Header.MsgType != want {
		t.Fatalf("reply type %s, want %s", reply.Header.MsgType, want)
	}
	if out != nil {
		if err := reply.DecodeContent(out); err != nil {
			t.Fatal(err)
		}
	}
	iopub, err := p.c.IOPubUntilIdle(ctx, req)
	if err != nil {
		t.Fatalf("%s: iopub: %v", msgType, err)
	}
	if len(iopub) < 2 || iopub[0].Header.MsgType != "status" {
		t.Errorf("%s: iopub %v does not start with status", msgType, types(iopub))
	}
}

func types(ms []*wire.Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Header.MsgType)
	}
	return out
}

func result(e *kerneltest.Execution) string {
	m := e.Find("execute_result")
	if m == nil {
		return ""
	}
	var r wire.ExecuteResult
	m.DecodeContent(&r)
	s, _ := r.Data["text/plain"].(string)
	return s
}

func TestE2EExecuteStateAndCounts(t *testing.T) {
	t.Parallel()
	p := startKernelProcess(t)
	e := p.exec(t, `x := 41
fmt.Println("hello")`)
	if got, want := e.Types(), []string{"status", "execute_input", "stream", "status"}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("iopub %v, want %v", got, want)
	}
	if e.Reply.Status != "ok" || e.Reply.ExecutionCount != 1 || e.Stdout() != "hello\n" {
		t.Fatalf("cell 1: %+v stdout %q", e.Reply, e.Stdout())
	}
	for _, m := range e.IOPub {
		if kerneltest.ParentID(m) != e.Request.Header.MsgID {
			t.Errorf("%s parent %s, want %s", m.Header.MsgType, kerneltest.ParentID(m), e.Request.Header.MsgID)
		}
	}
	e = p.exec(t, "x + 1")
	if e.Reply.ExecutionCount != 2 || result(e) != "42" {
		t.Errorf("cell 2: %+v result %q, want 42", e.Reply, result(e))
	}
	var in wire.ExecuteResult
	e.Find("execute_result").DecodeContent(&in)
	if in.ExecutionCount != 2 {
		t.Errorf("execute_result count %d, want 2", in.ExecutionCount)
	}
	e = p.exec(t, "import \"os\"\nfmt.Fprintln(os.Stderr, \"to stderr\")")
	if e.Stderr() != "to stderr\n" {
		t.Errorf("stderr %q", e.Stderr())
	}
}

func TestE2ERedefinition(t *testing.T) {
	t.Parallel()
	p := startKernelProcess(t)
	steps := []struct{ code, want string }{
		{"func f() int { return 1 }\nf()", "1"},
		{"func f() int { return 2 }\nf()", "2"},
		{"var v = 1\nv", "1"},
		{`var v = "now a string"` + "\nv", `"now a string"`},
		{"type T struct{ A int }\nT{A: 3}.A", "3"},
	}
	for _, s := range steps {
		e := p.exec(t, s.code)
		if e.Reply.Status != "ok" || result(e) != s.want {
			t.Errorf("%q: status %s result %q (%s: %s), want %q", s.code, e.Reply.Status, result(e), e.Reply.Ename, e.Reply.Evalue, s.want)
		}
	}
	// Changing a type is refused clearly, or works; it never leaves the
	// kernel confused.
	e := p.exec(t, "type T struct{ B string }\nT{B: \"x\"}.B")
	if e.Reply.Status == "error" && !strings.Contains(e.Reply.Evalue, "T") {
		t.Errorf("type redefinition error does not name the type: %s: %s", e.Reply.Ename, e.Reply.Evalue)
	}
	if e := p.exec(t, "f() + 40"); result(e) != "42" {
		t.Errorf("after the type change: %q %+v", result(e), e.Reply)
	}
}

func TestE2EErrors(t *testing.T) {
	t.Parallel()
	p := startKernelProcess(t)
	cases := []struct {
		name, code, ename, evalue string
	}{
		{"compile error", `var z int = "not an int"`, "CompileError", ""},
		{"panic", `panic("boom")`, "Panic", "boom"},
		{"os.Exit", "import \"os\"\nos.Exit(3)", "", "3"},
		{"log.Fatal", "import \"log\"\nlog.Fatal(\"fatal\")", "", ""},
	}
	for _, tc := range cases {
		e := p.exec(t, tc.code)
		if e.Reply.Status != "error" || (tc.ename != "" && e.Reply.Ename != tc.ename) || !strings.Contains(e.Reply.Evalue, tc.evalue) {
			t.Errorf("%s: reply %s %s: %s", tc.name, e.Reply.Status, e.Reply.Ename, e.Reply.Evalue)
		}
		if e.Find("error") == nil {
			t.Errorf("%s: no error message on iopub: %v", tc.name, e.Types())
		}
		if len(e.Reply.Traceback) == 0 {
			t.Errorf("%s: empty traceback", tc.name)
		}
	}
	if e := p.exec(t, "1 + 1"); result(e) != "2" {
		t.Fatalf("kernel not healthy after errors: %+v", e.Reply)
	}
}

func TestE2EPanicInGoroutine(t *testing.T) {
	t.Parallel()
	p := startKernelProcess(t)
	e := p.exec(t, `import "time"
done := make(chan bool)
go func() { defer close(done); panic("in a goroutine") }()
<-done
time.Sleep(50 * time.Millisecond)`)
	if !strings.Contains(e.Stderr()+e.Reply.Evalue, "in a goroutine") {
		t.Errorf("the goroutine's panic was not reported: stderr %q reply %+v", e.Stderr(), e.Reply)
	}
	if e := p.exec(t, "2 * 21"); result(e) != "42" {
		t.Fatalf("kernel dead after a goroutine panic: %+v", e.Reply)
	}
}

// interruptAfterStart sends code, waits for its "started" line, sends
// interrupt_request and returns the time from interrupt to execute_reply.
func interruptAfterStart(t *testing.T, p *proc, code string) (*kerneltest.Execution, time.Duration) {
	t.Helper()
	ctx := ctxFor(t, 60*time.Second)
	run, err := p.c.Request(kerneltest.Shell, "execute_request", wire.ExecuteRequest{Code: code, UserExpressions: map[string]string{}})
	if err != nil {
		t.Fatal(err)
	}
	for {
		m, err := p.c.Next(ctx, "iopub")
		if err != nil {
			t.Fatal(err)
		}
		if m.Header.MsgType == "stream" && kerneltest.ParentID(m) == run.Header.MsgID {
			break
		}
	}
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	ir, _ := p.c.Request(kerneltest.Control, "interrupt_request", nil)
	if _, _, err := p.c.Reply(ctx, kerneltest.Control, ir); err != nil {
		t.Fatal(err)
	}
	reply, _, err := p.c.Reply(ctx, kerneltest.Shell, run)
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	e := &kerneltest.Execution{Request: run}
	reply.DecodeContent(&e.Reply)
	return e, elapsed
}

func TestE2EInterrupt(t *testing.T) {
	t.Parallel()
	p := startKernelProcess(t)
	p.exec(t, "n := 0")
	// Loops stop at once; an interpreted time.Sleep cannot be cut short, and
	// the session gives up waiting for it after a bounded time.
	cases := []struct {
		name  string
		code  string
		limit time.Duration
		where string // the traceback's line: where the cell was, as IPython's KeyboardInterrupt shows
	}{
		{"interpreted loop", `fmt.Println("started")
for { n++ }`, time.Second, ", line 2, at top level\n    for { n++ }"},
		// One compiled call of several seconds: it must stop inside ad.
		{"compiled ad computation", `a := ad.New(make([]float64, 3000*3000), 3000, 3000)
fmt.Println("started")
b := ad.MatMul(a, a)`, time.Second, ", line 3, at top level\n    b := ad.MatMul(a, a)"},
		{"sleep", `import "time"
fmt.Println("started")
time.Sleep(time.Hour)`, 5 * time.Second, ", line 3, at top level\n    time.Sleep(time.Hour)"},
	}
	for _, tc := range cases {
		e, took := interruptAfterStart(t, p, tc.code)
		if e.Reply.Status != "error" || e.Reply.Ename != "Interrupted" {
			t.Errorf("%s: reply %s %s: %s, want Interrupted", tc.name, e.Reply.Status, e.Reply.Ename, e.Reply.Evalue)
		}
		if tb := strings.Join(e.Reply.Traceback, "\n"); !strings.Contains(tb, tc.where) {
			t.Errorf("%s: traceback %q does not show %q", tc.name, tb, tc.where)
		}
		t.Logf("%s: interrupt → execute_reply in %v", tc.name, took)
		if took > tc.limit {
			t.Errorf("%s: interrupt took %v, want at most %v", tc.name, took, tc.limit)
		}
	}
	// State survives: n kept counting in the interrupted loop.
	e := p.exec(t, "n > 0")
	if result(e) != "true" {
		t.Errorf("state after interrupts: n > 0 = %q (%+v)", result(e), e.Reply)
	}
}

func TestE2EStdin(t *testing.T) {
	t.Parallel()
	p := startKernelProcess(t)
	ctx := ctxFor(t, 30*time.Second)
	run, _ := p.c.Request(kerneltest.Shell, "execute_request", wire.ExecuteRequest{
		Code:       "var name string\nfmt.Print(\"name? \")\nfmt.Scanln(&name)\nfmt.Println(\"hello\", name)",
		AllowStdin: true, UserExpressions: map[string]string{},
	})
	ir, err := p.c.Next(ctx, kerneltest.Stdin)
	if err != nil {
		t.Fatal(err)
	}
	if ir.Header.MsgType != "input_request" || kerneltest.ParentID(ir) != run.Header.MsgID {
		t.Fatalf("got %s with parent %s", ir.Header.MsgType, kerneltest.ParentID(ir))
	}
	reply := p.c.NewRequest("input_reply", wire.InputReply{Value: "Ada"})
	reply.Parent = ir.RawHeader
	if err := p.c.Send(kerneltest.Stdin, reply); err != nil {
		t.Fatal(err)
	}
	e, err := p.c.Finish(ctx, run)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(e.Stdout(), "hello Ada") {
		t.Errorf("stdout %q, want it to contain %q", e.Stdout(), "hello Ada")
	}
}

func TestE2EOtherMessages(t *testing.T) {
	t.Parallel()
	p := startKernelProcess(t)
	p.exec(t, "func myHelper(x float64) float64 { return x * 2 }")
	var info wire.KernelInfoReply
	p.request(t, kerneltest.Control, "kernel_info_request", nil, &info)
	if info.LanguageInfo.Name != "go" || info.LanguageInfo.FileExtension != ".go" {
		t.Errorf("kernel_info %+v", info)
	}
	var cr wire.CompleteReply
	p.request(t, kerneltest.Shell, "complete_request", wire.CompleteRequest{Code: "fmt.Prin", CursorPos: 8}, &cr)
	if !contains(cr.Matches, "Println") && !contains(cr.Matches, "fmt.Println") {
		t.Errorf("complete fmt.Prin: %+v", cr)
	}
	p.request(t, kerneltest.Shell, "complete_request", wire.CompleteRequest{Code: "myHe", CursorPos: 4}, &cr)
	if !contains(cr.Matches, "myHelper") || cr.CursorStart != 0 || cr.CursorEnd != 4 {
		t.Errorf("complete myHe: %+v", cr)
	}
	var ir wire.InspectReply
	p.request(t, kerneltest.Shell, "inspect_request", wire.InspectRequest{Code: "fmt.Println", CursorPos: 6}, &ir)
	if !ir.Found || !strings.Contains(fmt.Sprint(ir.Data["text/plain"]), "Println") {
		t.Errorf("inspect fmt.Println: %+v", ir)
	}
	for _, tc := range []struct{ code, status string }{{"x := 1", "complete"}, {"func f() {", "incomplete"}, {"x := )", "invalid"}} {
		var r wire.IsCompleteReply
		p.request(t, kerneltest.Shell, "is_complete_request", wire.IsCompleteRequest{Code: tc.code}, &r)
		if r.Status != tc.status {
			t.Errorf("is_complete %q: %+v, want %s", tc.code, r, tc.status)
		}
	}
	var hr wire.HistoryReply
	p.request(t, kerneltest.Shell, "history_request", wire.HistoryRequest{HistAccessType: "tail", N: 5}, &hr)
	if len(hr.History) != 1 || !strings.Contains(fmt.Sprint(hr.History[0]), "myHelper") {
		t.Errorf("history tail: %v", hr.History)
	}
	p.request(t, kerneltest.Shell, "history_request", wire.HistoryRequest{HistAccessType: "search", Pattern: "func my*"}, &hr)
	if len(hr.History) != 1 {
		t.Errorf("history search: %v", hr.History)
	}
	var ci wire.CommInfoReply
	p.request(t, kerneltest.Shell, "comm_info_request", nil, &ci)
	if ci.Status != "ok" {
		t.Errorf("comm_info %+v", ci)
	}
	open, _ := p.c.Request(kerneltest.Shell, "comm_open", wire.CommOpen{CommID: "c1", TargetName: "jupyter.widget"})
	if msgs, err := p.c.IOPubUntilIdle(ctxFor(t, 10*time.Second), open); err != nil || !contains(types(msgs), "comm_close") {
		t.Errorf("comm_open: %v %v", types(msgs), err)
	}
	e := p.exec(t, `display.Markdown("# title")`)
	if m := e.Find("display_data"); m == nil {
		t.Errorf("display.Markdown: no display_data in %v", e.Types())
	}
	if err := p.c.Heartbeat(ctxFor(t, 10*time.Second), []byte("ping")); err != nil {
		t.Error(err)
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func TestE2EBadMessages(t *testing.T) {
	t.Parallel()
	p := startKernelProcess(t)
	p.exec(t, "hits := 0")
	evil := func() *wire.Message {
		return p.c.NewRequest("execute_request", wire.ExecuteRequest{Code: "hits++", UserExpressions: map[string]string{}})
	}
	genuine := evil()
	frames, err := p.c.Codec.Encode(genuine)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.c.SendFrames(kerneltest.Shell, frames); err != nil {
		t.Fatal(err)
	}
	if _, err := p.c.Finish(ctxFor(t, 30*time.Second), genuine); err != nil {
		t.Fatal(err)
	}
	bad := map[string][][]byte{"replayed": frames}
	for name, sig := range map[string]string{"empty signature": "", "garbage signature": "garbage", "wrong signature": strings.Repeat("ab", 32)} {
		f, _ := p.c.Codec.Encode(evil())
		f[1] = []byte(sig)
		bad[name] = f
	}
	unsigned, _ := wire.NewCodec(nil).Encode(evil())
	bad["unsigned"] = unsigned
	bad["garbage frames"] = [][]byte{[]byte("\x00\xff"), []byte("<IDS|MSG>")}
	for name, f := range bad {
		for _, ch := range []string{kerneltest.Shell, kerneltest.Control} {
			if err := p.c.SendFrames(ch, f); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
	}
	e := p.exec(t, "hits")
	if result(e) != "1" {
		t.Errorf("hits = %q, want 1: a bad message was executed (%+v)", result(e), e.Reply)
	}
	// Control is served on its own goroutine: its rejections may lag.
	deadline := time.Now().Add(5 * time.Second)
	for strings.Count(p.stderr.String(), "message rejected") < 2*len(bad) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := strings.Count(p.stderr.String(), "message rejected"); n != 2*len(bad) {
		t.Errorf("%d rejections logged, want %d", n, 2*len(bad))
	}
}

func TestE2EOutputFlood(t *testing.T) {
	t.Parallel()
	const n = 100000
	p := startKernelProcess(t)
	e := p.exec(t, fmt.Sprintf("for i := 0; i < %d; i++ { fmt.Println(i) }", n))
	out := e.Stdout()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != n {
		t.Fatalf("got %d lines, want %d", len(lines), n)
	}
	for i, l := range lines {
		if l != strconv.Itoa(i) {
			t.Fatalf("line %d is %q", i, l)
		}
	}
}

func TestE2EShutdown(t *testing.T) {
	t.Parallel()
	p := startKernelProcess(t)
	ctx := ctxFor(t, 30*time.Second)
	req, _ := p.c.Request(kerneltest.Control, "shutdown_request", wire.ShutdownRequest{})
	reply, _, err := p.c.Reply(ctx, kerneltest.Control, req)
	if err != nil {
		t.Fatal(err)
	}
	var r wire.ShutdownReply
	reply.DecodeContent(&r)
	if r.Status != "ok" || r.Restart {
		t.Errorf("shutdown_reply %+v", r)
	}
	select {
	case err := <-p.exited:
		if err != nil {
			t.Errorf("kernel exited with %v", err)
		}
		p.exited <- err // for the cleanup
	case <-ctx.Done():
		t.Fatal("the kernel did not exit after shutdown_request")
	}
}

func TestE2ESIGINTInterruptsTheCell(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT on windows")
	}
	p := startKernelProcess(t)
	ctx := ctxFor(t, 30*time.Second)
	run, _ := p.c.Request(kerneltest.Shell, "execute_request", wire.ExecuteRequest{Code: "fmt.Println(\"go\")\nfor {}", UserExpressions: map[string]string{}})
	for {
		m, err := p.c.Next(ctx, "iopub")
		if err != nil {
			t.Fatal(err)
		}
		if m.Header.MsgType == "stream" {
			break
		}
	}
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	reply, _, err := p.c.Reply(ctx, kerneltest.Shell, run)
	if err != nil {
		t.Fatal(err)
	}
	var er wire.ExecuteReply
	reply.DecodeContent(&er)
	if er.Ename != "Interrupted" {
		t.Errorf("reply %+v", er)
	}
	if e := p.exec(t, "1"); result(e) != "1" {
		t.Errorf("kernel after SIGINT: %+v", e.Reply)
	}
}

func TestE2EPortInUseIsReported(t *testing.T) {
	t.Parallel()
	info, err := kerneltest.FreeConnectionInfo("k")
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", info.ShellPort))
	if err != nil {
		t.Skipf("cannot occupy the port: %v", err)
	}
	defer l.Close()
	data, _ := json.Marshal(info)
	file := filepath.Join(t.TempDir(), "kernel.json")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(gogradBin, "kernel", "--connection-file", file).CombinedOutput()
	if code := exitCode(err); code != 1 {
		t.Errorf("exit status %d (%v), want 1", code, err)
	}
	if !strings.Contains(string(out), "shell socket") {
		t.Errorf("stderr %q does not say which socket failed", out)
	}
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}

// startOnce notices a kernel that exited because a port was taken, at
// once rather than after its 30 s wait, so that startProcess can try new
// ports.
func TestStartOnceNoticesPortClash(t *testing.T) {
	t0 := time.Now()
	p, clash := startOnce(t, func(string) []string {
		return []string{"sh", "-c", "echo 'gograd kernel: stdin socket on tcp://127.0.0.1:1: listen tcp 127.0.0.1:1: bind: address already in use' >&2; exit 1"}
	})
	if p != nil || !strings.Contains(clash, "address already in use") {
		t.Fatalf("startOnce = %v, %q; want no process and the kernel's stderr", p, clash)
	}
	if d := time.Since(t0); d > 20*time.Second {
		t.Errorf("startOnce took %v to notice the exit", d)
	}
}
