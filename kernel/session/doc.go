// Package session runs Go notebook cells in a yaegi interpreter. It is the
// execution engine of the gograd Jupyter kernel and of the headless
// notebook runner.
//
// # Overview
//
// A Session is one interpreter (github.com/traefik/yaegi v0.16.1) whose
// state persists from cell to cell. The standard library, ad, display,
// gonum.org/v1/plot (plot, plotter, plotutil, palette, palette/brewer,
// palette/moreland, text, font, vg, vg/draw, vg/vgimg, vg/vgsvg, vg/vgpdf,
// vg/vgeps) and gonum's mat, floats, stat, stat/distuv, diff/fd, integrate,
// integrate/quad, interp and optimize are importable (their symbol tables
// are generated in kernel/symbols, listed in its internal/gensym);
// fmt, math, ad and display are already imported. Execute runs one cell and
// returns its Result: the rich bundle of its last expression, or a
// CellError. Complete, Inspect and IsComplete serve the front end's
// completion, help and continuation-prompt requests.
//
// # Help where the cursor is
//
// Complete offers the members of packages imported by earlier cells and by
// the cell being typed (its import declarations are read before it runs),
// fields and methods after a variable or any expression the type checker
// can type against the session (`ad.Scalar(1).`, `xs[0].`, `f(x).`),
// otherwise the session's names,
// packages, keywords and predeclared identifiers; CompleteItems says what
// each is (package, function, type, variable, constant, field, method,
// keyword, builtin) with a function's signature or a variable's type, which
// the kernel sends as metadata._jupyter_types_experimental as ipykernel
// does. Inspect (Shift+Tab) documents the name under the cursor; inside a
// call's parentheses and not on a name, the called function (`ad.Grad(|`;
// for `ad.Grad(f)(|` also the type ad.Grad returns); on a notebook
// variable, its type and a short value — a tensor's shape (and elements
// when at most 8), a number, a string, a collection's length — without
// calling any method of interpreted code.
//
// # Cell model
//
// A cell is Go source mixing package-level declarations (import, const,
// var, type, func and method declarations) and statements, in any order.
// It is cut with the Go scanner into alternating chunks of declarations and
// statements, each compiled as its own unit (the interpreter rejects a unit
// that mixes both); each top-level statement is its own unit (unless the
// cell uses top-level labels, goto or defer, or go statements), so that a
// runtime error can name its line. (yaegi starts each unit by writing
// frame state that running goroutines read without synchronisation, so
// goroutines that outlive their cell race, benignly so far, with the next
// cell; within a cell, go statements keep it one unit.) Statements run at package level: a variable defined with
// := in one cell is visible in the next.
//
//   - Imports made by an earlier cell (and the pre-imports) are dropped, so
//     re-running a cell that imports is harmless.
//   - Functions, variables and constants may be redeclared by a later cell;
//     the new definition replaces the old one for the code compiled after
//     it, and for earlier function declarations; a := giving a variable a
//     value of its type is an assignment, seen by everything; a function
//     value made before keeps the function it was made with, and the cell
//     that redefines says which (see "Redefining a function or a
//     variable").
//   - Types can be redefined too, although yaegi keeps the first definition
//     of a type and of each of its methods: a cell that declares type T with
//     a different definition, or with a method whose definition changed,
//     declares it under a new internal name (T_v2, T_v3, ...), and from that
//     chunk on every use of T means the new type, as after redefining a
//     class in Python: values made earlier keep the old type and methods,
//     the new type has the methods declared with it or after it. Error
//     messages show the name T. Re-declaring a type or method with the same
//     text (re-running a cell) changes nothing. Changing a method in a cell
//     that does not declare its type is a CompileError that says so. A
//     local variable named like a redefined type is not told apart from it.
//   - The whole cell is compiled before any of it runs. Each cell is first
//     compiled in a shadow interpreter that never runs code, so a compile
//     error anywhere in the cell leaves every earlier definition and value
//     untouched (compiling in the live interpreter alone would not: yaegi
//     registers declarations as it compiles them). The live interpreter
//     then compiles each chunk just before running it (see "Memory over a
//     long session").
//   - If the cell's last statement is an expression with a value, that
//     value becomes the Result's bundle, built by display.Render. This is
//     decided from the syntax tree: the expression is compiled as an
//     argument of a capturing function; a call with no result is compiled
//     again as a plain statement. Calls of the fmt and log printing
//     functions and of print, println and panic are never captured. A nil
//     value shows nothing; several values (a call with several results)
//     show as a tuple.
//   - A go statement runs the function in a goroutine whose panic is
//     recovered and reported on the cell's stderr, as a traceback: the go
//     statement's line, then the statement each interpreted frame of the
//     goroutine was running, innermost last, then the error (Go's
//     goroutine traceback in the cell's numbering): a goroutine cannot end
//     the process. The same holds for the functions a cell gives to
//     time.AfterFunc and context.AfterFunc, which the runtime calls in
//     goroutines of its own (a panic or os.Exit there ended the kernel):
//     the report names the line that passed the function, and its frames
//     name their statements even when it runs while a later cell does
//     (each statement's start forgets the frames of goroutines it does not
//     know of, but not those of such functions). The function value
//     and arguments are still evaluated by the calling goroutine, once per
//     execution of the statement, so `for i := range n { go f(i) }` calls f
//     with each i.
//   - A function literal that is not called where it is written is created
//     inside a small wrapper function of its own. yaegi v0.16.1 writes a
//     closure's creation slot back when the closure returns; from another
//     goroutine that write would replace the closure or variable its
//     creator reads next (a loop starting workers, `worker := func…`), so
//     the creator called a stale or nil function. Capture is unchanged.
//   - A leading package clause (package main, as gophernotes' and GoNB's
//     notebooks write) is blanked. A func main is renamed (yaegi runs a
//     package's main after every unit it executes): it runs once, after
//     the cell that declares it, and again only when a cell calls main().
//   - A value of a type declared in a cell with renderer methods (HTML,
//     Markdown, LaTeX, SVG, PNG, MIMEBundle, as display's interfaces)
//     displays through them when it is the cell's value, and a String
//     method gives its text/plain. yaegi hides interpreted methods from
//     compiled code, so the type checker finds them from the value's
//     static type and the capture builds a display.Rich inside the
//     interpreter (habits.go). A value reaching display any other way
//     (display.Show(v), a field of another value) shows as a plain struct;
//     display.NewRich(v).SetHTML(v) shows it explicitly.
//   - os.Exit and log.Fatal, Fatalf, Fatalln stop the cell with an Exit
//     error; the session keeps running.
//   - Every cell is type-checked with go/types before the interpreter
//     compiles it (typecheck.go), against the package-level objects of
//     earlier cells; the compiled packages' types are built from the
//     interpreter's own symbol tables by reflection (symtypes.go), so no
//     GOROOT or export data is needed where the kernel runs. When the
//     interpreter refuses a cell, the type checker's first error is
//     reported, in the Go compiler's words ("undefined: x", "cannot use
//     2.5 (untyped float constant) as int value in variable declaration
//     (truncated)", "not enough arguments in call to f" with have/want);
//     when the interpreter accepts a cell the checker objects to, the
//     checker's first error is still reported if it is trusted (yaegi
//     accepts `x := 3; x()` and a function missing its return), and the
//     cell runs otherwise: errors that may come from what the checker
//     cannot see (interfaces and generic functions of compiled packages,
//     redeclarations and types redefined across cells, initialisation
//     cycles of notebook variables) are not trusted (typecheck.go's
//     trusted). An unbalanced bracket is reported where it is ("syntax
//     error: unexpected } with no { open", "this { is never closed"),
//     not at the end of the chunk the session built. The corpus
//     tests/testdata/mistakes.txt lists the exact message and lines of
//     each common mistake; it runs through a session (TestMistakes) and
//     through the kernel (tests/TestE2EMistakes). Unused variables in
//     functions are warnings on the cell's stderr ("warning: cell 2, line
//     3, column 2: declared and not used: x"), not errors; unused imports
//     are nothing (a notebook imports in one cell what later cells use);
//     notebook variables (top-level :=) are never unused. The check
//     costs about 0.1-0.4 ms per cell (BenchmarkTypecheckTypicalCell).
//   - A standard-library package used but not imported (os.Getenv with no
//     import "os") is imported for the cell, as goimports would (the
//     package of that name exporting the selector; the shortest path when
//     several do), and the cell's stderr says so in one line: note: added
//     import "os". The import stays for later cells.
//   - Valid Go the interpreter cannot compile is rewritten where the type
//     checker locates it (yaegi_fixes.go): `for i := range n` over an
//     integer (yaegi: "nil type"; smallest cell `for i := range 3 {}`)
//     becomes a three-clause loop with i of n's type; a top-level comma-ok
//     definition (`v, ok := m["c"]`, x.(T), <-ch; yaegi: "nil type")
//     becomes var declarations and an assignment; a package-level comma-ok
//     declaration (`var v, ok = m["c"]`; yaegi: "nil type") gets its
//     values from a function declared beside it that defines and returns
//     them (see varinit.go; the chunk's own variables the expression
//     mentions are passed as arguments, so that yaegi still initialises
//     them first); a top-level assignment
//     to blanks only (`_ = x`) becomes a call that discards its operands
//     (yaegi fixes the type of the top-level _ at its first use: after
//     `f, _ := os.Open("/")`, `_ = ad.Eye(2)` panicked with "reflect.Set:
//     value of type *ad.Tensor is not assignable to type error"); a call
//     whose value is a function, assigned with = (or a := the session
//     makes an assignment), is put in parentheses: yaegi stored such a
//     call's result over the destination's slot instead of in it, so that
//     `s := make([]func(), 1)`, `s[0] = sync.OnceFunc(f)` left s[0] nil
//     (also a[0] and *p), silently, `o = sync.OnceFunc(f)` then `o = nil`
//     failed with "reflect.Value.Set using unaddressable value", and a
//     cell re-running `g := ad.Grad(func…)` kept every earlier run's
//     function (see "Memory over a long session"); an untyped nil among
//     several values assigned at once becomes a conversion to its
//     destination's type (yaegi: "runtime error: New(nil)"; smallest cell
//     `var a, b *int` then `a, b = nil, nil`, also in functions); an
//     operand of a top-level := that indexes a slice, array, map or
//     string becomes a conversion to its own type, (T)(x[i]): yaegi could
//     not type it when the indexed value had a compiled package's type
//     (`sh := t.Shape()` then `n := sh[0]`: "constant definition loop";
//     `y := xs[0] * 2` with xs from t.Data(), or `a := out[0]` with out
//     from a function ad.GradSlice returned: a nil pointer dereference
//     while compiling). What
//     still fails gets a plain sentence instead of yaegi's internal
//     message: "generic functions are not supported here: …" when the
//     cell declares or uses a generic function or type, otherwise "the
//     interpreter cannot compile this valid Go (its message: …); write the
//     statement another way …". yaegi logs some of these failures through the
//     log package ("nil type"), which in the kernel writes to the cell's
//     stderr: while a chunk compiles, those lines are dropped.
//   - A method value (x.M not called where it is written) copies its
//     receiver when it is evaluated, as Go says. yaegi v0.16.1 reads the
//     receiver from the receiver expression's slot at every call, silently
//     wrong: with `type num struct{ v int }; func (n num) Get() int {
//     return n.v }`, the cell `var fs []func() int; for _, n := range
//     []num{{1}, {2}} { fs = append(fs, n.Get) }; fmt.Println(fs[0](),
//     fs[1]())` printed 2 2 (also in function bodies, for pointer
//     receivers, slice elements, fields, map values and interfaces), and
//     `t.Item` of a *ad.Tensor did not compile ("cannot use type
//     func(*ad.Tensor) float64 as type func() float64"). With the type
//     checker's selections, each method value becomes a function literal
//     called at once that copies the receiver into a local of its own
//     frame (&x for a pointer method of an addressable x, *p for a value
//     method through a pointer, through the embedded fields of a promoted
//     method) and returns the method value of the copy; for methods of
//     compiled types and of interfaces it returns a function literal
//     calling the method on the copy (methval.go). A nil pointer with a
//     value method panics where the method value is evaluated, as in Go.
//     Not covered: a method value whose type the cell cannot write (an
//     unexported type of a compiled package, a generic method) or in a
//     cell the type checker could not check.
//   - A package-level var initialised from a variable of an earlier cell
//     or statement (`g := 2.5`, then `var z float64 = g`) failed in yaegi
//     v0.16.1 with "variable definition loop": it orders a unit's
//     initialisers by the package-level variables they mention and counts
//     only the unit's own as initialised. Such an initialiser (located by
//     the type checker) is moved into a function declared in the same
//     chunk and called by the declaration (varinit.go); one whose type the
//     cell cannot write (hash.Hash with hash not imported) is a
//     CompileError at its line saying to write name := value or to
//     declare the variable and assign it.
//   - yaegi v0.16.1 does not declare the names of a := or var with several
//     names and one multiple-value expression (a, b := f()) in a block of
//     top-level code ("undefined: a"; plain yaegi does the same). A
//     top-level if, for, switch, select or block holding one is run as the
//     body of a function literal called at once, where it works; a runtime
//     error still names the statement's line.
//   - In a block of top-level code (a for or if statement's init, a loop
//     body, a plain block), yaegi v0.16.1 took a := or var of a notebook
//     variable's name as that variable, silently: after `y := 1`, `for i
//     := 0; i < 2; i++ { y := i * 10 }` left y at 10, and `if y := 5; y >
//     0 {}` at 5. Such a statement is run in a function literal called at
//     once too (its variables are local either way), unless it holds a
//     return, defer, goto or labelled branch outside function literals.
//
// # Redefining a function or a variable
//
// yaegi v0.16.1 binds a call of a package-level function to the function
// when it compiles the call, so a later definition reaches only the code
// compiled after it. Smallest cells:
//
//	func sq(x float64) float64 { return x * x }
//	func g(x float64) float64 { return sq(x) + 1 }
//	h := func(x float64) float64 { return sq(x) + 2 }
//
//	func sq(x float64) float64 { return x * x * x }
//
//	fmt.Println(sq(3), g(3), h(3)) // 27 10 11 in plain yaegi
//
// A notebook user expects 27 28 29 (IPython looks names up at each call;
// GoNB compiles the whole program again). When a cell's declaration chunk
// changes the text of a plain function declared by an earlier cell, right
// after that chunk has run (redefine.go):
//
//   - Every function declaration kept in the history (see "Memory over a
//     long session") whose body mentions the function, transitively (k
//     calls g calls sq), and that the cell does not declare itself, is
//     compiled again from its kept source, all in one unit (mutual
//     recursion across cells binds right), with the rewrites it had; in
//     the shadow first, then in the live interpreter. A declaration runs
//     no code, so this changes nothing but what the calls reach: g(3) is
//     28. One that no longer compiles with the new function (its
//     signature changed) keeps its earlier definition, and the cell's
//     stderr says so: "note: g (cell 1) still calls the earlier sq: it
//     does not compile with the new one: cannot use type float64 as type
//     int (cell 1, line 2, column 39)", and for each function calling
//     it, "note: k (cell 1) calls g, which still calls the earlier sq".
//   - A method cannot be compiled again (yaegi keeps a type's first
//     methods, see "Cell model"): a method that calls the function is
//     named ("note: method T.Area (cell 1) still calls the earlier sq
//     ..."), and running the cell that declares T again then redeclares T
//     as a new type whose methods call the new function.
//   - Function values made before cannot be made again without running
//     their cells: function literals held in variables, maps, slices,
//     fields or passed to compiled code (a widget callback), functions
//     taken as values (k := g), goroutines started with go. The session
//     keeps, for every top-level statement and package-level var that ran,
//     the session names such values may hold (those inside function
//     literals, names used as values, the function of a go statement) and
//     the session functions it called, keyed by the variable assigned or
//     else by the statement's text (so re-running a cell replaces them).
//     Those that hold a replaced function (or a variable holding one) are
//     named on the cell's stderr: "note: h (cell 1, line 3) was made with
//     the earlier sq and still calls it; run its cell again to use the new
//     one"; "note: a function value made in cell 4, line 2 still calls
//     the earlier sq; ..." when it went to no variable (display.Interact's
//     callback); "a goroutine started in cell 5, line 1 may still use the
//     earlier sq" while a goroutine of that cell still runs; "f (cell 3, line 1) may hold a function made with the
//     earlier sq" when it was made by a call of a function whose body makes
//     function values holding the replaced one. Statements of the
//     redefining cell from that chunk on are not named (they are made
//     with the new definition).
//
// A variable whose type cannot hold a function (a number, a tensor, a
// slice of them: the type checker's type) is not named, nor a function
// made and called at once (fmt.Println(ad.Grad(f)(x)), func() {...}()).
// Otherwise the scan reads names, not types, so a local variable or field
// named like a session name can make a note appear that is not needed, and a
// function value that reaches the replaced one through something the
// syntax does not show (an interface, a value returned by compiled code)
// is not named. Re-running a cell with the same text redefines nothing:
// no recompile, no note. A redefinition that compiles callers again keeps
// the unit's file and traceback entries: about 0.8 KiB per such cell.
//
// Variables. A top-level := of a name an earlier statement defined made a
// new variable in yaegi v0.16.1, in a slot of its own, and the code
// compiled before kept reading the old one, silently (smallest cells: `n
// := 10`, `func f() int { return n }`, `n := 20`: f() returned 10; the
// same for a closure). So a := whose names all are notebook variables
// already, each given a value of the type it has, is compiled as an
// assignment (reassign.go): functions, closures and goroutines see the
// new value, as in IPython, and re-running a cell of parameters is
// enough. This also makes x := x + 1 right: yaegi read the new, zero x on
// the right (x became 1). The type checker, which sees a cell's := as
// package-level variables, checks reads of the earlier variable (on the
// right of its first := in the cell, or before it) as that variable.
//
// A := that changes a variable's type (n := "twenty"), that also defines
// new names or blanks, or whose types the checker may have wrong (the cell
// has type errors; the chunk defining the variable did not run) still
// declares a new variable, and the session treats the name as redefined:
// the function declarations reading it are compiled again (one that no
// longer compiles keeps reading the earlier variable: "note: f (cell 2)
// still reads the earlier n: it does not compile with the new one: ..."),
// and function values reading it are named ("note: h (cell 3, line 1) was
// made with the earlier n and still reads it; ..."). A value copied from
// the variable (y := n + 1) is not named. Such a := that reads the
// variable on its right (n := fmt.Sprint(n, "!")) is a CompileError
// saying to compute the value into another variable first: yaegi would
// read the new, zero n there.
//
// A package-level var declared again (var n = 20 after var n = 10 or n :=
// 10) is a new variable too, even with the same text, and a constant
// declared again with another value is inlined anew by the code compiled
// after it (`const c = 1`, `func fc() int { return c }`, `const c = 2`:
// fc() returned 1): both go the same way, when some function body or
// literal mentions the name — the declarations reading it are compiled
// again and the function values reading it are named.
//
// # Output and input
//
// The interpreter's standard output and error are the write ends of pipes
// the session owns. os.Stderr in cell code is that pipe (an *os.File);
// os.Stdout is a buffer in front of the stdout pipe (a writer with
// Write, WriteString, Sync, Fd and Name, not an *os.File), shared with
// fmt.Print*, so that printing costs no system call per line: the buffer
// goes to the pipe when it holds 32 KB, 10 ms after the first text it
// holds (so a long cell's output streams live), and at every flush (end
// of the cell, before a display, before a read of standard input), in
// the order written. One goroutine per pipe forwards the text, in order
// and in full, to the IO of the cell running, or of the last cell that ran when a goroutine
// writes after its cell. Before Execute returns, everything the cell wrote
// has been passed to IO.Stream (a marker written through each pipe is
// awaited). CaptureProcessOutput additionally redirects the process's file
// descriptor 1, the os.Stderr variable and the log package's output, so
// that output of compiled code reaches the cell; descriptor 2 stays the
// real standard error, where the Go runtime reports a fatal error before
// the process dies.
// Before each cell the display sink is set to io, wrapped so that every
// display, update and clear first waits until the text written to the
// pipes so far has been forwarded: text printed before a display reaches
// IO before it, from any goroutine.
//
// Standard input reads (fmt.Scan, Scanln, Scanf and any reader on
// os.Stdin, which in cells is an io.Reader) ask IO.Input for one line at a
// time, when the cell actually reads. When the front end does not allow
// input, the read returns an error wrapping IO.Input's error. An interrupt
// ends a read waiting for the front end. Unread input is discarded at the
// end of the cell.
//
// # Interrupt
//
// Cancelling Execute's context interrupts the cell: every goroutine of the
// cell stops at its next loop iteration, function call, goto, blocking
// channel operation, time.Sleep or read of standard input, ad.Interrupt
// stops long ad operations (ad.ResetInterrupt is called before each cell),
// and the cell fails with an Interrupted error. Execute returns once the
// cell's goroutine has stopped, or is blocked in an operation the interrupt
// cannot end (see below; at most two seconds). Every value defined before
// keeps behaving as before — function literals wherever they are held,
// methods, tensors, maps, channels — and goroutines started by earlier
// cells keep running.
//
// yaegi's own interrupt, cancelling the context of ExecuteWithContext, is
// never used: it breaks every closure made before it. yaegi v0.16.1 stops
// a program by incrementing the interpreter's run id, and each frame's
// instruction loop runs only while the frame's id equals the
// interpreter's; a function literal keeps a copy of the frame it was
// created in, with the id of that moment, and each call of it starts a
// frame with that id. After one cancellation, every closure made before
// returns its zero values at once, silently, forever (and ad.Grad of it
// fails with NilError); goroutines of earlier cells stop too, and the
// closures' channel operations return at once (their cancellation channel
// is closed). The smallest cell that shows it, in three cells:
//
//	add := func(a, b int) int { return a + b }
//	for {}                 // interrupted with ExecuteWithContext
//	fmt.Println(add(1, 2)) // prints 0
//
// (The same after a RecursionError, which used the same stop.) Instead,
// the session runs cells with Execute and delivers interrupts itself:
//
//   - Each cell is a generation; its goroutine and every goroutine its go
//     statements start belong to it (see stopper in stop.go). An interrupt
//     (or a RecursionError) stops the generation: a flag is raised and the
//     generation's done channel is closed.
//   - The rewriter puts a check at the top of every loop body, before every
//     goto and (with the recursion guard) at the start of every function:
//     `if *__gograd.Stop != 0 { __gograd.Halt() }`, a load of a word while
//     nothing is stopped. Halt ends the calling goroutine with
//     runtime.Goexit when its generation is stopped: deferred calls run, and
//     recover cannot swallow it. Stop is a pointer because yaegi treats a
//     compiled package's variable in a comparison as a constant.
//   - Blocking channel operations are rewritten to wait on the done channel
//     too: a select without default gets a case <-__gograd.Done(); a receive
//     statement becomes __gograd.Drop(c); other receives in a statement
//     (v := <-c, f(<-c), return <-c + 1) wait in __gograd.Recv, which then
//     hands the value over through a one-element channel of the same type;
//     with the type checker's types, a for range over a channel becomes a
//     loop of such receives and a send __gograd.Send(c, v) (see chans.go).
//     An interrupted receive takes nothing: a value sent later goes to the
//     next receiver. (yaegi v0.16.1's select statement is not safe for
//     goroutines running the same statement at once: its cases live in
//     one array per statement. The rewrites add no select of their own.)
//   - time.Sleep and reads of standard input also wait on the done channel.
//
// What the interrupt cannot end: a send of a value to a channel of an
// interface type (passing it through a compiled function would lose
// yaegi's conversion to the interface) or in a cell the type checker could
// not check, a receive in a for condition, on the
// right of && or ||, in a labelled statement or from a received channel
// (<-<-c); blocking calls of compiled code (sync.WaitGroup.Wait, a mutex,
// network reads). Execute then returns Interrupted at once and leaves the
// goroutine waiting; should the operation ever complete, the goroutine
// ends at its next check. A goroutine running compiled code that calls
// back into interpreted code (time.AfterFunc) is counted in the newest
// cell. ad.Interrupt is global: an ad operation running in a goroutine of
// an earlier cell at the moment of an interrupt fails with Interrupted too
// (a panic reported on stderr).
//
// Three yaegi v0.16.1 bugs the receive rewrite also routes around, by
// receiving into a temporary first: a value received into an index or
// field is not stored (`a[0] = <-c` leaves a[0] unchanged, silently;
// smallest cell: `a := []int{0}; c := make(chan int, 1); c <- 1; a[0] =
// <-c; a` shows [0]); a variable assigned or defined from a receive can no
// longer be set (`v = <-c` then `v++` fails with "reflect.Value.SetInt
// using unaddressable value"); `return <-c` fails with "reflect.Value.Set
// using unaddressable value" for some element types (`func f(c chan
// string) string { return <-c }`). At top level, a statement whose
// receives were hoisted runs in a function literal called at once (a :=
// becoming var declarations typed by the checker), so that the
// temporaries are not package variables kept for the whole session.
//
// A fourth: a select case that receives into existing variables fails
// with "reflect.Select: invalid Dir" (smallest cell: `c := make(chan int,
// 1)`, `c <- 1`, `var v int`, `select { case v = <-c: }`). Such a case,
// `case v, ok = <-c:`, becomes `case t, u := <-c: v, ok = t, u` before any
// other rewrite (assignedReceives in chans.go); blanks stay blanks, and
// the assignment happens only when the case is chosen, as in Go.
//
// Cost: a loop iteration pays one load and a comparison (a few tens of
// nanoseconds in the interpreter, see BenchmarkLoopIteration); a hoisted
// receive one call and a channel allocation. Under the race detector the
// loop check is a call. While a stopped cell still has a goroutine (one
// left blocked as above), every loop iteration and function call of every
// goroutine pays a call of a compiled function (~0.5 µs) to learn whether
// it is one of the stopped ones: that is the price of stopping such a
// goroutine at once should it wake.
//
// # Callbacks
//
// Call runs a compiled function that may call interpreted code (a widget
// callback made by display) the way Execute runs a cell: under the
// session's lock, with the given IO for text and displays, interruptible
// (the function is called from a one-statement program the interpreter
// executes under the context), with the recursion guard, and with a panic
// reported as a CellError ("in a widget callback"). It adds nothing to
// the history. A callback that was interrupted runs again normally the
// next time its widget moves. An os.Exit in a callback says that the
// callback stopped ("the widget callback stopped; the session keeps
// running"). The first call of an Interact's function runs in the cell and
// display shows its error in the Interact's Output widget rather than
// failing the cell; the cell's sink names that error as a cell's would
// (DescribePanic: ShapeError, RuntimeError, ... with the lines of the
// function it went through).
//
// %reset closes every widget shown before it (display.CloseWidgets) and
// says how many: their callbacks are functions of the interpreter %reset
// discards, which would otherwise keep running the forgotten definitions
// (and keep that interpreter in memory). The front end removes their
// views; running their cells again brings them back. IPython's %reset -f
// clears the namespace but leaves ipywidgets' objects and their callbacks
// alive, where a callback that reads a cleared global fails with a
// NameError: gograd makes the break visible at once instead.
//
// # Limits
//
// Recursion: every interpreted function starts with a call to a guard that
// measures the goroutine's stack (reading the runtime's stack bounds, on
// amd64 and arm64). When it exceeds the budget, the cell stops with a
// RecursionError naming the function and the line where it is declared,
// long before Go's fatal stack limit, and the session keeps its state. The
// budget is the recursion limit times the stack one interpreted call of a
// small function takes (measured once per process); the limit defaults to
// DefaultRecursionLimit calls and is set with Options.RecursionLimit or
// %recursion_limit. Functions with larger frames reach the budget at a
// smaller depth; the reported depth is an estimate. The guard also covers
// goroutines: recursion in a goroutine of the running cell stops the cell;
// in a goroutine left running by an earlier cell it ends that goroutine
// with a message on stderr (the goroutine's frames, as a traceback) (while no cell runs; during a cell, such a
// goroutine stops the running cell, whose error then names its function). New sets the runtime's maximum stack size to
// 768 MB. On other architectures the guard is off and only that maximum
// applies. The guard costs one call of a compiled function per interpreted
// call (a few hundred nanoseconds, see BenchmarkCallGuarded), so it is left
// out of leaf functions, which cannot be part of a recursion: functions of
// basic and *pkg.T arguments that call only package functions and builtins
// and name no session function or variable (see leaf.go).
//
// Memory: the length and capacity of every make in a cell are checked
// before allocating; a request larger than the memory available to the
// process (MemAvailable, or the cgroup's free memory) fails with a
// MemoryError saying how much was needed and how much there is. Element
// sizes are read from the syntax: exact for predeclared types, a word for
// others (so a slice of large structs is underestimated); growth through
// append is not checked. ad refuses oversized tensors itself
// (ad.ErrMemory), reported the same way.
//
// # Memory over a long session
//
// A session's memory stays flat when cells are run again and again: over
// 2000 runs of a cell that redefines a function, takes ad.Grad of a
// function literal on 10 points, does two ad operations and prints, the
// session's live heap grows by about 0.9 KiB per cell, and the kernel's
// resident set by 3.6 KiB per cell over the second 1000 runs (from 32 to
// 52 MiB in all; TestMemoryFlat bounds the live heap;
// tests.BenchmarkLongSession measures RSS and latency, with ipykernel as
// the reference). yaegi v0.16.1 keeps something of every unit
// it compiles; the session lets go of it from outside (retain.go, which
// reaches yaegi's unexported fields by name and type through reflection,
// and leaves them alone if a yaegi upgrade changes them, which
// TestRetainFieldsFound reports):
//
//   - yaegi keeps the node tree of every compiled unit (Interpreter.roots,
//     read only by its debugger) and every block scope in its parent's
//     list of children (never read): both are dropped after each compile.
//   - Every temporary of top-level code (a call's result, a function
//     literal, an operand) gets a slot of its own in the global frame,
//     which kept its last value for the life of the session. Smallest
//     cell: `ad.Sum(ad.Linspace(0, 1, 1000000))` kept its million-element
//     tensor; and since a closure made at top level copies the whole
//     global frame, `g := ad.Grad(func(x *ad.Tensor) *ad.Tensor { return
//     x })(ad.Scalar(1))` run n times kept n copies, the last of n slots:
//     memory grew faster than linearly. So each chunk of a cell is compiled
//     in the live interpreter just before it runs (the shadow has already
//     compiled the whole cell), and after it ran, the slots no package-level
//     name owns are emptied and cut off the end of the frame's layout, and
//     the next chunk reuses them (given fresh zero values of their new
//     types before it runs). (A closure's copy of the frame holds the same
//     storage: replacing a slot's value does not change what it reads.)
//   - A function literal made at top level copies the global frame's
//     slots, so a copy that held a variable's previous value held the
//     functions made before, run after run: a cell run again and again
//     that keeps a function made from a literal in a variable grew by
//     about 35 KiB of live heap per run (300 runs: 5.2 → 15.7 MiB), in
//     two ways. `g := ad.Grad(func(x *ad.Tensor) *ad.Tensor {…})` (an
//     assignment after the first run): yaegi wrote ad.Grad's result over
//     g's slot rather than into g, so the next run's literal copied the
//     slot holding the previous function; the call is now put in
//     parentheses (see "Cell model"). `var g func(*ad.Tensor) *ad.Tensor
//     = ad.Grad(func…)` (a new variable each run): the literal copied the
//     slot of the previous run's g, which releaseSlots empties only after
//     the chunk; the slots a chunk declares again are now emptied before
//     it runs, when no function body mentions the name and the chunk
//     reads it nowhere but where it declares it (releaseShadowed). Both
//     cells stay flat (TestMemoryFlat's kinds grad-kept and grad-var).
//   - A := that gives a notebook variable a value of another type (see
//     "Redefining a function or a variable") gets a new slot; the old one
//     keeps the old value, which code compiled before and not compiled
//     again still reads. The old slot is emptied when no function body,
//     function literal, go or defer statement of any cell mentions the
//     name. (A := with a value of the same type is an assignment and
//     takes no slot.)
//   - yaegi's method value reads its receiver from the receiver
//     expression's slot each time it is called (`mv := adder{10}.Add`: the
//     slot of `adder{10}`). The method values the type checker finds are
//     rewritten to copy their receiver (see "Cell model"); for those it
//     cannot, a chunk with a selector that is not called where it is
//     written (other than a package's member, a field read counts) keeps
//     its slots, and the receiver's names count as mentioned.
//   - The file set gets a file (positions) per compiled unit. The shadow
//     forgets a statement chunk's file once compiled, the live interpreter
//     once it ran unless it holds code that outlives it (a function
//     literal, go or defer statement); chunks declaring types keep theirs.
//   - The history the shadow is rebuilt from (after a compile error) keeps
//     only chunks that declare package-level names, and drops one that a
//     later chunk replaces: it declares only variables and plain functions,
//     the later one declares the same names, and nothing kept in between
//     (nor the later one) mentions them. Re-running a cell, or redefining a
//     function, does not make it grow.
//
// The garbage collector's headroom is not per cell but shows in the
// resident set: the kernel collects when the heap has grown by 400% (see
// kernel/cmd/gograd), so a fresh kernel's resident set grew by some 25-40
// MiB over its first few hundred cells until the heap reached five times
// its live size. With Options.IdleGCPercent (the kernel sets 50) the
// session collects at that lower percentage between cells and during a
// cell's or callback's first 5 ms, and raises it to the kernel's 400 only
// for the rest of a cell that runs longer (gcpercent.go): a long cell
// (differentiating a loop step by step) still collects rarely, while
// short cells run back to back keep the heap within one and a half times
// its live size. The runtime returns free pages to the system only
// slowly, so an idle kernel kept its peak resident; with
// Options.ReleaseFree (the kernel sets 1 MiB) the session returns the
// free heap a second after the last cell or widget callback, while
// nothing runs (release.go): an idle kernel holds its live heap and
// little more.
//
// The first cell used to build the compile checker and the type checker's
// view of the preloaded packages (about 5 MiB, 20 ms); Session.Warm
// builds them before it, and the kernel calls it in the background 200 ms
// after start, so startup is not slower and the first cell takes a few
// milliseconds.
//
// What remains per cell: the cell's text and line numbering (for
// tracebacks, as IPython keeps In), the history entries of new names, a
// frame slot per := that changes a variable's type and per temporary of a chunk that also
// declares a new name (its value is released, the slot is not), the file of
// each chunk that declares functions or types, or creates a function
// literal, the slots of chunks with method values or field reads, the
// traceback table's entries for each function and function literal
// compiled (positions.go), and each name's entry in the session's tables. A session that
// appends a closure to a slice every cell keeps each closure, and each
// closure made at top level holds a copy of the global frame's slots (24
// bytes per package-level variable).
//
// # Errors
//
// A CellError's Name is the kind: CompileError (syntax and type errors),
// Panic, RuntimeError (index out of range, nil map, division by zero),
// RecursionError, MemoryError, Interrupted, Exit, UsageError (a bad special
// command), or the kind of an ad error (ShapeError, AxisError, IndexError,
// ArgumentError, SingularMatrixError, ...), or display.Error for display's
// (an Interact whose function does not fit its controls). Value is the
// message. The
// Traceback, outermost first, gives positions in the cell's own numbering
// ("cell 3, line 4, column 2"), with the source line and a caret for
// compile errors. For runtime errors it is a short stack like Python's,
// innermost last: the statement of the cell's top-level code that was
// running ("cell 2, line 1, at top level"), then for every interpreted
// function the panic went through, in any cell, the statement it was
// running ("cell 1, line 3, in f", "in func literal", "in T.M"), each
// with its source line. yaegi's own positions name where a function
// starts, not the statement running, so the session records the lines
// itself (positions.go): every function whose statements are not all on
// its first line carries a line register, set before each statement and
// made known to the session by the recursion guard's call on entry, on a
// stack per goroutine. This costs about 0.3-0.6 µs per call of such a
// function (BenchmarkCallGuarded against BenchmarkCallGuardedMultiline)
// and one assignment per statement on a line of its own; one-line
// functions and loops cost nothing more. Each frame shows its own line, in
// recursion and when goroutines run the same function; a frame repeated
// more than three times in a row is shown three times and then counted
// ("[previous frame repeated 49992 more times]", as Python does), which
// is how a RecursionError's traceback ends: the frames of the recursion,
// and the function it stopped entering. An Interrupted error shows where
// the cell was, as IPython's KeyboardInterrupt does: the top-level
// statement, and the statement of each interpreted function it was in
// when it stopped at a check (only the top-level statement when it was
// blocked where an interrupt cannot reach). The last line repeats "Name:
// Value".
//
// Index and slice errors say what Go says, with the values: "runtime
// error: index out of range [5] with length 3", "slice bounds out of range
// [:7] with capacity 5". yaegi v0.16.1 indexes through reflect, whose
// panics carry no values (smallest cell: `xs := []int{1, 2, 3}` then
// `xs[5]`: "reflect: slice index out of range"), so the rewriter puts a
// check of the same bounds before each statement that indexes or slices a
// slice, array or string, when evaluating the statement cannot change the
// operands first (no calls but len, cap and conversions before the index,
// not on the right of && or ||), and the check panics with the runtime's
// own error for those values (bounds.go). In loop bodies only statements
// that also call a function are checked (fmt.Println(xs[i]), append(out,
// xs[i])), to keep loops of arithmetic fast, and an index below zero is
// checked only when the index subtracts (xs[i-1]): the other errors say
// "runtime error: index out of range" or "slice bounds out of range",
// without the values. A checked index costs some 50 ns per execution
// (BenchmarkCallIndexing: three checked indexes add about 150 ns to a
// call of 1.7 µs; BenchmarkLoopIndexCall: about 25 ns, 6%, per iteration
// of a loop calling math.Sqrt). A nil pointer dereference that the interpreter performs through
// reflection is reported as the runtime's "invalid memory address or nil
// pointer dereference".
//
// # Special commands
//
// Lines at the top of a cell starting with % are commands:
//
//	%help                 what is preloaded, the commands, links
//	%reset                a fresh interpreter in the same process; the
//	                      widgets shown before it are closed
//	%time [STATEMENT]     run the statement, or the rest of the cell, and
//	                      print its CPU and wall time (IPython's format)
//	%timeit [STATEMENT]   run the statement, or the rest of the cell, in a
//	                      loop: 7 runs of 10^k loops, k the smallest making
//	                      a run last 0.2 s; print the mean ± std. dev. per
//	                      loop in IPython's format; IPython's -n LOOPS and
//	                      -r RUNS set them (other options: UsageError)
//	%recursion_limit [N]  show or set the recursion limit (N >= 100)
//
// %%time and %%timeit are the same commands. %time STATEMENT keeps the
// statement in its columns and runs the cell from it on; a traceback shows
// the line as written, command included. %timeit runs its body as the body
// of a function literal called by a compiled loop driver (the statements'
// variables are the loop's, not the notebook's); a body with declarations is
// a UsageError. Any other %name is a UsageError, as in IPython.
//
// As in IPython, %time and %timeit also work on a later line of a cell, at
// its top level, for the statement on their line (magic_lines.go): `x :=
// 2` then `%time y := f(x)` runs the cell and prints the times of that
// statement after it (it defines y as usual; when it is the cell's last
// expression, its value is shown). %timeit must then be on the cell's
// last statement. The other commands on a later line, %time or %timeit
// inside a block, without a statement, or on a statement that does not run
// as a unit of its own (a cell with go statements, defer or labels) are
// UsageErrors naming the line. A line starting with % inside a multi-line
// raw string (a Printf format) is not a command.
package session
