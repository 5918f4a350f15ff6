package server

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-deploy/app/internal/jsonlog"
)

// BenchmarkRoot measures the router's own cost per GET / (middleware, logging, metrics),
// without the network: go test -run=^$ -bench=Root ./internal/server
func BenchmarkRoot(b *testing.B) {
	s := New(testInfo, slog.New(jsonlog.New(io.Discard, nil)))
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	b.ReportAllocs()
	for b.Loop() {
		s.Handler().ServeHTTP(httptest.NewRecorder(), req)
	}
}
