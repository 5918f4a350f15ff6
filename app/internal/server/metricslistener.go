package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"syscall"
	"time"
)

// metricsRetry is how often a taken metrics address is tried again.
const metricsRetry = time.Second

// serveMetrics serves h on addr until ctx ends. The address may still be held by the process
// this one replaces (a release starts the new process before the old one stops), so a taken
// address is retried until it is free, rather than failing the start; any other error is logged
// and /metrics stays off. It returns once the listener is closed.
func serveMetrics(ctx context.Context, addr string, h http.Handler, logger *slog.Logger) {
	var l net.Listener
	for {
		var err error
		l, err = net.Listen("tcp", addr)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EADDRINUSE) {
			logger.Error("metrics not served", slog.String("metricsAddr", addr), slog.String("error", err.Error()))
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(metricsRetry):
		}
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: readHeaderTimeout, ReadTimeout: readTimeout, WriteTimeout: writeTimeout}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	logger.Info("metrics listening", slog.String("metricsAddr", l.Addr().String()))
	if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
		logger.Error("metrics stopped", slog.String("error", err.Error()))
	}
}
