// Package config reads the service's settings from environment variables, once, at start.
// Every bad value is refused with one line naming the variable, the value and what is allowed.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Config is the validated configuration of one process.
type Config struct {
	AppEnv   string
	Host     string
	Port     int
	LogLevel slog.Level
	GinMode  string
	DB       Database
	// ShutdownTimeout bounds how long in-flight requests may run after SIGTERM.
	ShutdownTimeout time.Duration
	// ShutdownDelay keeps accepting (with /readyz answering 503) before the listener closes,
	// so that a load balancer probing readiness stops sending traffic first. Zero under
	// systemd socket activation: the socket stays open in systemd and queues connections
	// for the next process.
	ShutdownDelay time.Duration
	// MetricsAddr is where /metrics is served, apart from the public port: loopback by default,
	// so only the host (or a scraper given another address) reads it. Empty: not served.
	MetricsAddr string
}

// Database holds the database settings of S12. The service does not open a connection itself
// yet; it validates them so that a bad deploy fails at start, not at the first query.
type Database struct {
	Host     string
	Port     int
	Name     string
	User     string
	Password Secret
	SSLMode  string
	PoolSize int
}

// Configured reports whether a database was given at all (DB_HOST set).
func (d Database) Configured() bool { return d.Host != "" }

// Allowed values, in the order the error messages list them.
var (
	AppEnvs   = []string{"development", "dev", "local", "test", "staging", "production", "prod"}
	LogLevels = []string{"debug", "info", "warn", "error"}
	GinModes  = []string{"release", "debug", "test"}
	SSLModes  = []string{"disable", "require", "verify-full"}
)

const (
	maxPoolSize        = 1000
	maxShutdownTimeout = 10 * time.Minute
	// DefaultMetricsAddr keeps /metrics on the machine: the public port never serves it.
	DefaultMetricsAddr = "127.0.0.1:9464"
)

var (
	// A DNS name or an IP literal; no scheme, port or spaces.
	hostPattern = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$`)
	// PostgreSQL identifiers as deploy tooling writes them: letters, digits, _ and -.
	identPattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]{0,62}$`)
)

// IsProduction reports whether APP_ENV names a production environment.
func (c Config) IsProduction() bool { return c.AppEnv == "production" || c.AppEnv == "prod" }

// Addr is the HOST:PORT to bind when no socket is passed in.
func (c Config) Addr() string { return net.JoinHostPort(c.Host, strconv.Itoa(c.Port)) }

// LogValue lets the whole configuration be logged at start; the password shows only as redacted.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("appEnv", c.AppEnv),
		slog.String("host", c.Host),
		slog.Int("port", c.Port),
		slog.String("logLevel", strings.ToLower(c.LogLevel.String())),
		slog.String("ginMode", c.GinMode),
		slog.String("shutdownTimeout", c.ShutdownTimeout.String()),
		slog.String("shutdownDelay", c.ShutdownDelay.String()),
		slog.String("metricsAddr", c.MetricsAddr),
		slog.Any("db", c.DB),
	)
}

// LogValue of the database settings; Password is a Secret and redacts itself.
func (d Database) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("host", d.Host),
		slog.Int("port", d.Port),
		slog.String("name", d.Name),
		slog.String("user", d.User),
		slog.Any("password", d.Password),
		slog.String("sslMode", d.SSLMode),
		slog.Int("poolSize", d.PoolSize),
	)
}

// Load reads and validates the configuration. lookup is os.LookupEnv in production.
// An empty variable counts as unset. All problems are reported, one line each.
func Load(lookup func(string) (string, bool)) (Config, error) {
	r := reader{lookup: lookup}
	cfg := Config{
		AppEnv:          r.oneOf("APP_ENV", "production", AppEnvs),
		Host:            r.host("HOST", "0.0.0.0"),
		Port:            r.intRange("PORT", 8080, 1, 65535),
		GinMode:         r.oneOf("GIN_MODE", "release", GinModes),
		ShutdownTimeout: r.duration("SHUTDOWN_TIMEOUT", 20*time.Second, time.Second, maxShutdownTimeout),
		ShutdownDelay:   r.duration("SHUTDOWN_DELAY", 0, 0, maxShutdownTimeout),
		MetricsAddr:     r.listenAddr("METRICS_ADDR", DefaultMetricsAddr),
	}
	if cfg.MetricsAddr != "" && !r.failed("HOST") && !r.failed("PORT") && cfg.MetricsAddr == cfg.Addr() {
		r.fail("METRICS_ADDR", cfg.MetricsAddr, "must differ from HOST:PORT: /metrics is kept off the public port")
	}
	cfg.LogLevel = map[string]slog.Level{
		"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError,
	}[r.oneOf("LOG_LEVEL", "info", LogLevels)]

	defaultSSLMode, defaultPool := "disable", 5
	if cfg.IsProduction() {
		defaultSSLMode, defaultPool = "require", 20
	}
	cfg.DB = Database{
		Host:     r.host("DB_HOST", ""),
		Port:     r.intRange("DB_PORT", 5432, 1, 65535),
		Name:     r.ident("DB_NAME"),
		User:     r.ident("DB_USER"),
		Password: r.password("DB_PASSWORD"),
		SSLMode:  r.oneOf("DB_SSLMODE", defaultSSLMode, SSLModes),
		PoolSize: r.intRange("DB_POOL_SIZE", defaultPool, 1, maxPoolSize),
	}
	if cfg.IsProduction() && cfg.DB.SSLMode == "disable" && !r.failed("APP_ENV") {
		r.fail("DB_SSLMODE", "disable", fmt.Sprintf("APP_ENV=%s requires an encrypted connection: use require or verify-full", cfg.AppEnv))
	}
	if raw, set := r.get("SHUTDOWN_DELAY"); set && cfg.ShutdownDelay >= cfg.ShutdownTimeout && !r.failed("SHUTDOWN_TIMEOUT") {
		r.fail("SHUTDOWN_DELAY", raw, fmt.Sprintf("must be shorter than SHUTDOWN_TIMEOUT (%s)", cfg.ShutdownTimeout))
	}
	if err := errors.Join(r.errs...); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// reader collects every problem instead of stopping at the first one.
type reader struct {
	lookup func(string) (string, bool)
	errs   []error
	bad    []string // variables already reported
}

func (r *reader) failed(name string) bool { return slices.Contains(r.bad, name) }

func (r *reader) get(name string) (string, bool) {
	v, ok := r.lookup(name)
	if !ok || v == "" {
		return "", false
	}
	return v, true
}

// fail records one line: the variable, its value (quoted) and what is allowed.
func (r *reader) fail(name, value, allowed string) {
	r.bad = append(r.bad, name)
	r.errs = append(r.errs, fmt.Errorf("invalid %s=%q: %s", name, value, allowed))
}

func (r *reader) oneOf(name, def string, allowed []string) string {
	v, ok := r.get(name)
	if !ok {
		return def
	}
	if !slices.Contains(allowed, v) {
		r.fail(name, v, "allowed values are "+strings.Join(allowed, ", "))
		return def
	}
	return v
}

func (r *reader) intRange(name string, def, lo, hi int) int {
	v, ok := r.get(name)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		r.fail(name, v, fmt.Sprintf("must be a whole number from %d to %d", lo, hi))
		return def
	}
	return n
}

func (r *reader) duration(name string, def, lo, hi time.Duration) time.Duration {
	v, ok := r.get(name)
	if !ok {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < lo || d > hi {
		r.fail(name, v, fmt.Sprintf("must be a Go duration (like 20s or 1m) from %s to %s", lo, hi))
		return def
	}
	return d
}

func (r *reader) host(name, def string) string {
	v, ok := r.get(name)
	if !ok {
		return def
	}
	if net.ParseIP(v) == nil && !hostPattern.MatchString(v) {
		r.fail(name, v, "must be an IP address (0.0.0.0 for all interfaces) or a host name, without scheme or port")
		return def
	}
	return v
}

// listenAddr is HOST:PORT to listen on, or "off" (returned as "") for nothing.
func (r *reader) listenAddr(name, def string) string {
	v, ok := r.get(name)
	if !ok {
		return def
	}
	if v == "off" {
		return ""
	}
	host, port, err := net.SplitHostPort(v)
	n, perr := strconv.Atoi(port)
	if err != nil || perr != nil || n < 1 || n > 65535 || (host != "" && net.ParseIP(host) == nil && !hostPattern.MatchString(host)) {
		r.fail(name, v, "must be HOST:PORT to listen on (e.g. 127.0.0.1:9464, or 0.0.0.0:9464 for a scraper on the network), or off")
		return def
	}
	return v
}

func (r *reader) ident(name string) string {
	v, ok := r.get(name)
	if !ok {
		return ""
	}
	if !identPattern.MatchString(v) {
		r.fail(name, v, "must be 1 to 63 characters: a letter or _ first, then letters, digits, _ or -")
		return ""
	}
	return v
}

// password never echoes the value, not even in its own error message.
func (r *reader) password(name string) Secret {
	v, ok := r.get(name)
	if !ok {
		return Secret{}
	}
	if strings.ContainsFunc(v, func(c rune) bool { return c < 0x20 || c == 0x7f }) {
		r.bad = append(r.bad, name)
		r.errs = append(r.errs, fmt.Errorf("invalid %s (value hidden): must not contain control characters such as newlines", name))
		return Secret{}
	}
	return NewSecret(v)
}
