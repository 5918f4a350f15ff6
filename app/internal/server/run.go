package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/coreos/go-systemd/v22/daemon"

	"github.com/gin-deploy/app/internal/config"
	"github.com/gin-deploy/app/internal/version"
)

// Timeouts of the HTTP server: slow or idle clients cannot hold connections forever.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 120 * time.Second
)

// Run serves until ctx is cancelled (SIGTERM/SIGINT), then shuts down gracefully: /readyz
// turns 503, systemd hears STOPPING=1, the listeners close after cfg.ShutdownDelay, open
// connections get up to idleGrace to finish (answered with "Connection: close"), then Shutdown
// closes idle ones and waits for in-flight requests, all within cfg.ShutdownTimeout.
// It returns nil after a clean drain.
func Run(ctx context.Context, cfg config.Config, info version.Info, logger *slog.Logger) error {
	listeners, activated, err := listen(cfg)
	if err != nil {
		return err
	}
	s := New(info, logger)
	var open atomic.Int64
	srv := NewHTTPServer(s.Handler(), logger)
	srv.ConnState = countConnections(&open)

	serveErr := make(chan error, len(listeners))
	addrs := make([]string, 0, len(listeners))
	for _, l := range listeners {
		addrs = append(addrs, l.Addr().String())
		go func(l net.Listener) { serveErr <- srv.Serve(l) }(l)
	}
	// The metrics listener closes when shutdown begins, so the next process can take its address.
	metricsCtx, stopMetrics := context.WithCancel(ctx)
	defer stopMetrics()
	if cfg.MetricsAddr != "" {
		go serveMetrics(metricsCtx, cfg.MetricsAddr, s.MetricsHandler(), logger)
	}
	logger.Info("listening", slog.Any("addrs", addrs), slog.Bool("socketActivated", activated),
		slog.String("version", info.Version), slog.Any("config", cfg))
	notify(logger, daemon.SdNotifyReady)

	select {
	case err := <-serveErr:
		// Serve returns only on failure before shutdown.
		_ = srv.Close()
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}

	s.SetNotReady()
	notify(logger, daemon.SdNotifyStopping)
	logger.Info("shutdown started", slog.String("delay", cfg.ShutdownDelay.String()), slog.String("timeout", cfg.ShutdownTimeout.String()))
	time.Sleep(cfg.ShutdownDelay)

	drainCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	// http.Server.Shutdown drops a request it reads after shutdown began (and closes idle
	// keep-alive connections a client may be sending on), so drain before calling it: stop
	// accepting (under socket activation new connections wait in the kernel for the next
	// process), let open connections finish with "Connection: close" (see Handler), and give idle
	// ones a short grace to send a last request or go away.
	for _, l := range listeners {
		_ = l.Close()
	}
	waitForConnections(drainCtx, &open, idleGrace)
	if err := srv.Shutdown(drainCtx); err != nil {
		_ = srv.Close()
		if errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("shutdown: requests still in flight after SHUTDOWN_TIMEOUT=%s were cut off", cfg.ShutdownTimeout)
		}
		return fmt.Errorf("shutdown: %w", err)
	}
	logger.Info("shutdown complete")
	return nil
}

// NewHTTPServer wraps a handler in the http.Server settings gin-app runs with. The benchmark's
// bare net/http baseline uses it too, so that only the handlers differ.
func NewHTTPServer(h http.Handler, logger *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

// idleGrace bounds how long the drain waits for open connections to close by themselves.
const idleGrace = 2 * time.Second

// countConnections keeps open up to date with the connections the server holds.
func countConnections(open *atomic.Int64) func(net.Conn, http.ConnState) {
	return func(_ net.Conn, state http.ConnState) {
		switch state {
		case http.StateNew:
			open.Add(1)
		case http.StateClosed, http.StateHijacked:
			open.Add(-1)
		}
	}
}

// waitForConnections returns once no connection is open, after grace, or when ctx ends.
func waitForConnections(ctx context.Context, open *atomic.Int64, grace time.Duration) {
	deadline := time.NewTimer(grace)
	defer deadline.Stop()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for open.Load() > 0 {
		select {
		case <-ctx.Done():
			return
		case <-deadline.C:
			return
		case <-tick.C:
		}
	}
}

// notify tells systemd about a state change when it asked for it (NOTIFY_SOCKET is set).
func notify(logger *slog.Logger, state string) {
	if _, err := daemon.SdNotify(false, state); err != nil {
		logger.Warn("sd_notify failed", slog.String("state", state), slog.String("error", err.Error()))
	}
}
