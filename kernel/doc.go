// Package kernel is gograd's Jupyter kernel: it binds the five ZeroMQ
// sockets of a connection file, speaks the messaging protocol 5.3 (package
// wire) and runs cells on an Engine (the yaegi session of package
// kernel/session).
//
// # Goroutines
//
// Each ROUTER socket (shell, control, stdin) has one reader and one writer
// goroutine; every send waits at most Options.SendTimeout. The heartbeat
// echoes on its own goroutine. iopub has a single publisher goroutine fed
// by a bounded queue. Shell requests are served one at a time, in order, on
// the shell goroutine. Control requests (kernel_info, interrupt, shutdown,
// comm_info) are served on the control reader's goroutine, so they are
// answered while a cell runs.
//
// # Invariants
//
//   - A message that fails verification (package wire: frame count, HMAC
//     signature, replay, JSON shape) is logged and never acted on.
//   - Every request is answered exactly once, and bracketed on iopub by
//     status busy and idle whose parent is the request. A handler that
//     panics is recovered, its stack logged, and the request answered with
//     an error reply; an unknown *_request gets an error reply too.
//   - Output of a cell reaches iopub in the order written, with the
//     request as parent. Stream text waiting in the queue is coalesced per
//     parent and stream name; when the queue is full, writers wait: output
//     is throttled, never dropped. Display messages keep their place among
//     stream messages.
//   - With stop_on_error (the default), an execute_request that was
//     already received when a cell failed is answered with status
//     "aborted" and not run.
//   - interrupt_request (or SIGINT, with Options.HandleSignals) cancels the
//     running cell's context and calls Options.OnInterrupt; the kernel and
//     the session's state survive.
//   - Shutdown is idempotent; a shutdown_request is answered (and
//     broadcast on iopub) before the kernel stops.
package kernel
