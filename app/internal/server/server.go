// Package server is the HTTP side of gin-app: the router, its middleware, and the process
// lifecycle (listen or take a systemd socket, serve, drain on SIGTERM).
package server

import (
	"log/slog"
	"net/http"
	"sync/atomic"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/gin-deploy/app/internal/version"
)

// Greeting is the body of GET /.
type Greeting struct {
	Message string `json:"message"`
}

// Hello is what GET / says; the benchmark's bare net/http server answers the same.
var Hello = Greeting{Message: "Hello from gin-app"}

type status struct {
	Status string `json:"status"`
}

// Server holds the router and the readiness flag that shutdown turns off.
type Server struct {
	engine  *gin.Engine
	metrics http.Handler
	ready   atomic.Bool
}

// New builds the router. Each Server has its own metrics registry, so tests can build many.
func New(info version.Info, logger *slog.Logger) *Server {
	s := &Server{engine: gin.New()}
	s.ready.Store(true)

	registry := prometheus.NewRegistry()
	registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		buildInfoGauge(info),
	)
	metrics := newRequestMetrics(registry)

	e := s.engine
	e.Use(requestID(), observe(logger, metrics), recovery(logger))
	e.NoRoute(func(c *gin.Context) {
		c.JSON(http.StatusNotFound, gin.H{"error": "not found", "path": c.Request.URL.Path})
	})

	// A pointer, so that the value is not copied into an interface on every request.
	e.GET("/", func(c *gin.Context) { c.JSON(http.StatusOK, &Hello) })
	e.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, status{"ok"}) })
	e.GET("/readyz", s.readyz)
	e.GET("/version", func(c *gin.Context) { c.JSON(http.StatusOK, info) })
	// /metrics is not a route of the public port: Run serves it on METRICS_ADDR (MetricsHandler).
	s.metrics = promhttp.HandlerFor(registry, promhttp.HandlerOpts{Registry: registry})
	registerDebugRoutes(e)
	return s
}

// Handler is the router as a plain http.Handler. Once shutdown began, every response carries
// "Connection: close": a keep-alive client then opens a new connection for its next request, which
// the next process (socket activation) or nobody answers, instead of having a request on an idle
// connection cut off by the drain.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.ready.Load() {
			w.Header().Set("Connection", "close")
		}
		s.engine.ServeHTTP(w, r)
	})
}

// MetricsHandler answers GET /metrics (Prometheus text) and nothing else; Run serves it apart
// from the public port.
func (s *Server) MetricsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", s.metrics)
	return mux
}

// SetNotReady makes /readyz answer 503 from now on; shutdown calls it first.
func (s *Server) SetNotReady() { s.ready.Store(false) }

func (s *Server) readyz(c *gin.Context) {
	if !s.ready.Load() {
		c.JSON(http.StatusServiceUnavailable, status{"shutting down"})
		return
	}
	c.JSON(http.StatusOK, status{"ready"})
}
