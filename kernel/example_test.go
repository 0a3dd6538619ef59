package kernel_test

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"os"

	"github.com/gograd/gograd/kernel"
)

func ExampleParseConnectionInfo() {
	info, err := kernel.ParseConnectionInfo([]byte(`{
		"transport": "tcp", "ip": "127.0.0.1", "key": "a0436f6c-1916-498b-8eb9-e81ab9368e84",
		"signature_scheme": "hmac-sha256",
		"shell_port": 53794, "iopub_port": 53795, "stdin_port": 53796, "control_port": 53797, "hb_port": 53798
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(info.Endpoint(info.ShellPort))

	_, err = kernel.ParseConnectionInfo([]byte(`{"ip": "127.0.0.1", "signature_scheme": "hmac-md5"}`))
	fmt.Println(err != nil)
	// Output:
	// tcp://127.0.0.1:53794
	// true
}

// The kernel binds the sockets named by a connection file and serves until
// a shutdown_request; the engine runs the cells (in gograd, a
// *session.Session).
func ExampleNew() {
	info, err := kernel.ReadConnectionFile(os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	var engine kernel.Engine // = session.New(session.Options{})
	k, err := kernel.New(info, kernel.Options{
		Engine:        engine,
		Logger:        kernel.NewLogger(os.Stderr, slog.LevelWarn),
		Version:       "1.0.0",
		HandleSignals: true, // SIGINT interrupts the cell, SIGTERM shuts down
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := k.Run(context.Background()); err != nil {
		log.Fatal(err)
	}
}
