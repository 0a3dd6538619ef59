package kernel_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gograd/gograd/kernel"
	"github.com/gograd/gograd/kernel/kerneltest"
	"github.com/gograd/gograd/kernel/wire"
)

// testKernel is a kernel with a fake engine on loopback, and a client.
type testKernel struct {
	k      *kernel.Kernel
	engine *fakeEngine
	c      *kerneltest.Client
	info   kernel.ConnectionInfo
	runErr chan error
	logs   *kerneltest.Buffer
}

func startKernel(t testing.TB, key string, configure func(*kernel.Kernel)) *testKernel {
	t.Helper()
	var (
		tk  = &testKernel{engine: &fakeEngine{}, runErr: make(chan error, 1), logs: &kerneltest.Buffer{}}
		err error
	)
	for attempt := 0; ; attempt++ {
		tk.info, err = kerneltest.FreeConnectionInfo(key)
		if err != nil {
			t.Fatal(err)
		}
		tk.k, err = kernel.New(tk.info, kernel.Options{
			Engine: tk.engine, Version: "test", SendTimeout: 2 * time.Second,
			Logger: slog.New(slog.NewTextHandler(tk.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		})
		if err == nil {
			break
		}
		if attempt == 3 { // a port was taken between probing and binding
			t.Fatal(err)
		}
	}
	if configure != nil {
		configure(tk.k)
	}
	go func() { tk.runErr <- tk.k.Run(context.Background()) }()
	tk.c, err = kerneltest.Dial(tk.info)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := tk.c.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		tk.c.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		tk.k.Shutdown(ctx)
		if t.Failed() {
			t.Logf("kernel log:\n%s", tk.logs.String())
		}
	})
	return tk
}

func timeout(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func (tk *testKernel) execute(t *testing.T, code string, req *wire.ExecuteRequest) *kerneltest.Execution {
	t.Helper()
	e, err := tk.c.Execute(timeout(t), code, req)
	if err != nil {
		t.Fatalf("execute %q: %v", code, err)
	}
	return e
}

// request sends msgType on channel and returns the reply content decoded
// into out, checking the reply type and the busy/idle bracket.
func (tk *testKernel) request(t *testing.T, channel, msgType string, content, out any) *wire.Message {
	t.Helper()
	ctx := timeout(t)
	req, err := tk.c.Request(channel, msgType, content)
	if err != nil {
		t.Fatal(err)
	}
	reply, _, err := tk.c.Reply(ctx, channel, req)
	if err != nil {
		t.Fatalf("%s: %v", msgType, err)
	}
	want := strings.TrimSuffix(msgType, "_request") + "_reply"
	if reply.Header.MsgType != want {
		t.Fatalf("reply type: got %s, want %s", reply.Header.MsgType, want)
	}
	if out != nil {
		if err := reply.DecodeContent(out); err != nil {
			t.Fatal(err)
		}
	}
	iopub, err := tk.c.IOPubUntilIdle(ctx, req)
	if err != nil {
		t.Fatalf("%s iopub: %v", msgType, err)
	}
	if len(iopub) < 2 || iopub[0].Header.MsgType != "status" || !strings.Contains(string(iopub[0].Content), "busy") {
		t.Errorf("%s: iopub does not start with status busy: %v", msgType, types(iopub))
	}
	return reply
}

func types(ms []*wire.Message) []string {
	var ts []string
	for _, m := range ms {
		ts = append(ts, m.Header.MsgType)
	}
	return ts
}

func TestKernelInfoOnShellAndControl(t *testing.T) {
	t.Parallel()
	tk := startKernel(t, "secret", nil)
	for _, ch := range []string{kerneltest.Shell, kerneltest.Control} {
		var info wire.KernelInfoReply
		tk.request(t, ch, "kernel_info_request", nil, &info)
		li := info.LanguageInfo
		if info.Status != "ok" || info.ProtocolVersion != "5.3" || info.Implementation != "gograd" ||
			li.Name != "go" || li.Mimetype != "text/x-go" || li.FileExtension != ".go" ||
			li.PygmentsLexer != "go" || li.CodemirrorMode != "go" || li.Version == "" ||
			info.Banner == "" || len(info.HelpLinks) == 0 {
			t.Errorf("%s: kernel_info_reply %+v", ch, info)
		}
	}
}

func TestExecuteMessagesInOrder(t *testing.T) {
	t.Parallel()
	tk := startKernel(t, "secret", nil)
	for i := 1; i <= 3; i++ {
		e := tk.execute(t, "print hello\nvalue 42", nil)
		want := []string{"status", "execute_input", "stream", "execute_result", "status"}
		if got := e.Types(); !reflect.DeepEqual(got, want) {
			t.Fatalf("cell %d: iopub %v, want %v", i, got, want)
		}
		if e.Reply.Status != "ok" || e.Reply.ExecutionCount != i {
			t.Errorf("cell %d: reply %+v, want ok with execution_count %d", i, e.Reply, i)
		}
		var in wire.ExecuteInput
		e.Find("execute_input").DecodeContent(&in)
		var res wire.ExecuteResult
		e.Find("execute_result").DecodeContent(&res)
		if in.ExecutionCount != i || res.ExecutionCount != i || res.Data["text/plain"] != "42" {
			t.Errorf("cell %d: execute_input %+v, execute_result %+v", i, in, res)
		}
		if e.Stdout() != "hello\n" {
			t.Errorf("stdout: got %q, want %q", e.Stdout(), "hello\n")
		}
		for _, m := range e.IOPub {
			if kerneltest.ParentID(m) != e.Request.Header.MsgID {
				t.Errorf("%s has parent %s, want %s", m.Header.MsgType, kerneltest.ParentID(m), e.Request.Header.MsgID)
			}
		}
	}
}

func TestExecuteSilentAndNoHistory(t *testing.T) {
	t.Parallel()
	tk := startKernel(t, "secret", nil)
	e := tk.execute(t, "print quiet\nvalue 1", &wire.ExecuteRequest{Silent: true})
	if got, want := e.Types(), []string{"status", "stream", "status"}; !reflect.DeepEqual(got, want) {
		t.Errorf("silent: iopub %v, want %v", got, want)
	}
	if e.Reply.ExecutionCount != 0 {
		t.Errorf("silent: execution_count %d, want 0", e.Reply.ExecutionCount)
	}
	no := false
	e = tk.execute(t, "value 1", &wire.ExecuteRequest{StoreHistory: &no})
	if e.Reply.ExecutionCount != 0 || e.Find("execute_result") == nil {
		t.Errorf("store_history=false: reply %+v, iopub %v", e.Reply, e.Types())
	}
	e = tk.execute(t, "value 1", nil)
	if e.Reply.ExecutionCount != 1 {
		t.Errorf("next stored cell: execution_count %d, want 1", e.Reply.ExecutionCount)
	}
}

func TestExecuteErrorAndStopOnError(t *testing.T) {
	t.Parallel()
	tk := startKernel(t, "secret", nil)
	ctx := timeout(t)
	// Queue a failing cell and two more behind it.
	var reqs []*wire.Message
	// The first cell sleeps so that the others are queued when it fails.
	for _, code := range []string{"sleep 300\nfail boom", "print never", "print never"} {
		m, err := tk.c.Request(kerneltest.Shell, "execute_request", wire.ExecuteRequest{Code: code, UserExpressions: map[string]string{}})
		if err != nil {
			t.Fatal(err)
		}
		reqs = append(reqs, m)
	}
	var execs []*kerneltest.Execution
	for _, m := range reqs {
		e, err := tk.c.Finish(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		execs = append(execs, e)
	}
	first := execs[0]
	if first.Reply.Status != "error" || first.Reply.Ename != "panic" || first.Reply.Evalue != "boom" || len(first.Reply.Traceback) != 2 {
		t.Errorf("failing cell reply: %+v", first.Reply)
	}
	var ec wire.ErrorContent
	if m := first.Find("error"); m == nil || m.DecodeContent(&ec) != nil || ec.Ename != "panic" {
		t.Errorf("no error message on iopub: %v", first.Types())
	}
	for i, e := range execs[1:] {
		if e.Reply.Status != "aborted" || e.Stdout() != "" {
			t.Errorf("queued cell %d: status %q stdout %q, want aborted and no output", i+1, e.Reply.Status, e.Stdout())
		}
	}
	if n := tk.engine.executed.Load(); n != 1 {
		t.Errorf("engine ran %d cells, want 1", n)
	}
	// A request sent after the error runs normally.
	if e := tk.execute(t, "print after", nil); e.Reply.Status != "ok" || e.Stdout() != "after\n" {
		t.Errorf("after the error: %+v %q", e.Reply, e.Stdout())
	}

	// With stop_on_error false, queued cells still run.
	no := false
	m1, _ := tk.c.Request(kerneltest.Shell, "execute_request", wire.ExecuteRequest{Code: "fail x", StopOnError: &no})
	m2, _ := tk.c.Request(kerneltest.Shell, "execute_request", wire.ExecuteRequest{Code: "print ran"})
	tk.c.Finish(ctx, m1)
	e2, err := tk.c.Finish(ctx, m2)
	if err != nil || e2.Reply.Status != "ok" || e2.Stdout() != "ran\n" {
		t.Errorf("stop_on_error=false: next cell %+v %q %v", e2.Reply, e2.Stdout(), err)
	}
}

func TestInterruptWhileRunning(t *testing.T) {
	t.Parallel()
	tk := startKernel(t, "secret", nil)
	ctx := timeout(t)
	run, err := tk.c.Request(kerneltest.Shell, "execute_request", wire.ExecuteRequest{Code: "print started\nblock"})
	if err != nil {
		t.Fatal(err)
	}
	// Wait until the cell runs (its output arrives), then interrupt.
	for {
		m, err := tk.c.Next(ctx, "iopub")
		if err != nil {
			t.Fatal(err)
		}
		if m.Header.MsgType == "stream" {
			break
		}
	}
	// kernel_info on control is answered while the cell runs.
	var info wire.KernelInfoReply
	tk.request(t, kerneltest.Control, "kernel_info_request", nil, &info)
	var ir wire.StatusReply
	tk.request(t, kerneltest.Control, "interrupt_request", nil, &ir)
	if ir.Status != "ok" {
		t.Errorf("interrupt_reply: %+v", ir)
	}
	reply, _, err := tk.c.Reply(ctx, kerneltest.Shell, run)
	if err != nil {
		t.Fatal(err)
	}
	var er wire.ExecuteReply
	reply.DecodeContent(&er)
	if er.Status != "error" || er.Ename != "interrupted" {
		t.Errorf("interrupted cell reply: %+v", er)
	}
	if e := tk.execute(t, "value alive", nil); e.Reply.Status != "ok" {
		t.Errorf("after interrupt: %+v", e.Reply)
	}
}

func TestInterruptHooks(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var events []string
	record := func(s string) func() {
		return func() { mu.Lock(); events = append(events, s); mu.Unlock() }
	}
	info, err := kerneltest.FreeConnectionInfo("k")
	if err != nil {
		t.Fatal(err)
	}
	k, err := kernel.New(info, kernel.Options{Engine: &fakeEngine{}, BeforeCell: record("reset"), OnInterrupt: record("interrupt"),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	go k.Run(context.Background())
	defer k.Shutdown(context.Background())
	c, err := kerneltest.Dial(info)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := timeout(t)
	if err := c.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	run, _ := c.Request(kerneltest.Shell, "execute_request", wire.ExecuteRequest{Code: "print x\nblock"})
	for m, err := c.Next(ctx, "iopub"); m == nil || m.Header.MsgType != "stream"; m, err = c.Next(ctx, "iopub") {
		if err != nil {
			t.Fatal(err)
		}
	}
	ireq, _ := c.Request(kerneltest.Control, "interrupt_request", nil)
	if _, _, err := c.Reply(ctx, kerneltest.Control, ireq); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Finish(ctx, run); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := []string{"reset", "interrupt"}; !reflect.DeepEqual(events, want) {
		t.Errorf("hooks ran %v, want %v", events, want)
	}
}

func TestEnginePanicIsACellError(t *testing.T) {
	t.Parallel()
	tk := startKernel(t, "secret", nil)
	e := tk.execute(t, "panic", nil)
	if e.Reply.Status != "error" || e.Reply.Ename != "KernelError" || !strings.Contains(e.Reply.Evalue, "engine bug") {
		t.Errorf("reply %+v", e.Reply)
	}
	if e := tk.execute(t, "value 2", nil); e.Reply.Status != "ok" || e.Reply.ExecutionCount != 2 {
		t.Errorf("after panic: %+v", e.Reply)
	}
}

func TestHandlerPanicIsAnsweredWithAnError(t *testing.T) {
	t.Parallel()
	tk := startKernel(t, "secret", func(k *kernel.Kernel) {
		k.Handle("explode_request", kernel.HandlerFunc(func(context.Context, *kernel.Request) { panic("kaboom") }), true)
		k.Handle("unencodable_request", kernel.HandlerFunc(func(_ context.Context, r *kernel.Request) {
			r.Reply(map[string]any{"status": "ok", "f": func() {}})
		}), false)
	})
	var r wire.ErrorReply
	tk.request(t, kerneltest.Shell, "unencodable_request", nil, &r)
	if r.Status != "error" || !strings.Contains(r.Evalue, "could not be encoded") {
		t.Errorf("unencodable reply: %+v", r)
	}
	for _, ch := range []string{kerneltest.Shell, kerneltest.Control} {
		var r wire.ErrorReply
		tk.request(t, ch, "explode_request", nil, &r)
		if r.Status != "error" || !strings.Contains(r.Evalue, "kaboom") {
			t.Errorf("%s: reply %+v", ch, r)
		}
	}
	if !strings.Contains(tk.logs.String(), "handler panicked") {
		t.Error("the panic was not logged")
	}
	var info wire.KernelInfoReply
	tk.request(t, kerneltest.Shell, "kernel_info_request", nil, &info)
}

func TestUnknownRequest(t *testing.T) {
	t.Parallel()
	tk := startKernel(t, "secret", nil)
	var r wire.ErrorReply
	tk.request(t, kerneltest.Shell, "frobnicate_request", nil, &r)
	if r.Status != "error" || r.Ename != "UnknownMessageType" {
		t.Errorf("reply %+v", r)
	}
	// execute_request is not served on control (it would run beside the shell).
	tk.request(t, kerneltest.Control, "execute_request", wire.ExecuteRequest{Code: "print x"}, &r)
	if r.Status != "error" || tk.engine.executed.Load() != 0 {
		t.Errorf("execute on control: %+v, engine ran %d", r, tk.engine.executed.Load())
	}
}

func TestBadContentIsAnsweredWithAnError(t *testing.T) {
	t.Parallel()
	tk := startKernel(t, "secret", nil)
	cases := []struct{ msgType, content string }{
		{"execute_request", `{"code": 42}`},
		{"complete_request", `{"code": "x", "cursor_pos": "end"}`},
		{"inspect_request", `{"code": ["x"]}`},
		{"is_complete_request", `{"code": {}}`},
		{"history_request", `{"hist_access_type": 3}`},
		{"history_request", `{"hist_access_type": "everything"}`},
		{"shutdown_request", `{"restart": "yes"}`},
	}
	for _, tc := range cases {
		m := tk.c.NewRequest(tc.msgType, nil)
		m.Content = []byte(tc.content)
		if err := tk.c.Send(kerneltest.Shell, m); err != nil {
			t.Fatal(err)
		}
		reply, _, err := tk.c.Reply(timeout(t), kerneltest.Shell, m)
		if err != nil {
			t.Fatal(err)
		}
		var r wire.ErrorReply
		reply.DecodeContent(&r)
		if r.Status != "error" || r.Evalue == "" {
			t.Errorf("%s %s: reply %+v", tc.msgType, tc.content, r)
		}
	}
	if tk.engine.executed.Load() != 0 {
		t.Error("a malformed execute_request was executed")
	}
}

func TestCompleteInspectIsComplete(t *testing.T) {
	t.Parallel()
	tk := startKernel(t, "secret", nil)
	var cr wire.CompleteReply
	tk.request(t, kerneltest.Shell, "complete_request", wire.CompleteRequest{Code: "fé", CursorPos: 99}, &cr)
	if cr.Status != "ok" || !reflect.DeepEqual(cr.Matches, []string{"fmt", "func"}) || cr.CursorStart != 0 || cr.CursorEnd != 2 {
		t.Errorf("complete_reply %+v (cursor clamped to 2 code points)", cr)
	}
	var ir wire.InspectReply
	tk.request(t, kerneltest.Shell, "inspect_request", wire.InspectRequest{Code: "fmt.Println", CursorPos: 3}, &ir)
	if ir.Status != "ok" || !ir.Found || ir.Data["text/plain"] != "package fmt" {
		t.Errorf("inspect_reply %+v", ir)
	}
	ir = wire.InspectReply{}
	tk.request(t, kerneltest.Shell, "inspect_request", wire.InspectRequest{Code: "x", CursorPos: 1}, &ir)
	if ir.Found || len(ir.Data) != 0 {
		t.Errorf("inspect_reply for unknown: %+v", ir)
	}
	for _, tc := range []struct{ code, status, indent string }{
		{"x := 1", "complete", ""}, {"func f() {", "incomplete", "\t"}, {"}", "invalid", ""},
	} {
		var r wire.IsCompleteReply
		tk.request(t, kerneltest.Shell, "is_complete_request", wire.IsCompleteRequest{Code: tc.code}, &r)
		if r.Status != tc.status || r.Indent != tc.indent {
			t.Errorf("is_complete %q: got %+v, want %s %q", tc.code, r, tc.status, tc.indent)
		}
	}
}

func TestHistory(t *testing.T) {
	t.Parallel()
	tk := startKernel(t, "secret", nil)
	for _, code := range []string{"print a", "value 12", "print a", "print b"} {
		tk.execute(t, code, nil)
	}
	entries := func(req wire.HistoryRequest) []string {
		t.Helper()
		var r wire.HistoryReply
		tk.request(t, kerneltest.Shell, "history_request", req, &r)
		var out []string
		for _, h := range r.History {
			out = append(out, strings.TrimSuffix(fmt.Sprintln(h...), "\n"))
		}
		return out
	}
	cases := []struct {
		name string
		req  wire.HistoryRequest
		want []string
	}{
		{"tail", wire.HistoryRequest{HistAccessType: "tail", N: 2}, []string{"1 3 print a", "1 4 print b"}},
		{"tail all", wire.HistoryRequest{HistAccessType: "tail"}, []string{"1 1 print a", "1 2 value 12", "1 3 print a", "1 4 print b"}},
		{"range", wire.HistoryRequest{HistAccessType: "range", Start: 2, Stop: 4}, []string{"1 2 value 12", "1 3 print a"}},
		{"range other session", wire.HistoryRequest{HistAccessType: "range", Session: -1, Start: 1}, nil},
		{"range with output", wire.HistoryRequest{HistAccessType: "range", Start: 2, Stop: 3, Output: true}, []string{"1 2 [value 12 12]"}},
		{"search", wire.HistoryRequest{HistAccessType: "search", Pattern: "print*"}, []string{"1 1 print a", "1 3 print a", "1 4 print b"}},
		{"search unique", wire.HistoryRequest{HistAccessType: "search", Pattern: "print ?", Unique: true}, []string{"1 3 print a", "1 4 print b"}},
		{"search last n", wire.HistoryRequest{HistAccessType: "search", Pattern: "*a", N: 1}, []string{"1 3 print a"}},
		{"search class", wire.HistoryRequest{HistAccessType: "search", Pattern: "value [0-9]*"}, []string{"1 2 value 12"}},
	}
	for _, tc := range cases {
		if got := entries(tc.req); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestComms(t *testing.T) {
	t.Parallel()
	tk := startKernel(t, "secret", nil)
	var r wire.CommInfoReply
	tk.request(t, kerneltest.Shell, "comm_info_request", wire.CommInfoRequest{}, &r)
	if r.Status != "ok" || r.Comms == nil || len(r.Comms) != 0 {
		t.Errorf("comm_info_reply %+v", r)
	}
	ctx := timeout(t)
	open, _ := tk.c.Request(kerneltest.Shell, "comm_open", wire.CommOpen{CommID: "c1", TargetName: "jupyter.widget"})
	msgs, err := tk.c.IOPubUntilIdle(ctx, open)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := types(msgs), []string{"status", "comm_close", "status"}; !reflect.DeepEqual(got, want) {
		t.Errorf("comm_open: iopub %v, want %v", got, want)
	}
	for _, typ := range []string{"comm_msg", "comm_close"} {
		m, _ := tk.c.Request(kerneltest.Shell, typ, wire.CommClose{CommID: "c1"})
		if msgs, err := tk.c.IOPubUntilIdle(ctx, m); err != nil || len(msgs) != 2 {
			t.Errorf("%s: iopub %v %v", typ, types(msgs), err)
		}
	}
	var info wire.KernelInfoReply
	tk.request(t, kerneltest.Shell, "kernel_info_request", nil, &info)
}

func TestDisplayMessages(t *testing.T) {
	t.Parallel()
	tk := startKernel(t, "secret", nil)
	e := tk.execute(t, "show", nil)
	want := []string{"status", "execute_input", "display_data", "update_display_data", "clear_output", "status"}
	if got := e.Types(); !reflect.DeepEqual(got, want) {
		t.Fatalf("iopub %v, want %v", got, want)
	}
	var d wire.DisplayData
	e.Find("update_display_data").DecodeContent(&d)
	if d.Transient.DisplayID != "d1" || d.Data["text/plain"] != "updated" {
		t.Errorf("update_display_data %+v", d)
	}
}

func TestStdin(t *testing.T) {
	t.Parallel()
	tk := startKernel(t, "secret", nil)
	ctx := timeout(t)
	run, _ := tk.c.Request(kerneltest.Shell, "execute_request", wire.ExecuteRequest{Code: "print before\ninput name? ", AllowStdin: true})
	ir, err := tk.c.Next(ctx, kerneltest.Stdin)
	if err != nil {
		t.Fatal(err)
	}
	var in wire.InputRequest
	ir.DecodeContent(&in)
	if ir.Header.MsgType != "input_request" || in.Prompt != "name? " || kerneltest.ParentID(ir) != run.Header.MsgID {
		t.Fatalf("input_request %s %+v parent %s", ir.Header.MsgType, in, kerneltest.ParentID(ir))
	}
	reply := tk.c.NewRequest("input_reply", wire.InputReply{Value: "Ada"})
	reply.Parent = ir.RawHeader
	if err := tk.c.Send(kerneltest.Stdin, reply); err != nil {
		t.Fatal(err)
	}
	e, err := tk.c.Finish(ctx, run)
	if err != nil {
		t.Fatal(err)
	}
	if e.Stdout() != "before\ngot Ada\n" {
		t.Errorf("stdout %q", e.Stdout())
	}
	// Without allow_stdin the cell gets an error, and nothing is asked.
	e = tk.execute(t, "input x", &wire.ExecuteRequest{AllowStdin: false})
	if e.Reply.Status != "error" || !strings.Contains(e.Reply.Evalue, "allow_stdin") {
		t.Errorf("no stdin: %+v", e.Reply)
	}
}

func TestInterruptWhileWaitingForInput(t *testing.T) {
	t.Parallel()
	tk := startKernel(t, "secret", nil)
	ctx := timeout(t)
	run, _ := tk.c.Request(kerneltest.Shell, "execute_request", wire.ExecuteRequest{Code: "input ?", AllowStdin: true})
	if _, err := tk.c.Next(ctx, kerneltest.Stdin); err != nil {
		t.Fatal(err)
	}
	tk.request(t, kerneltest.Control, "interrupt_request", nil, nil)
	e, err := tk.c.Finish(ctx, run)
	if err != nil {
		t.Fatal(err)
	}
	if e.Reply.Status != "error" || !strings.Contains(e.Reply.Evalue, "interrupted") {
		t.Errorf("reply %+v", e.Reply)
	}
}

func TestBadMessagesAreNeverActedOn(t *testing.T) {
	t.Parallel()
	tk := startKernel(t, "secret", nil)
	good := func() [][]byte {
		m := tk.c.NewRequest("execute_request", wire.ExecuteRequest{Code: "print bad"})
		f, err := tk.c.Codec.Encode(m)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	replayed := good()
	if err := tk.c.SendFrames(kerneltest.Shell, replayed); err != nil {
		t.Fatal(err)
	}
	// Wait for the genuine one so the replay arrives after it.
	if e, err := tk.c.Finish(timeout(t), &wire.Message{Header: wire.Header{MsgID: msgID(t, replayed)}}); err != nil || e.Reply.Status != "ok" {
		t.Fatalf("genuine message: %v %+v", err, e)
	}
	cases := map[string][][]byte{
		"replayed":          replayed,
		"empty signature":   withFrame(good(), 1, ""),
		"garbage signature": withFrame(good(), 1, "garbage"),
		"wrong key":         signedWith(t, "other key"),
		"tampered content":  withFrame(good(), 5, `{"code":"print evil"}`),
		"no delimiter":      {[]byte("hello")},
		"too few frames":    good()[:4],
		"garbage frames":    {{0xff, 0x00}, []byte(wire.Delimiter), {}, {}, {}, {}, {}},
	}
	for name, frames := range cases {
		if err := tk.c.SendFrames(kerneltest.Shell, frames); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := tk.c.SendFrames(kerneltest.Control, frames); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	// The kernel still answers, and nothing bad was executed.
	if e := tk.execute(t, "value ok", nil); e.Reply.Status != "ok" || e.Reply.ExecutionCount != 2 {
		t.Errorf("after bad messages: %+v", e.Reply)
	}
	if n := tk.engine.executed.Load(); n != 2 {
		t.Errorf("engine ran %d cells, want 2 (the genuine ones)", n)
	}
	// Control is served on its own goroutine: its rejections may lag.
	deadline := time.Now().Add(5 * time.Second)
	for strings.Count(tk.logs.String(), "message rejected") < 2*len(cases) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := strings.Count(tk.logs.String(), "message rejected"); got != 2*len(cases) {
		t.Errorf("%d rejections logged, want %d", got, 2*len(cases))
	}
}

func msgID(t *testing.T, frames [][]byte) string {
	m, err := wire.NewCodec(nil).Decode(frames)
	if err != nil {
		t.Fatal(err)
	}
	return m.Header.MsgID
}

func withFrame(frames [][]byte, i int, s string) [][]byte {
	frames[i] = []byte(s)
	return frames
}

func signedWith(t *testing.T, key string) [][]byte {
	m, _ := wire.NewMessage("execute_request", "s", nil, wire.ExecuteRequest{Code: "print evil"})
	f, err := wire.NewCodec([]byte(key)).Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestEmptyKeyIsWarned(t *testing.T) {
	t.Parallel()
	tk := startKernel(t, "", nil)
	if e := tk.execute(t, "value 1", nil); e.Reply.Status != "ok" {
		t.Errorf("unsigned kernel: %+v", e.Reply)
	}
	if !strings.Contains(tk.logs.String(), "empty key") {
		t.Error("no warning about the empty key")
	}
}

func TestHeartbeat(t *testing.T) {
	t.Parallel()
	tk := startKernel(t, "secret", nil)
	for i := 0; i < 3; i++ {
		if err := tk.c.Heartbeat(timeout(t), []byte(fmt.Sprintf("ping %d", i))); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOutputFloodArrivesInOrder(t *testing.T) {
	t.Parallel()
	n := 100000
	if testing.Short() {
		n = 10000
	}
	tk := startKernel(t, "secret", nil)
	e := tk.execute(t, fmt.Sprintf("print first\nlines %d\nvalue done", n), nil)
	var want strings.Builder
	want.WriteString("first\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&want, "line %d\n", i)
	}
	if got := e.Stdout(); got != want.String() {
		t.Fatalf("stdout: got %d bytes, want %d (first difference at %d)", len(got), want.Len(), firstDiff(got, want.String()))
	}
	types := e.Types()
	if types[len(types)-2] != "execute_result" {
		t.Errorf("execute_result is not after the stream output: %v", types[len(types)-3:])
	}
	if streams := strings.Count(strings.Join(types, " "), "stream"); streams >= n/2 {
		t.Errorf("%d stream messages for %d lines: output was not coalesced", streams, n)
	}
}

func firstDiff(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func TestShutdown(t *testing.T) {
	t.Parallel()
	tk := startKernel(t, "secret", nil)
	ctx := timeout(t)
	req, _ := tk.c.Request(kerneltest.Control, "shutdown_request", wire.ShutdownRequest{Restart: true})
	reply, _, err := tk.c.Reply(ctx, kerneltest.Control, req)
	if err != nil {
		t.Fatal(err)
	}
	var r wire.ShutdownReply
	reply.DecodeContent(&r)
	if r.Status != "ok" || !r.Restart {
		t.Errorf("shutdown_reply %+v", r)
	}
	iopub, err := tk.c.IOPubUntilIdle(ctx, req)
	if err != nil || !strings.Contains(strings.Join(types(iopub), " "), "shutdown_reply") {
		t.Errorf("iopub %v %v: want the shutdown_reply broadcast", types(iopub), err)
	}
	select {
	case err := <-tk.runErr:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-ctx.Done():
		t.Fatal("Run did not return after shutdown_request")
	}
	// Shutdown is idempotent.
	if err := tk.k.Shutdown(context.Background()); err != nil {
		t.Errorf("second Shutdown: %v", err)
	}
}

func TestUserExpressions(t *testing.T) {
	t.Parallel()
	tk := startKernel(t, "secret", nil)
	e := tk.execute(t, "print main", &wire.ExecuteRequest{UserExpressions: map[string]string{
		"a": "print hidden\nvalue 7", "b": "fail nope",
	}})
	ue := e.Reply.UserExpressions
	a, _ := ue["a"].(map[string]any)
	b, _ := ue["b"].(map[string]any)
	if a["status"] != "ok" || a["data"].(map[string]any)["text/plain"] != "7" || b["status"] != "error" || b["ename"] != "panic" {
		t.Errorf("user_expressions %v", ue)
	}
	if e.Stdout() != "main\n" {
		t.Errorf("user expression output leaked: %q", e.Stdout())
	}
}

func TestDisplayKeepsItsPlaceAmongStreams(t *testing.T) {
	t.Parallel()
	tk := startKernel(t, "secret", nil)
	const n = 5000
	e := tk.execute(t, fmt.Sprintf("interleave %d", n), nil)
	// Replay the messages: every display must come right after the line
	// it follows, and the lines must be complete and in order.
	next := 0
	var pending strings.Builder
	for _, m := range e.IOPub {
		switch m.Header.MsgType {
		case "stream":
			var st wire.Stream
			m.DecodeContent(&st)
			pending.WriteString(st.Text)
		case "display_data":
			var d wire.DisplayData
			m.DecodeContent(&d)
			lines := strings.Split(strings.TrimSuffix(pending.String(), "\n"), "\n")
			pending.Reset()
			for _, l := range lines {
				if l != fmt.Sprint(next) {
					t.Fatalf("line %q, want %d", l, next)
				}
				next++
			}
			if d.Data["text/plain"] != fmt.Sprint(next-1) {
				t.Fatalf("display %v after line %d", d.Data["text/plain"], next-1)
			}
		}
	}
	if next != n {
		t.Errorf("%d lines before the last display, want %d", next, n)
	}
}

func TestShutdownWithoutRunAndRunAfterShutdown(t *testing.T) {
	t.Parallel()
	info, err := kerneltest.FreeConnectionInfo("k")
	if err != nil {
		t.Fatal(err)
	}
	k, err := kernel.New(info, kernel.Options{Engine: &fakeEngine{}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- k.Shutdown(context.Background()) }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Shutdown of a kernel that never ran did not return")
	}
	if err := k.Run(context.Background()); err == nil {
		t.Error("Run after Shutdown succeeded")
	}
	// The ports are free again.
	k2, err := kernel.New(info, kernel.Options{Engine: &fakeEngine{}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatalf("rebinding after Shutdown: %v", err)
	}
	k2.Shutdown(context.Background())
}

func TestNewRejectsBadOptions(t *testing.T) {
	t.Parallel()
	info, _ := kerneltest.FreeConnectionInfo("k")
	if _, err := kernel.New(info, kernel.Options{}); err == nil || !strings.Contains(err.Error(), "Engine") {
		t.Errorf("New without an engine: %v", err)
	}
	bad := info
	bad.Transport = "udp"
	if _, err := kernel.New(bad, kernel.Options{Engine: &fakeEngine{}}); err == nil || !strings.Contains(err.Error(), "udp") {
		t.Errorf("New with a bad transport: %v", err)
	}
	// A port already in use is reported with the socket's name, and the
	// sockets bound before it are released.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	busy := info
	busy.StdinPort = l.Addr().(*net.TCPAddr).Port
	if _, err := kernel.New(busy, kernel.Options{Engine: &fakeEngine{}}); err == nil || !strings.Contains(err.Error(), "stdin socket") {
		t.Errorf("New with stdin_port in use: %v", err)
	}
	k, err := kernel.New(info, kernel.Options{Engine: &fakeEngine{}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatalf("shell and control ports not released after a failed New: %v", err)
	}
	k.Shutdown(context.Background())
}

func TestUnencodableDisplayIsReported(t *testing.T) {
	t.Parallel()
	tk := startKernel(t, "secret", nil)
	e := tk.execute(t, "badshow\nvalue 1", nil)
	if e.Reply.Status != "ok" || !strings.Contains(e.Stderr(), "display_data could not be sent") {
		t.Errorf("reply %+v, stderr %q", e.Reply, e.Stderr())
	}
}
