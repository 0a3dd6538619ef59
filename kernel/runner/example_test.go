package runner_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/gograd/gograd/kernel/runner"
)

// Run a notebook written as Markdown, then save it as nbformat 4.5 and as
// an HTML page.
func ExampleRun() {
	src := "# Squares\n\n```go\nfor i := 1; i <= 3; i++ {\n\tfmt.Print(i*i, \" \")\n}\n```\n\n```go\nad.Grad(ad.Square)(ad.Scalar(3))\n```\n"
	nb, err := runner.ReadMarkdown(strings.NewReader(src), "squares")
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := runner.Run(context.Background(), nb, runner.Options{}); err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range nb.CodeCells() {
		for _, o := range c.Outputs {
			switch o.Type {
			case runner.StreamOutput:
				fmt.Printf("In [%d] %s: %q\n", *c.ExecutionCount, o.Name, o.Text)
			case runner.ResultOutput:
				fmt.Printf("Out[%d]: %s\n", *o.ExecutionCount, o.Data["text/plain"])
			}
		}
	}
	f, err := os.CreateTemp("", "squares-*.ipynb")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if err := nb.Write(f); err != nil {
		fmt.Println(err)
	}
	var page strings.Builder
	if err := nb.WriteHTML(&page, nb.Title("squares")); err != nil {
		fmt.Println(err)
	}
	fmt.Println(strings.Contains(page.String(), "<title>Squares</title>"))
	// Output:
	// In [1] stdout: "1 4 9 "
	// Out[2]: 6.0
	// true
}
