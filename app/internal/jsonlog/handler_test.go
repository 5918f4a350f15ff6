package jsonlog

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math"
	"strings"
	"sync"
	"testing"
	"time"
)

// secret stands for config.Secret: a LogValuer that must be resolved, never printed raw.
type secret string

func (secret) LogValue() slog.Value { return slog.StringValue("[REDACTED]") }

var when = time.Date(2026, 12, 1, 22, 3, 25, 123456789, time.UTC)

// both writes r through this handler and through slog.JSONHandler with the same options.
func both(t *testing.T, opts *slog.HandlerOptions, r slog.Record, derive func(slog.Handler) slog.Handler) (got, want string) {
	t.Helper()
	var g, w bytes.Buffer
	var ours, theirs slog.Handler = New(&g, opts), slog.NewJSONHandler(&w, opts)
	if derive != nil {
		ours, theirs = derive(ours), derive(theirs)
	}
	if err := ours.Handle(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	if err := theirs.Handle(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	return g.String(), w.String()
}

func record(level slog.Level, msg string, attrs ...slog.Attr) slog.Record {
	r := slog.NewRecord(when, level, msg, 0)
	r.AddAttrs(attrs...)
	return r
}

// The request line and its relatives take the fast path and come out as slog writes them.
func TestFastPathWritesWhatSlogWrites(t *testing.T) {
	cases := map[string]slog.Record{
		"request line": record(slog.LevelInfo, "request",
			slog.String("method", "GET"), slog.String("route", "/"), slog.Int("status", 200),
			slog.Int64("latencyUs", 17), slog.String("requestId", "Q2ZJ4TRW6L3X-1"),
			slog.String("remoteAddr", "127.0.0.1:51234")),
		"unmatched route at error level, seven attributes": record(slog.LevelError, "request",
			slog.String("method", "POST"), slog.String("route", "unmatched"), slog.Int("status", 503),
			slog.Int64("latencyUs", 0), slog.String("requestId", "x"), slog.String("remoteAddr", "[::1]:80"),
			slog.String("path", "/a b/ü/\u2028/\u2029/<script>&amp;")),
		"escapes": record(slog.LevelWarn, "quote \" backslash \\ tab \t nl \n cr \r nul \x00 bell \x07 us \x1f del \x7f",
			slog.String("bad utf-8", "a\xffb\xc3"), slog.String("emoji", "😀")),
		"numbers and booleans": record(slog.LevelDebug, "",
			slog.Int64("min", math.MinInt64), slog.Uint64("max", math.MaxUint64), slog.Bool("t", true),
			slog.Bool("f", false), slog.Int("zero", 0)),
		"custom level":   record(slog.LevelInfo+2, "between info and warn"),
		"no attributes":  record(slog.LevelInfo, "listening"),
		"duplicate keys": record(slog.LevelInfo, "m", slog.String("k", "1"), slog.String("k", "2")),
	}
	for name, r := range cases {
		t.Run(name, func(t *testing.T) {
			if !encodable(r) {
				t.Fatal("the fast path refuses this record")
			}
			got, want := both(t, &slog.HandlerOptions{Level: slog.LevelDebug}, r, nil)
			if got != want {
				t.Errorf("lines differ\n got %s\nwant %s", got, want)
			}
			// appendRecord itself, so that a fall back to slog could not hide a difference.
			if direct := string(appendRecord(nil, r)); direct != want {
				t.Errorf("appendRecord differs\n got %s\nwant %s", direct, want)
			}
		})
	}
}

// Everything else goes to slog's own encoder, so those lines cannot differ either.
func TestOtherRecordsAreSlogsOwnLines(t *testing.T) {
	cases := map[string]slog.Record{
		"any":       record(slog.LevelInfo, "listening", slog.Any("addrs", []string{"127.0.0.1:8080"})),
		"logvaluer": record(slog.LevelInfo, "config", slog.Any("password", secret("hunter2"))),
		"group":     record(slog.LevelInfo, "g", slog.Group("config", slog.String("a", "b"), slog.Int("n", 1))),
		"error":     record(slog.LevelError, "stopped", slog.Any("error", errors.New("boom"))),
		"float":     record(slog.LevelInfo, "f", slog.Float64("x", 0.1)),
		"duration":  record(slog.LevelInfo, "d", slog.Duration("delay", 1500*time.Millisecond)),
		"time":      record(slog.LevelInfo, "t", slog.Time("at", when)),
		"empty key": record(slog.LevelInfo, "e", slog.String("", "v")),
		"zero time": slog.NewRecord(time.Time{}, slog.LevelInfo, "no time", 0),
	}
	for name, r := range cases {
		t.Run(name, func(t *testing.T) {
			if encodable(r) {
				t.Fatal("the fast path takes a record it does not claim to encode")
			}
			if got, want := both(t, nil, r, nil); got != want {
				t.Errorf("lines differ\n got %s\nwant %s", got, want)
			}
		})
	}
	if got := string(must(both(t, nil, record(slog.LevelInfo, "s", slog.Any("p", secret("hunter2"))), nil))); strings.Contains(got, "hunter2") {
		t.Errorf("a LogValuer was printed raw: %s", got)
	}
}

func must(got, _ string) string { return got }

func TestDerivedHandlersAndOptionsMatchSlog(t *testing.T) {
	r := record(slog.LevelInfo, "request", slog.String("method", "GET"), slog.Int("status", 200))
	derivations := map[string]func(slog.Handler) slog.Handler{
		"WithAttrs": func(h slog.Handler) slog.Handler { return h.WithAttrs([]slog.Attr{slog.String("svc", "gin-app")}) },
		"WithGroup": func(h slog.Handler) slog.Handler { return h.WithGroup("http") },
	}
	for name, derive := range derivations {
		if got, want := both(t, nil, r, derive); got != want {
			t.Errorf("%s: lines differ\n got %s\nwant %s", name, got, want)
		}
	}
	upper := &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == "method" {
			a.Key = "verb"
		}
		return a
	}}
	if got, want := both(t, upper, r, nil); got != want || !strings.Contains(got, `"verb"`) {
		t.Errorf("ReplaceAttr: lines differ\n got %s\nwant %s", got, want)
	}
}

func TestEnabledFollowsTheLevel(t *testing.T) {
	h := New(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn})
	if h.Enabled(context.Background(), slog.LevelInfo) || !h.Enabled(context.Background(), slog.LevelWarn) {
		t.Error("want info off and warn on at LevelWarn")
	}
	if !New(io.Discard, nil).Enabled(context.Background(), slog.LevelInfo) {
		t.Error("want info on by default")
	}
}

// The request line costs no allocation once the buffer pool is warm.
func TestTheRequestLineDoesNotAllocate(t *testing.T) {
	h := New(io.Discard, nil)
	r := record(slog.LevelInfo, "request", slog.String("method", "GET"), slog.String("route", "/"),
		slog.Int("status", 200), slog.Int64("latencyUs", 17), slog.String("requestId", "id-1"))
	if n := testing.AllocsPerRun(1000, func() { _ = h.Handle(context.Background(), r) }); n != 0 {
		t.Errorf("%v allocations per line, want 0", n)
	}
}

// Any string and number come out as slog writes them (go test -fuzz=FuzzMatchesSlog to explore).
func FuzzMatchesSlog(f *testing.F) {
	for _, s := range []string{"", "plain", "\"\\\x00\x1f\x7f", "\xff\xfe", "\u2028\u2029", "ü😀", "<&>", "a\xc3"} {
		f.Add(s, s, int64(-1))
	}
	f.Fuzz(func(t *testing.T, msg, value string, n int64) {
		r := record(slog.LevelInfo, msg, slog.String("k", value), slog.Int64("n", n), slog.String(value+"k", msg))
		got, want := string(appendRecord(nil, r)), must(both(t, nil, r, nil))
		if got != want {
			t.Errorf("lines differ\n got %q\nwant %q", got, want)
		}
	})
}

func BenchmarkRequestLine(b *testing.B) {
	r := record(slog.LevelInfo, "request", slog.String("method", "GET"), slog.String("route", "/"),
		slog.Int("status", 200), slog.Int64("latencyUs", 17), slog.String("requestId", "Q2ZJ4TRW6L3X-1"),
		slog.String("remoteAddr", "127.0.0.1:51234"))
	for name, h := range map[string]slog.Handler{"jsonlog": New(io.Discard, nil), "slog": slog.NewJSONHandler(io.Discard, nil)} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = h.Handle(context.Background(), r)
			}
		})
	}
}

// plain8 agrees with the byte table on every byte in every position (the bit tricks' edge cases:
// 0x1f/0x20, 0x7f/0x80, '"' and '\\' beside plain bytes).
func TestPlain8AgreesWithTheTable(t *testing.T) {
	for pos := range 8 {
		for c := range 256 {
			x := []byte("abcdefgh")
			x[pos] = byte(c)
			want := c < len(plain) && plain[c]
			if got := plain8(string(x)); got != want {
				t.Errorf("plain8(%q) = %v, want %v", x, got, want)
			}
		}
	}
}

// lockedBuffer is a writer safe for concurrent use, as New requires.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// Lines logged from many goroutines at once (fast and slog paths mixed) come out whole: the
// pooled buffers are never shared between two lines.
func TestConcurrentLinesStayWhole(t *testing.T) {
	var out lockedBuffer
	logger := slog.New(New(&out, nil))
	const goroutines, lines = 8, 500
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range lines {
				if i%10 == 0 {
					logger.Info("slow", slog.Any("g", []int{g, i}))
				} else {
					logger.Info("fast", slog.Int("g", g), slog.Int("i", i), slog.String("pad", strings.Repeat("x", i%300)))
				}
			}
		}()
	}
	wg.Wait()
	got := strings.Split(strings.TrimSuffix(out.buf.String(), "\n"), "\n")
	if len(got) != goroutines*lines {
		t.Fatalf("%d lines, want %d", len(got), goroutines*lines)
	}
	for _, line := range got {
		if !json.Valid([]byte(line)) {
			t.Fatalf("torn line: %q", line)
		}
	}
}
