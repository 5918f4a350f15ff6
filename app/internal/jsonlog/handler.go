// Package jsonlog is gin-app's slog handler. It writes the same lines as slog.JSONHandler, byte
// for byte, but encodes the common case itself, without reflection: a record whose attributes
// are all strings, integers or booleans (the request line, one per request) on a handler without
// WithAttrs/WithGroup. Any other record (groups, LogValuers, errors, structs, floats, times)
// goes to a slog.JSONHandler on the same writer, so those lines come from slog itself.
//
// slog.JSONHandler spends most of a request line's cost on generic machinery (a Value switch
// per attribute through a callback, handler state, a deferred recover, a mutex and a buffer
// pool); this handler appends the known kinds straight into a pooled buffer.
package jsonlog

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

// Handler is a slog.Handler; build it with New.
type Handler struct {
	w     io.Writer
	level slog.Leveler
	// slow encodes whatever the fast path does not; derived handlers (WithAttrs, WithGroup)
	// use only it.
	slow slog.Handler
	fast bool
}

// New returns a handler writing one JSON object per line to w, each line in one Write call.
// Unlike slog.JSONHandler it takes no lock of its own (the shared lock cost a cache-line transfer
// between cores per line, on top of the sink's): w must be safe for concurrent use and keep each
// call's bytes together, as logsink.Writer and *os.File do; wrap anything else (a bytes.Buffer)
// in a mutex. Of opts only Level is honoured by the fast path; with AddSource or ReplaceAttr set
// every record takes the slog path.
func New(w io.Writer, opts *slog.HandlerOptions) *Handler {
	if opts == nil {
		opts = &slog.HandlerOptions{}
	}
	level := opts.Level
	if level == nil {
		level = slog.LevelInfo
	}
	return &Handler{
		w:     w,
		level: level,
		slow:  slog.NewJSONHandler(w, opts),
		fast:  !opts.AddSource && opts.ReplaceAttr == nil,
	}
}

// Enabled reports whether level is at or above the handler's level.
func (h *Handler) Enabled(_ context.Context, level slog.Level) bool {
	return level >= h.level.Level()
}

// WithAttrs returns a handler that adds attrs to every line (through slog's encoder).
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &Handler{w: h.w, level: h.level, slow: h.slow.WithAttrs(attrs)}
}

// WithGroup returns a handler that nests later attributes under name (through slog's encoder).
func (h *Handler) WithGroup(name string) slog.Handler {
	return &Handler{w: h.w, level: h.level, slow: h.slow.WithGroup(name)}
}

// Handle writes r as one line.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	if !h.fast || !encodable(r) {
		return h.slow.Handle(ctx, r)
	}
	bp := buffers.Get().(*[]byte)
	b := appendRecord((*bp)[:0], r)
	_, err := h.w.Write(b)
	if cap(b) <= maxPooled {
		*bp = b
		buffers.Put(bp)
	}
	return err
}

// buffers holds line buffers between records; a rare huge line is not kept.
var buffers = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

const maxPooled = 16 << 10

// encodable reports whether the fast path writes r exactly as slog.JSONHandler would.
func encodable(r slog.Record) bool {
	if r.Time.IsZero() || r.Time.Year() < 0 || r.Time.Year() >= 10000 {
		return false
	}
	ok := true
	r.Attrs(func(a slog.Attr) bool {
		switch a.Value.Kind() {
		case slog.KindString, slog.KindInt64, slog.KindUint64, slog.KindBool:
			// An empty key is where slog's rules get subtle (it drops empty attributes).
			ok = a.Key != ""
		default:
			ok = false
		}
		return ok
	})
	return ok
}

// appendRecord appends r as slog.JSONHandler writes it: time (RFC 3339 with nanoseconds, the
// monotonic reading dropped), level, msg, then the attributes in order, and a newline.
func appendRecord(b []byte, r slog.Record) []byte {
	b = append(b, `{"time":"`...)
	b = r.Time.Round(0).AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","level":`...)
	b = appendString(b, r.Level.String())
	b = append(b, `,"msg":`...)
	b = appendString(b, r.Message)
	r.Attrs(func(a slog.Attr) bool {
		b = append(b, ',')
		b = appendString(b, a.Key)
		b = append(b, ':')
		switch v := a.Value; v.Kind() {
		case slog.KindString:
			b = appendString(b, v.String())
		case slog.KindInt64:
			b = strconv.AppendInt(b, v.Int64(), 10)
		case slog.KindUint64:
			b = strconv.AppendUint(b, v.Uint64(), 10)
		case slog.KindBool:
			b = strconv.AppendBool(b, v.Bool())
		}
		return true
	})
	return append(b, "}\n"...)
}

// appendString appends s as a JSON string with slog's escaping: `"`, `\` and control
// characters escaped (\n, \r, \t by name, the rest as \u00XX), invalid UTF-8 replaced by
// \ufffd, U+2028 and U+2029 escaped; '<', '>' and '&' are left as they are.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if i+8 <= len(s) && plain8(s[i:i+8]) {
			i += 8
			continue
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if plain[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

const hex = "0123456789abcdef"

// plain8 reports whether all of x's eight bytes are plain ASCII, with the usual bit tricks
// (each test is exact about whether any byte matches): none below 0x20, none from 0x80 up, no
// '"' and no '\\'. Request lines are mostly such runs, so they are skipped eight bytes at a time.
func plain8(x string) bool {
	v := uint64(x[0]) | uint64(x[1])<<8 | uint64(x[2])<<16 | uint64(x[3])<<24 |
		uint64(x[4])<<32 | uint64(x[5])<<40 | uint64(x[6])<<48 | uint64(x[7])<<56
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	control := (v - ones*0x20) &^ v & highs
	quote, backslash := v^(ones*'"'), v^(ones*'\\')
	quotes := (quote - ones) &^ quote & highs
	backslashes := (backslash - ones) &^ backslash & highs
	return control|v&highs|quotes|backslashes == 0
}

// plain marks the ASCII bytes a JSON string holds as they are.
var plain = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = c >= 0x20 && c != '"' && c != '\\'
	}
	return t
}()
