// Command gin-app is the Gin service that gin-deploy builds and deploys.
//
//	gin-app               serve (configuration from environment variables, see internal/config)
//	gin-app healthcheck   probe the running service's /healthz; exit 0 healthy, 1 not
//	gin-app version       print the build's version information as JSON
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/gin-gonic/gin"

	"github.com/gin-deploy/app/internal/config"
	"github.com/gin-deploy/app/internal/healthcheck"
	"github.com/gin-deploy/app/internal/jsonlog"
	"github.com/gin-deploy/app/internal/logsink"
	"github.com/gin-deploy/app/internal/server"
	appversion "github.com/gin-deploy/app/internal/version"
)

// Stamped at link time: -ldflags "-X main.version=V -X main.commit=C -X main.date=D".
var (
	version string
	commit  string
	date    string
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	info := appversion.Resolve(version, commit, date)
	if len(args) > 0 {
		switch args[0] {
		case "healthcheck":
			return healthcheck.Main(args[1:], os.LookupEnv, os.Stdout, os.Stderr)
		case "version":
			_ = json.NewEncoder(os.Stdout).Encode(info)
			return 0
		default:
			fmt.Fprintf(os.Stderr, "gin-app: unknown command %q: use no argument to serve, or healthcheck, or version\n", args[0])
			return 2
		}
	}

	cfg, err := config.Load(os.LookupEnv)
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(os.Stderr, "gin-app: %s\n", line)
		}
		return 2
	}
	// Lines gather in the sink and reach stdout in batches under load; Close flushes the rest.
	sink := logsink.New(os.Stdout)
	defer sink.Close()
	// slog.JSONHandler's lines, with the request line encoded without reflection.
	logger := slog.New(jsonlog.New(sink, &slog.HandlerOptions{Level: cfg.LogLevel}))
	slog.SetDefault(logger)
	gin.SetMode(cfg.GinMode)
	// Gin's own debug output would break the one-JSON-object-per-line stdout.
	gin.DefaultWriter = io.Discard

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // a second signal during the drain stops the process at once
	}()

	if err := server.Run(ctx, cfg, info, logger); err != nil {
		logger.Error("gin-app stopped", slog.String("error", err.Error()))
		return 1
	}
	return 0
}
