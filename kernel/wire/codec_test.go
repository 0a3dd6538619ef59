package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// goldenHeader and goldenSig were computed independently with Python's hmac
// module (key "secret", frames header, {}, {}, {}).
const (
	goldenHeader = `{"msg_id":"a1","session":"s1","username":"u","date":"2026-01-02T03:04:05.000000Z","msg_type":"kernel_info_request","version":"5.3"}`
	goldenSig    = "b5e71be356a1dc826063b90e0c5cdd0e74f654442460563522d198ca2651d912"
)

func goldenFrames() [][]byte {
	return [][]byte{
		[]byte("peer-1"),
		[]byte(Delimiter),
		[]byte(goldenSig),
		[]byte(goldenHeader),
		[]byte("{}"), []byte("{}"), []byte("{}"),
	}
}

func TestEncodeGolden(t *testing.T) {
	t.Parallel()
	c := NewCodec([]byte("secret"))
	m := &Message{
		Identities: [][]byte{[]byte("peer-1")},
		Header: Header{MsgID: "a1", Session: "s1", Username: "u",
			Date: "2026-01-02T03:04:05.000000Z", MsgType: "kernel_info_request", Version: "5.3"},
	}
	got, err := c.Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	want := goldenFrames()
	if len(got) != len(want) {
		t.Fatalf("got %d frames, want %d", len(got), len(want))
	}
	for i := range want {
		if !bytes.Equal(got[i], want[i]) {
			t.Errorf("frame %d: got %q, want %q", i, got[i], want[i])
		}
	}
}

func TestDecodeGolden(t *testing.T) {
	t.Parallel()
	c := NewCodec([]byte("secret"))
	frames := goldenFrames()
	frames = append(frames, []byte{0, 1, 2}, []byte{}) // two binary buffers
	m, err := c.Decode(frames)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Identities) != 1 || string(m.Identities[0]) != "peer-1" {
		t.Errorf("identities: got %q, want [peer-1]", m.Identities)
	}
	wantHeader := Header{MsgID: "a1", Session: "s1", Username: "u",
		Date: "2026-01-02T03:04:05.000000Z", MsgType: "kernel_info_request", Version: "5.3"}
	if m.Header != wantHeader {
		t.Errorf("header: got %+v, want %+v", m.Header, wantHeader)
	}
	if string(m.RawHeader) != goldenHeader {
		t.Errorf("raw header: got %s, want %s", m.RawHeader, goldenHeader)
	}
	if len(m.Buffers) != 2 || !bytes.Equal(m.Buffers[0], []byte{0, 1, 2}) || len(m.Buffers[1]) != 0 {
		t.Errorf("buffers: got %q, want [\"\\x00\\x01\\x02\" \"\"]", m.Buffers)
	}
	// The decoded message does not alias the frames.
	frames[3][2] = 'X'
	if string(m.RawHeader) != goldenHeader {
		t.Error("decoded message aliases the input frames")
	}
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	sign := func(h, p, md, c string) string {
		return NewCodec([]byte("secret")).Sign([]byte(h), []byte(p), []byte(md), []byte(c))
	}
	msg := func(sig, h, p, md, c string) [][]byte {
		return [][]byte{[]byte("id"), []byte(Delimiter), []byte(sig), []byte(h), []byte(p), []byte(md), []byte(c)}
	}
	okHeader := `{"msg_id":"m","msg_type":"execute_request","session":"s","username":"u","date":"d","version":"5.3"}`
	tampered := goldenFrames()
	tampered[3] = []byte(strings.Replace(goldenHeader, "kernel_info", "execute", 1))
	upper := goldenFrames()
	upper[2] = []byte(strings.ToUpper(goldenSig))
	cases := []struct {
		name   string
		frames [][]byte
		want   error
	}{
		{"nil", nil, ErrNoDelimiter},
		{"no delimiter", [][]byte{[]byte("a"), []byte("b")}, ErrNoDelimiter},
		{"delimiter only", [][]byte{[]byte(Delimiter)}, ErrFrameCount},
		{"four after delimiter", [][]byte{[]byte(Delimiter), []byte(goldenSig), []byte(goldenHeader), []byte("{}"), []byte("{}")}, ErrFrameCount},
		{"empty signature", msg("", goldenHeader, "{}", "{}", "{}"), ErrBadSignature},
		{"garbage signature", msg("not a signature at all", goldenHeader, "{}", "{}", "{}"), ErrBadSignature},
		{"non-hex signature", msg(strings.Repeat("zz", 32), goldenHeader, "{}", "{}", "{}"), ErrBadSignature},
		{"wrong key", msg(NewCodec([]byte("other")).Sign([]byte(goldenHeader), []byte("{}"), []byte("{}"), []byte("{}")), goldenHeader, "{}", "{}", "{}"), ErrBadSignature},
		{"tampered header", tampered, ErrBadSignature},
		{"signature with swapped frames", msg(goldenSig, "{}", goldenHeader, "{}", "{}"), ErrBadSignature},
		{"header not JSON", msg(sign("nope", "{}", "{}", "{}"), "nope", "{}", "{}", "{}"), ErrBadJSON},
		{"header an array", msg(sign("[]", "{}", "{}", "{}"), "[]", "{}", "{}", "{}"), ErrBadJSON},
		{"content null", msg(sign(okHeader, "{}", "{}", "null"), okHeader, "{}", "{}", "null"), ErrBadJSON},
		{"metadata truncated", msg(sign(okHeader, "{}", "{", "{}"), okHeader, "{}", "{", "{}"), ErrBadJSON},
		{"parent empty", msg(sign(okHeader, "", "{}", "{}"), okHeader, "", "{}", "{}"), ErrBadJSON},
		{"header without msg_id", msg(sign(`{"msg_type":"x"}`, "{}", "{}", "{}"), `{"msg_type":"x"}`, "{}", "{}", "{}"), ErrHeader},
		{"header without msg_type", msg(sign(`{"msg_id":"x"}`, "{}", "{}", "{}"), `{"msg_id":"x"}`, "{}", "{}", "{}"), ErrHeader},
		{"header field not a string", msg(sign(`{"msg_id":1,"msg_type":"x"}`, "{}", "{}", "{}"), `{"msg_id":1,"msg_type":"x"}`, "{}", "{}", "{}"), ErrHeader},
		{"upper-case hex accepted", upper, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewCodec([]byte("secret")).Decode(tc.frames)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("got error %v, want %v", err, tc.want)
			}
		})
	}
}

func TestReplayRejected(t *testing.T) {
	t.Parallel()
	c := NewCodec([]byte("secret"))
	if _, err := c.Decode(goldenFrames()); err != nil {
		t.Fatalf("first decode: %v", err)
	}
	if _, err := c.Decode(goldenFrames()); !errors.Is(err, ErrReplay) {
		t.Fatalf("second decode: got %v, want ErrReplay", err)
	}
	// The same signature in upper case is the same message.
	f := goldenFrames()
	f[2] = bytes.ToUpper(f[2])
	if _, err := c.Decode(f); !errors.Is(err, ErrReplay) {
		t.Fatalf("upper-case replay: got %v, want ErrReplay", err)
	}
	// A message with a bad signature is not remembered: it cannot block the
	// genuine one later.
	c2 := NewCodec([]byte("secret"))
	bad := goldenFrames()
	bad[3] = []byte(`{"msg_id":"zz","msg_type":"x"}`)
	if _, err := c2.Decode(bad); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("bad: got %v, want ErrBadSignature", err)
	}
	if _, err := c2.Decode(goldenFrames()); err != nil {
		t.Fatalf("genuine after bad: %v", err)
	}
}

func TestReplayWindowIsBounded(t *testing.T) {
	t.Parallel()
	const window = 4
	c := NewCodecWindow([]byte("k"), window)
	frames := make([][][]byte, window+1)
	for i := range frames {
		m, err := NewMessage("kernel_info_request", "s", nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if frames[i], err = c.Encode(m); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Decode(frames[i]); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	if len(c.seen) != window || len(c.ring) != window {
		t.Fatalf("cache holds %d/%d signatures, want %d", len(c.seen), len(c.ring), window)
	}
	// The oldest signature has been forgotten, the newest is remembered.
	if _, err := c.Decode(frames[0]); err != nil {
		t.Errorf("oldest after eviction: got %v, want accepted", err)
	}
	if _, err := c.Decode(frames[window]); !errors.Is(err, ErrReplay) {
		t.Errorf("newest: got %v, want ErrReplay", err)
	}
}

func TestEmptyKey(t *testing.T) {
	t.Parallel()
	c := NewCodec(nil)
	if c.Signing() {
		t.Fatal("Signing() = true with an empty key")
	}
	m, err := NewMessage("status", "s", nil, KernelStatus{ExecutionState: "idle"})
	if err != nil {
		t.Fatal(err)
	}
	frames, err := c.Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	if len(frames[1]) != 0 {
		t.Errorf("signature frame: got %q, want empty", frames[1])
	}
	// Without a key, any signature is accepted and nothing is remembered.
	for i := 0; i < 2; i++ {
		if _, err := c.Decode(frames); err != nil {
			t.Fatalf("decode %d: %v", i, err)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	c := NewCodec([]byte("0123-key"))
	req := &Message{
		Identities: [][]byte{{0, 0xff}, []byte("second")},
		Header:     Header{MsgID: "req", MsgType: "execute_request", Session: "client", Version: "5.3"},
		RawHeader:  json.RawMessage(`{"msg_id":"req","msg_type":"execute_request","session":"client","version":"5.3","subshell_id":null}`),
	}
	reply, err := NewMessage("execute_reply", "kernel", req, ExecuteReply{Status: StatusOK, ExecutionCount: 3})
	if err != nil {
		t.Fatal(err)
	}
	reply.Buffers = [][]byte{[]byte("buf")}
	frames, err := c.Encode(reply)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Decode(frames)
	if err != nil {
		t.Fatal(err)
	}
	if got.Header != reply.Header {
		t.Errorf("header: got %+v, want %+v", got.Header, reply.Header)
	}
	if string(got.Parent) != string(req.RawHeader) {
		t.Errorf("parent: got %s, want the request header verbatim %s", got.Parent, req.RawHeader)
	}
	if len(got.Identities) != 2 || !bytes.Equal(got.Identities[0], []byte{0, 0xff}) {
		t.Errorf("identities: got %q", got.Identities)
	}
	var content ExecuteReply
	if err := got.DecodeContent(&content); err != nil {
		t.Fatal(err)
	}
	if content.Status != StatusOK || content.ExecutionCount != 3 {
		t.Errorf("content: got %+v", content)
	}
	if len(got.Buffers) != 1 || string(got.Buffers[0]) != "buf" {
		t.Errorf("buffers: got %q", got.Buffers)
	}
}

func TestDecodeContentNamesTheProblem(t *testing.T) {
	t.Parallel()
	m := &Message{Header: Header{MsgType: "execute_request"}, Content: json.RawMessage(`{"code": 42}`)}
	var r ExecuteRequest
	err := m.DecodeContent(&r)
	if !errors.Is(err, ErrBadJSON) || !strings.Contains(err.Error(), "execute_request") || !strings.Contains(err.Error(), "code") {
		t.Fatalf("got %v, want an ErrBadJSON naming execute_request and the field code", err)
	}
}

func TestExecuteRequestDefaults(t *testing.T) {
	t.Parallel()
	cases := []struct {
		json               string
		store, stopOnError bool
	}{
		{`{"code":""}`, true, true},
		{`{"code":"","silent":true}`, false, true},
		{`{"code":"","silent":true,"store_history":true}`, false, true},
		{`{"code":"","store_history":false,"stop_on_error":false}`, false, false},
	}
	for _, tc := range cases {
		var r ExecuteRequest
		if err := json.Unmarshal([]byte(tc.json), &r); err != nil {
			t.Fatal(err)
		}
		if r.ShouldStoreHistory() != tc.store || r.ShouldStopOnError() != tc.stopOnError {
			t.Errorf("%s: got store=%v stop=%v, want %v %v", tc.json, r.ShouldStoreHistory(), r.ShouldStopOnError(), tc.store, tc.stopOnError)
		}
	}
}

func TestNewID(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		id := NewID()
		if len(id) != 36 || id[14] != '4' || strings.Count(id, "-") != 4 {
			t.Fatalf("NewID() = %q, not a version 4 UUID", id)
		}
		if seen[id] {
			t.Fatalf("NewID() repeated %q", id)
		}
		seen[id] = true
	}
}
