package server

import (
	"crypto/rand"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
)

// RequestIDHeader carries the request id in both directions (canonical form, so the header
// maps can be indexed directly).
const RequestIDHeader = "X-Request-Id"

// An incoming id is kept only if it is short and plain, so a client cannot inject into logs.
var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)

// requestID keeps a sane incoming X-Request-ID or makes one, and echoes it back. A made id is
// a random per-process prefix and a counter: unique without a random read per request.
func requestID() gin.HandlerFunc {
	prefix := rand.Text()[:12] + "-"
	var counter atomic.Uint64
	return func(c *gin.Context) {
		// Indexed directly: the key is canonical, so Header.Get's canonicalisation is wasted.
		var id string
		if v := c.Request.Header[RequestIDHeader]; len(v) > 0 && validRequestID.MatchString(v[0]) {
			id = v[0]
		} else {
			var b [64]byte
			id = string(strconv.AppendUint(append(b[:0], prefix...), counter.Add(1), 10))
		}
		// Kept in the response header only: the log reads it back from there.
		c.Writer.Header()[RequestIDHeader] = []string{id}
		c.Next()
	}
}

// requestIDOf is the id requestID chose for this request.
func requestIDOf(c *gin.Context) string {
	if v := c.Writer.Header()[RequestIDHeader]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// unmatchedRoute labels requests that matched no route (404s).
const unmatchedRoute = "unmatched"

// route is the matched route pattern, never the raw path, so logs and metrics stay bounded.
func route(c *gin.Context) string {
	if r := c.FullPath(); r != "" {
		return r
	}
	return unmatchedRoute
}

// observe times each request once and reports it twice: one JSON log line (5xx at error
// level, everything else at info) and the Prometheus series of its method, route and status.
// The line goes to the handler directly, as slog.Logger.LogAttrs would send it, minus the
// caller's program counter (which no handler here prints, and which costs a stack walk) and
// slog's own clock reading: the line's time is the end of the request, start plus latency.
func observe(logger *slog.Logger, metrics *requestMetrics) gin.HandlerFunc {
	handler := logger.Handler()
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		// A monotonic reading only (time.Now reads the wall clock as well): the line's time is
		// derived from it.
		elapsed := time.Since(start)
		end := start.Add(elapsed)
		status := c.Writer.Status()
		route := route(c)
		metrics.record(c.Request.Method, route, status, elapsed)

		level := slog.LevelInfo
		if status >= http.StatusInternalServerError {
			level = slog.LevelError
		}
		ctx := c.Request.Context()
		if !handler.Enabled(ctx, level) {
			return
		}
		attrs := [...]slog.Attr{
			slog.String("method", c.Request.Method),
			slog.String("route", route),
			slog.Int("status", status),
			// Whole microseconds: slog writes floats through encoding/json, which costs more.
			slog.Int64("latencyUs", elapsed.Microseconds()),
			slog.String("requestId", requestIDOf(c)),
			slog.String("remoteAddr", c.Request.RemoteAddr),
			{}, // path, for unmatched routes
		}
		n := len(attrs) - 1
		if route == unmatchedRoute {
			// The path says what was asked for; for matched routes the route says it already.
			attrs[n] = slog.String("path", c.Request.URL.Path)
			n++
		}
		r := slog.NewRecord(end, level, "request", 0)
		r.AddAttrs(attrs[:n]...)
		_ = handler.Handle(ctx, r)
	}
}

// recovery turns a panic into a logged 500 instead of a dropped connection.
func recovery(logger *slog.Logger) gin.HandlerFunc {
	return gin.CustomRecoveryWithWriter(nil, func(c *gin.Context, err any) {
		logger.LogAttrs(c.Request.Context(), slog.LevelError, "panic",
			slog.Any("error", err),
			slog.String("route", route(c)),
			slog.String("requestId", requestIDOf(c)),
		)
		c.AbortWithStatusJSON(http.StatusInternalServerError, gin.H{"error": "internal error"})
	})
}
