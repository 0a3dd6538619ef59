package kerneltest_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/gograd/gograd/kernel/kerneltest"
)

// Connect to a running kernel, wait until iopub is live, run a cell and
// read what it printed.
func Example() {
	info, err := kerneltest.FreeConnectionInfo("secret-key")
	if err != nil {
		log.Fatal(err)
	}
	// ... start a kernel with info (for example `gograd kernel
	// --connection-file F` after writing info to F) ...
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := kerneltest.DialRetry(ctx, info)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if err := c.WaitReady(ctx); err != nil {
		log.Fatal(err)
	}
	e, err := c.Execute(ctx, `fmt.Println("hello")`, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(e.Reply.Status, e.Types(), e.Stdout())
}
