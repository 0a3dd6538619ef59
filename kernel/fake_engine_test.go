package kernel_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gograd/gograd/display"
	"github.com/gograd/gograd/kernel"
)

// fakeEngine interprets a tiny command language, one command per line:
//
//	print TEXT    write TEXT to stdout      err TEXT   write TEXT to stderr
//	value TEXT    end with execute_result   fail TEXT  fail with a cell error
//	lines N       print N numbered lines    block      wait for the interrupt
//	panic         panic in the engine       input P    read a line with prompt P
//	show          display, update and clear a bundle
//	sleep MS      sleep for MS milliseconds
//	badshow       display a bundle that cannot be encoded
//	interleave N  print 0..N-1, displaying i after each i%100 == 99
type fakeEngine struct {
	executed atomic.Int64
}

func (f *fakeEngine) Execute(ctx context.Context, code string, io kernel.IO) kernel.Result {
	f.executed.Add(1)
	var res kernel.Result
	for _, line := range strings.Split(code, "\n") {
		cmd, arg, _ := strings.Cut(line, " ")
		switch cmd {
		case "print":
			io.Stream("stdout", arg+"\n")
		case "err":
			io.Stream("stderr", arg+"\n")
		case "value":
			res.Value = &display.Bundle{Data: map[string]any{"text/plain": arg}}
		case "fail":
			return kernel.Result{Err: &kernel.CellError{Name: "panic", Value: arg, Traceback: []string{"panic: " + arg, "cell:1"}}}
		case "lines":
			n, _ := strconv.Atoi(arg)
			for i := 0; i < n; i++ {
				io.Stream("stdout", fmt.Sprintf("line %d\n", i))
			}
		case "interleave":
			n, _ := strconv.Atoi(arg)
			for i := 0; i < n; i++ {
				io.Stream("stdout", fmt.Sprintf("%d\n", i))
				if i%100 == 99 {
					io.Display(display.Bundle{Data: map[string]any{"text/plain": strconv.Itoa(i)}})
				}
			}
		case "badshow":
			io.Display(display.Bundle{Data: map[string]any{"text/plain": "x", "application/json": func() {}}})
		case "sleep":
			ms, _ := strconv.Atoi(arg)
			time.Sleep(time.Duration(ms) * time.Millisecond)
		case "block":
			<-ctx.Done()
			return kernel.Result{Err: &kernel.CellError{Name: "interrupted", Value: "cell interrupted", Traceback: []string{"interrupted"}}}
		case "panic":
			panic("engine bug")
		case "input":
			v, err := io.Input(arg, false)
			if err != nil {
				return kernel.Result{Err: &kernel.CellError{Name: "stdin", Value: err.Error()}}
			}
			io.Stream("stdout", "got "+v+"\n")
		case "show":
			io.Display(display.Bundle{Data: map[string]any{"text/plain": "shown"}, DisplayID: "d1"})
			io.Update(display.Bundle{Data: map[string]any{"text/plain": "updated"}, DisplayID: "d1"})
			io.Clear(true)
		}
	}
	return res
}

func (f *fakeEngine) Complete(code string, cursor int) ([]string, int, int) {
	return []string{"fmt", "func"}, 0, cursor
}

func (f *fakeEngine) Inspect(code string, cursor, detail int) (display.Bundle, bool) {
	if strings.Contains(code, "fmt") {
		return display.Bundle{Data: map[string]any{"text/plain": "package fmt"}}, true
	}
	return display.Bundle{}, false
}

func (f *fakeEngine) IsComplete(code string) (string, string) {
	switch {
	case strings.HasPrefix(code, "}"):
		return "invalid", ""
	case strings.Count(code, "{") > strings.Count(code, "}"):
		return "incomplete", "\t"
	}
	return "complete", ""
}

// Call runs a widget callback the way the session does: fn on the calling
// goroutine with io as the cell's IO (set as display's sink), a panic
// turned into a cell error, ctx's end into Interrupted.
func (f *fakeEngine) Call(ctx context.Context, fn func(), io kernel.IO) (res kernel.Result) {
	display.SetSink(io)
	defer display.SetSink(nil)
	defer func() {
		if p := recover(); p != nil {
			res = kernel.Result{Err: &kernel.CellError{Name: "Panic", Value: fmt.Sprint(p), Traceback: []string{fmt.Sprint("Panic: ", p)}}}
		}
	}()
	fn()
	if ctx.Err() != nil {
		return kernel.Result{Err: &kernel.CellError{Name: "Interrupted", Value: "interrupted"}}
	}
	return kernel.Result{}
}
