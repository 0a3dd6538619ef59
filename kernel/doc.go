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
// # Logging
//
// The kernel logs through Options.Logger (NewLogger makes the standard
// text logger). The gograd executable writes records from warn up to
// standard error by default — front ends such as jupyter console,
// nbconvert and papermill show a kernel's standard error, and nothing of
// the kernel's own belongs there in normal operation — or, with
// --log-file, records from info up to that file; --log-level sets the
// level either way.
//
// # Message size limit
//
// A message received on the shell, control or stdin socket may be at most
// Options.MaxMessageSize bytes, its frames added up (DefaultMaxMessageSize,
// 64 MiB, unless set; `gograd kernel --max-message-size 256MiB` or
// GOGRAD_MAX_MESSAGE_SIZE sets it); on heartbeat and iopub, which receive
// only pings and subscriptions, 1 MiB. The limit is checked on each frame
// header as it arrives, before the frame is read: a peer whose message
// would exceed it is logged ("message too large") and disconnected, as
// libzmq does with ZMQ_MAXMSGSIZE, and none of the message is kept (see
// framelimit.go for how this routes around zmq4, which has no such
// option). A message under the limit that fails verification is dropped
// and, from 1 MiB, its memory is returned to the operating system at once,
// so that bytes from a peer without the key are never kept: after an
// unsigned 256 MiB frame the kernel's resident memory is what it was
// (tests/frames_e2e_test.go). Peers that hold many connections open each
// with a message just under the limit still make the kernel hold that
// much at once, until each is read and rejected.
//
// # Comms and widgets
//
// The kernel owns the comm layer (handle_comm.go): a registry of comm
// targets (CommTarget, RegisterCommTarget) and of open comms, with
// comm_msg and comm_close routed by comm id and comm_info listing the
// open comms (optionally of one target). A comm_open from the front end
// for an unknown target is answered by closing the comm. Two targets are
// built in: "jupyter.widget", whose comms the kernel opens for display's
// widget models (the kernel is display's CommSink, with the request being
// served as parent), and "jupyter.widget.control", which answers
// request_states with every widget's state. A widget message that
// triggers callbacks runs them through the engine's Call (Caller) on the
// shell goroutine like a cell: interrupt_request stops them, and their
// output goes to the widget's Output area. Before a comm_msg the shell
// loop looks at the requests already queued: an update followed by
// another update of the same comm covering the same attributes is applied
// and echoed, but its callbacks are skipped (a fast slider drag computes
// only the latest value).
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
