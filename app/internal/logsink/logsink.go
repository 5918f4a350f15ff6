// Package logsink batches log lines on their way to stdout, so that a busy service spends one
// system call on many request lines instead of one each. A line reaches the output at most
// Window after it was logged; Close (on every exit path of main) writes what is left, so only
// a crash of the Go runtime itself can lose the last Window of lines.
package logsink

import (
	"io"
	"sync"
	"time"
)

// Window is the longest a line waits before it is written.
const Window = 10 * time.Millisecond

// maxPending bounds the memory held: past it, Write writes at once (and waits for the output,
// which is backpressure) instead of growing.
const maxPending = 256 << 10

// Writer is an io.Writer safe for concurrent use. Close flushes and stops it.
type Writer struct {
	out io.Writer

	mu      sync.Mutex // guards pending and closed
	pending []byte
	closed  bool

	writeMu sync.Mutex // serialises writes to out, keeping lines whole and in order
	spare   []byte     // the last batch's buffer, reused for the next one; guarded by writeMu
	wake    chan struct{}
	done    chan struct{}
}

// New starts a Writer in front of out.
func New(out io.Writer) *Writer {
	w := &Writer{out: out, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go w.loop()
	return w
}

// Write queues p (one log record) and returns without waiting for the output.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return w.direct(p)
	}
	w.pending = append(w.pending, p...)
	full := len(w.pending) >= maxPending
	w.mu.Unlock()
	if full {
		w.flush()
		return len(p), nil
	}
	select {
	case w.wake <- struct{}{}:
	default: // a batch is already gathering
	}
	return len(p), nil
}

// Close writes what is pending and makes later writes go straight to the output.
func (w *Writer) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return nil
	}
	w.closed = true
	w.mu.Unlock()
	close(w.wake)
	<-w.done
	w.flush()
	return nil
}

// loop writes one batch per wake-up, after letting the batch gather for Window.
func (w *Writer) loop() {
	defer close(w.done)
	for range w.wake {
		time.Sleep(Window)
		w.flush()
	}
}

// flush writes everything pending in one call; a failed write is dropped, as a log line
// cannot be logged anywhere else.
func (w *Writer) flush() {
	w.writeMu.Lock()
	defer w.writeMu.Unlock()
	w.mu.Lock()
	batch := w.pending
	w.pending = w.spare[:0]
	w.mu.Unlock()
	if len(batch) > 0 {
		_, _ = w.out.Write(batch)
	}
	w.spare = batch
}

func (w *Writer) direct(p []byte) (int, error) {
	w.writeMu.Lock()
	defer w.writeMu.Unlock()
	return w.out.Write(p)
}
