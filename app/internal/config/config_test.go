package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func env(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
}

func TestDefaultsBindAllInterfacesOnPort8080(t *testing.T) {
	cfg, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr() != "0.0.0.0:8080" {
		t.Errorf("Addr() = %q, want 0.0.0.0:8080 (S2: reachable from outside the host)", cfg.Addr())
	}
	if cfg.GinMode != "release" || cfg.LogLevel != slog.LevelInfo || cfg.ShutdownTimeout != 20*time.Second || cfg.ShutdownDelay != 0 {
		t.Errorf("unexpected defaults: %+v", cfg)
	}
}

func TestMetricsStayOnLoopbackByDefaultAndCanBeMovedOrTurnedOff(t *testing.T) {
	for value, want := range map[string]string{"": "127.0.0.1:9464", "0.0.0.0:9464": "0.0.0.0:9464", "[::1]:9100": "[::1]:9100", "off": ""} {
		cfg, err := Load(env(map[string]string{"METRICS_ADDR": value}))
		if err != nil || cfg.MetricsAddr != want {
			t.Errorf("METRICS_ADDR=%q: MetricsAddr = %q (%v), want %q", value, cfg.MetricsAddr, err, want)
		}
	}
}

func TestDatabaseDefaultsFollowTheEnvironment(t *testing.T) {
	for appEnv, want := range map[string]Database{
		"dev":        {Port: 5432, SSLMode: "disable", PoolSize: 5},
		"production": {Port: 5432, SSLMode: "require", PoolSize: 20},
	} {
		cfg, err := Load(env(map[string]string{"APP_ENV": appEnv}))
		if err != nil {
			t.Fatal(err)
		}
		if cfg.DB != want {
			t.Errorf("APP_ENV=%s: DB = %+v, want %+v", appEnv, cfg.DB, want)
		}
	}
}

func TestReadsEveryVariable(t *testing.T) {
	cfg, err := Load(env(map[string]string{
		"APP_ENV": "staging", "HOST": "127.0.0.1", "PORT": "9090", "LOG_LEVEL": "debug", "GIN_MODE": "debug",
		"DB_HOST": "db.internal", "DB_PORT": "6432", "DB_NAME": "orders", "DB_USER": "app_rw",
		"DB_PASSWORD": "pw", "DB_SSLMODE": "verify-full", "DB_POOL_SIZE": "12",
		"SHUTDOWN_TIMEOUT": "45s", "SHUTDOWN_DELAY": "5s", "METRICS_ADDR": "127.0.0.1:9191",
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		AppEnv: "staging", Host: "127.0.0.1", Port: 9090, LogLevel: slog.LevelDebug, GinMode: "debug",
		DB: Database{Host: "db.internal", Port: 6432, Name: "orders", User: "app_rw", Password: NewSecret("pw"),
			SSLMode: "verify-full", PoolSize: 12},
		ShutdownTimeout: 45 * time.Second, ShutdownDelay: 5 * time.Second, MetricsAddr: "127.0.0.1:9191",
	}
	if cfg != want {
		t.Errorf("got %+v\nwant %+v", cfg, want)
	}
	if cfg.DB.Password.Reveal() != "pw" {
		t.Error("Reveal() must return the password itself")
	}
}

// One bad value per variable: the error is one line naming the variable, the value and what is allowed.
func TestRefusesEachBadVariableWithOneLineNamingIt(t *testing.T) {
	cases := []struct {
		name, value, allowed string
		extra                map[string]string
	}{
		{"APP_ENV", "prodution", "allowed values are development, dev, local, test, staging, production, prod", nil},
		{"HOST", "http://0.0.0.0", "IP address", nil},
		{"PORT", "80800", "from 1 to 65535", nil},
		{"LOG_LEVEL", "verbose", "allowed values are debug, info, warn, error", nil},
		{"GIN_MODE", "prod", "allowed values are release, debug, test", nil},
		{"DB_HOST", "db host", "IP address", nil},
		{"DB_PORT", "abc", "from 1 to 65535", nil},
		{"DB_NAME", "orders;drop", "letters, digits", nil},
		{"DB_USER", "1user", "a letter or _ first", nil},
		{"DB_SSLMODE", "prefer", "allowed values are disable, require, verify-full", nil},
		{"DB_SSLMODE", "disable", "requires an encrypted connection", map[string]string{"APP_ENV": "prod"}},
		{"DB_POOL_SIZE", "0", "from 1 to 1000", nil},
		{"SHUTDOWN_TIMEOUT", "20", "Go duration", nil},
		{"SHUTDOWN_DELAY", "30s", "shorter than SHUTDOWN_TIMEOUT", nil},
		{"METRICS_ADDR", "9464", "HOST:PORT to listen on", nil},
		{"METRICS_ADDR", "127.0.0.1:0", "HOST:PORT to listen on", nil},
		{"METRICS_ADDR", "0.0.0.0:8080", "must differ from HOST:PORT", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name+"="+tc.value, func(t *testing.T) {
			vars := map[string]string{tc.name: tc.value}
			for k, v := range tc.extra {
				vars[k] = v
			}
			_, err := Load(env(vars))
			if err == nil {
				t.Fatalf("%s=%q was accepted", tc.name, tc.value)
			}
			msg := err.Error()
			want := fmt.Sprintf("invalid %s=%q: ", tc.name, tc.value)
			if !strings.HasPrefix(msg, want) || !strings.Contains(msg, tc.allowed) || strings.Contains(msg, "\n") {
				t.Errorf("error = %q, want one line starting %q and saying %q", msg, want, tc.allowed)
			}
		})
	}
}

func TestRefusedPasswordIsNotEchoed(t *testing.T) {
	_, err := Load(env(map[string]string{"DB_PASSWORD": "hunter2\nx"}))
	if err == nil {
		t.Fatal("a password with a newline was accepted")
	}
	if !strings.Contains(err.Error(), "DB_PASSWORD") || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error = %q, want it to name DB_PASSWORD without its value", err)
	}
}

func TestReportsEveryProblemOnItsOwnLine(t *testing.T) {
	_, err := Load(env(map[string]string{"PORT": "x", "LOG_LEVEL": "loud"}))
	if err == nil {
		t.Fatal("bad values accepted")
	}
	if lines := strings.Split(err.Error(), "\n"); len(lines) != 2 {
		t.Errorf("got %d lines, want 2: %q", len(lines), err)
	}
}

func TestEmptyVariableMeansDefault(t *testing.T) {
	cfg, err := Load(env(map[string]string{"PORT": "", "HOST": ""}))
	if err != nil || cfg.Addr() != "0.0.0.0:8080" {
		t.Errorf("got %q, %v; want the defaults", cfg.Addr(), err)
	}
}

func TestPasswordNeverAppearsInLogsOrFormatting(t *testing.T) {
	const password = "s3cr3t-Pa55"
	cfg, err := Load(env(map[string]string{"DB_HOST": "db", "DB_PASSWORD": password}))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	logger.Info("config", slog.Any("config", cfg))
	logger.Info("db", "db", cfg.DB, "password", cfg.DB.Password)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("config", "config", cfg, "db", cfg.DB)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		fmt.Fprintf(&buf, verb+"\n", cfg)
		fmt.Fprintf(&buf, verb+"\n", cfg.DB.Password)
	}
	j, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	buf.Write(j)
	if strings.Contains(buf.String(), password) {
		t.Fatalf("password leaked:\n%s", buf.String())
	}
	if !strings.Contains(buf.String(), `"password":"[REDACTED]"`) {
		t.Errorf("want the log to show that a password is set, as [REDACTED]:\n%s", buf.String())
	}
}
