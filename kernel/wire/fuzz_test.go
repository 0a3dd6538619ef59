package wire

import (
	"bytes"
	"testing"
)

// FuzzDecode feeds arbitrary frames to Decode: it must never panic, and a
// message it accepts must re-encode to frames it accepts again.
func FuzzDecode(f *testing.F) {
	join := func(frames [][]byte) []byte { return bytes.Join(frames, []byte{0}) }
	f.Add(join(goldenFrames()), true)
	f.Add(join(goldenFrames()), false)
	f.Add([]byte(Delimiter), true)
	f.Add([]byte("id\x00<IDS|MSG>\x00\x00{}\x00{}\x00{}\x00{}"), false)
	f.Add([]byte("<IDS|MSG>\x00\x00{\"msg_id\":\"1\",\"msg_type\":\"t\"}\x00{}\x00{}\x00{}\x00buf"), false)
	f.Fuzz(func(t *testing.T, data []byte, signed bool) {
		frames := bytes.Split(data, []byte{0})
		key := []byte(nil)
		if signed {
			key = []byte("secret")
		}
		c := NewCodec(key)
		m, err := c.Decode(frames)
		if err != nil {
			return
		}
		out, err := c.Encode(m)
		if err != nil {
			t.Fatalf("Encode of an accepted message: %v", err)
		}
		if _, err := NewCodec(key).Decode(out); err != nil {
			t.Fatalf("re-decoding an encoded accepted message: %v", err)
		}
	})
}
