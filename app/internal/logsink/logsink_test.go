package logsink

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// recorder is an output that counts its write calls.
type recorder struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	writes int
}

func (r *recorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.writes++
	return r.buf.Write(p)
}

func (r *recorder) snapshot() (string, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.buf.String(), r.writes
}

func TestALineReachesTheOutputWithinTheWindowWithoutClose(t *testing.T) {
	out := &recorder{}
	w := New(out)
	defer w.Close()
	fmt.Fprintln(w, `{"msg":"one"}`)
	deadline := time.Now().Add(Window + time.Second)
	for time.Now().Before(deadline) {
		if got, _ := out.snapshot(); got == "{\"msg\":\"one\"}\n" {
			return
		}
		time.Sleep(time.Millisecond)
	}
	got, _ := out.snapshot()
	t.Fatalf("output %q a second after the window", got)
}

func TestConcurrentLinesStayWholeInOrderPerWriterAndShareWrites(t *testing.T) {
	out := &recorder{}
	w := New(out)
	const writers, lines = 8, 2000
	var wg sync.WaitGroup
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range lines {
				fmt.Fprintf(w, "g%d line %d\n", g, i)
			}
		}()
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, writes := out.snapshot()
	next := make([]int, writers)
	all := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	for _, line := range all {
		var g, i int
		if _, err := fmt.Sscanf(line, "g%d line %d", &g, &i); err != nil || i != next[g] {
			t.Fatalf("line %q out of order or torn (want g%d line %d)", line, g, next[g])
		}
		next[g]++
	}
	if len(all) != writers*lines {
		t.Fatalf("got %d lines, want %d", len(all), writers*lines)
	}
	if writes >= writers*lines/10 {
		t.Errorf("%d writes for %d lines: lines are not batched", writes, writers*lines)
	}
}

func TestWritesAfterCloseGoStraightThrough(t *testing.T) {
	out := &recorder{}
	w := New(out)
	w.Close()
	fmt.Fprintln(w, "late")
	if got, _ := out.snapshot(); got != "late\n" {
		t.Errorf("output %q, want the late line", got)
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestAFullBufferIsWrittenAtOnce(t *testing.T) {
	out := &recorder{}
	w := New(out)
	defer w.Close()
	big := bytes.Repeat([]byte("x"), maxPending)
	w.Write(big)
	if got, _ := out.snapshot(); len(got) != maxPending {
		t.Errorf("after a full buffer the output holds %d bytes, want %d at once", len(got), maxPending)
	}
}
