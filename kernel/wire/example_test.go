package wire_test

import (
	"errors"
	"fmt"

	"github.com/gograd/gograd/kernel/wire"
)

func Example() {
	codec := wire.NewCodec([]byte("connection-key"))

	// A client's request, as a ROUTER socket would receive it.
	req, _ := wire.NewMessage("kernel_info_request", "client-session", nil, nil)
	req.Identities = [][]byte{[]byte("client")}
	frames, _ := codec.Encode(req)

	// The kernel decodes and verifies it, then answers.
	got, err := codec.Decode(frames)
	if err != nil {
		fmt.Println(err)
		return
	}
	reply, _ := wire.NewMessage("kernel_info_reply", "kernel-session", got, wire.StatusReply{Status: wire.StatusOK})
	fmt.Println(got.Header.MsgType, "->", reply.Header.MsgType, "to", string(reply.Identities[0]))

	// The same frames again are a replay.
	_, err = codec.Decode(frames)
	fmt.Println(errors.Is(err, wire.ErrReplay))
	// Output:
	// kernel_info_request -> kernel_info_reply to client
	// true
}
