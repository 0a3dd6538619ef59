package kernel_test

import (
	"encoding/json"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gograd/gograd/display"
	"github.com/gograd/gograd/kernel/kerneltest"
	"github.com/gograd/gograd/kernel/wire"
)

// commMsg is the content of a comm_msg as the tests read it.
type commMsg struct {
	CommID string `json:"comm_id"`
	Data   struct {
		Method      string         `json:"method"`
		State       map[string]any `json:"state"`
		BufferPaths []any          `json:"buffer_paths"`
	} `json:"data"`
}

func decodeComm(t *testing.T, m *wire.Message) commMsg {
	t.Helper()
	var c commMsg
	if err := json.Unmarshal(m.Content, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// outputsOf returns the text of the last outputs update sent to out.
func outputsOf(t *testing.T, msgs []*wire.Message, out string) (string, bool) {
	t.Helper()
	text, found := "", false
	for _, m := range msgs {
		if m.Header.MsgType != "comm_msg" {
			continue
		}
		c := decodeComm(t, m)
		outs, ok := c.Data.State["outputs"].([]any)
		if c.CommID != out || c.Data.Method != "update" || !ok {
			continue
		}
		raw, _ := json.Marshal(outs)
		text, found = string(raw), true
	}
	return text, found
}

// TestWidgetComms plays the front end: the kernel opens the models of an
// Interact (comm_open with the protocol version in the metadata), routes
// updates by comm id to display, echoes them, runs the callback through
// the engine's Call with the comm_msg as parent inside busy/idle, lists
// the comms in comm_info and forgets a comm the front end closes. Not
// parallel: display's comm sink is process-wide.
func TestWidgetComms(t *testing.T) {
	tk := startKernel(t, "secret", nil)
	ctx := timeout(t)
	var calls atomic.Int64
	slider := display.FloatSlider("a", 0, 10, 1, 2)
	box := display.NewInteractive(func(a float64) string {
		calls.Add(1)
		if a == 1 {
			time.Sleep(300 * time.Millisecond) // the next updates queue up behind this one
		}
		if a == 9 {
			panic("nine is not allowed")
		}
		return "a is " + strings.Repeat("|", int(a))
	}, slider)
	defer box.Close()
	box.MIMEBundle() // displayed: the comms open
	out := strings.TrimPrefix(box.Get("children").([]any)[1].(string), "IPY_MODEL_")

	var info wire.CommInfoReply
	tk.request(t, kerneltest.Shell, "comm_info_request", wire.CommInfoRequest{TargetName: display.WidgetTarget}, &info)
	for _, id := range []string{slider.ID(), box.ID(), out} {
		if info.Comms[id].TargetName != display.WidgetTarget {
			t.Errorf("comm_info: %s missing from %v", id, info.Comms)
		}
	}

	send := func(v float64) *wire.Message {
		m, err := tk.c.Request(kerneltest.Shell, "comm_msg", map[string]any{
			"comm_id": slider.ID(), "data": map[string]any{"method": "update", "state": map[string]any{"value": v}, "buffer_paths": []any{}},
		})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	m := send(5)
	msgs, err := tk.c.IOPubUntilIdle(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	if got := types(msgs); got[0] != "status" || got[len(got)-1] != "status" {
		t.Errorf("update: iopub %v, want busy ... idle", got)
	}
	echo := decodeComm(t, msgs[1])
	if echo.Data.Method != "echo_update" || echo.CommID != slider.ID() || echo.Data.State["value"] != 5.0 {
		t.Errorf("first message after busy: got %+v, want the echo_update of value 5", echo)
	}
	if text, ok := outputsOf(t, msgs, out); !ok || !strings.Contains(text, "a is |||||") {
		t.Errorf("output after value 5: got %q (sent %v)", text, ok)
	}
	if got := slider.Float(); got != 5 {
		t.Errorf("slider.Float(): got %g, want 5", got)
	}

	// A fast drag: updates 6, 7, 8 queue behind the slow callback of 1;
	// 6 and 7 are applied and echoed but their callbacks are skipped.
	before := calls.Load()
	ms := []*wire.Message{send(1)}
	for calls.Load() == before { // the slow callback has started
		time.Sleep(time.Millisecond)
	}
	ms = append(ms, send(6), send(7), send(8))
	var last []*wire.Message
	for _, m := range ms {
		if last, err = tk.c.IOPubUntilIdle(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	if n := calls.Load() - before; n != 2 {
		t.Errorf("callbacks for 4 queued updates: got %d, want 2 (the first and the last)", n)
	}
	if text, _ := outputsOf(t, last, out); !strings.Contains(text, "a is ||||||||\"") {
		t.Errorf("output after the drag: got %q, want the result for 8", text)
	}

	// A panicking callback shows the error in the Output widget.
	if msgs, err = tk.c.IOPubUntilIdle(ctx, send(9)); err != nil {
		t.Fatal(err)
	}
	if text, _ := outputsOf(t, msgs, out); !strings.Contains(text, "nine is not allowed") || !strings.Contains(text, `"output_type":"error"`) {
		t.Errorf("output after a panic: got %q", text)
	}

	// The front end closes the slider's comm.
	cl, _ := tk.c.Request(kerneltest.Shell, "comm_close", wire.CommClose{CommID: slider.ID()})
	if _, err := tk.c.IOPubUntilIdle(ctx, cl); err != nil {
		t.Fatal(err)
	}
	info = wire.CommInfoReply{}
	tk.request(t, kerneltest.Shell, "comm_info_request", wire.CommInfoRequest{}, &info)
	if _, ok := info.Comms[slider.ID()]; ok {
		t.Errorf("comm_info after comm_close still lists %s", slider.ID())
	}
}
