package session_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/gograd/gograd/display"
	"github.com/gograd/gograd/kernel/session"
)

// printIO prints what a cell writes; it displays nothing and has no stdin.
type printIO struct{}

func (printIO) Stream(name, text string)           { fmt.Printf("[%s] %s", name, text) }
func (printIO) Display(display.Bundle)             {}
func (printIO) Update(display.Bundle)              {}
func (printIO) Clear(bool)                         {}
func (printIO) Input(string, bool) (string, error) { return "", errors.New("no stdin") }

func ExampleSession_Execute() {
	s, err := session.New(session.Options{})
	if err != nil {
		panic(err)
	}
	defer s.Close()
	ctx := context.Background()

	s.Execute(ctx, "func square(x float64) float64 { return x * x }\nfmt.Println(square(3))", printIO{})
	res := s.Execute(ctx, "ad.Grad(func(x *ad.Tensor) *ad.Tensor { return ad.Mul(x, x) })(ad.Scalar(3)).Item()", printIO{})
	fmt.Println(res.Value.Data["text/plain"])

	res = s.Execute(ctx, "square(\"three\")", printIO{})
	fmt.Println(res.Err.Name)
	// Output:
	// [stdout] 9
	// 6
	// CompileError
}

func ExampleSession_Complete() {
	s, err := session.New(session.Options{})
	if err != nil {
		panic(err)
	}
	defer s.Close()
	code := "g := ad.Gr"
	matches, start, end := s.Complete(code, len([]rune(code)))
	fmt.Println(matches[0], start, end)
	// Output:
	// Grad 8 10
}

func ExampleSession_IsComplete() {
	s, err := session.New(session.Options{})
	if err != nil {
		panic(err)
	}
	defer s.Close()
	for _, code := range []string{"x := 1", "func f() {", "x := )"} {
		status, _ := s.IsComplete(code)
		fmt.Println(status)
	}
	// Output:
	// complete
	// incomplete
	// invalid
}
