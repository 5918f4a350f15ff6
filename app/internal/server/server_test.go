package server

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/gin-deploy/app/internal/jsonlog"
	"github.com/gin-deploy/app/internal/version"
)

var testInfo = version.Info{Version: "v1.2.3", Commit: "abc123", Date: "2026-11-01T00:00:00Z",
	GoVersion: "go1.26.8", GOOS: "linux", GOARCH: "amd64"}

func init() { gin.SetMode(gin.ReleaseMode) }

// newTestServer serves the router over real HTTP on loopback and captures its log lines.
func newTestServer(t *testing.T) (*Server, *httptest.Server, *logBuffer) {
	t.Helper()
	var logs logBuffer
	s := New(testInfo, slog.New(jsonlog.New(&logs, nil)))
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return s, ts, &logs
}

// logBuffer collects log lines; the handler writes from the server's goroutines (jsonlog takes
// no lock of its own), the test reads from its own.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *logBuffer) Len() int { return len(b.String()) }

func (b *logBuffer) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Reset()
}

func get(t *testing.T, url string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

func TestRootAnswersTheGreeting(t *testing.T) {
	_, ts, _ := newTestServer(t)
	resp, body := get(t, ts.URL+"/")
	if resp.StatusCode != 200 || body != `{"message":"Hello from gin-app"}` {
		t.Errorf("GET / = %d %s", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q", ct)
	}
}

func TestHealthzAnswersOK(t *testing.T) {
	_, ts, _ := newTestServer(t)
	resp, body := get(t, ts.URL+"/healthz")
	if resp.StatusCode != 200 || body != `{"status":"ok"}` {
		t.Errorf("GET /healthz = %d %s", resp.StatusCode, body)
	}
}

func TestReadyzTurns503OnceShutdownBegins(t *testing.T) {
	s, ts, _ := newTestServer(t)
	if resp, body := get(t, ts.URL+"/readyz"); resp.StatusCode != 200 || body != `{"status":"ready"}` {
		t.Fatalf("before shutdown: GET /readyz = %d %s", resp.StatusCode, body)
	}
	s.SetNotReady()
	if resp, _ := get(t, ts.URL+"/readyz"); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("after SetNotReady: GET /readyz = %d, want 503", resp.StatusCode)
	}
	if resp, _ := get(t, ts.URL+"/healthz"); resp.StatusCode != 200 {
		t.Errorf("liveness must stay 200 while draining, got %d", resp.StatusCode)
	}
}

func TestVersionAnswersTheBuildInfoWithTheAgreedKeys(t *testing.T) {
	_, ts, _ := newTestServer(t)
	resp, body := get(t, ts.URL+"/version")
	var got map[string]string
	if err := json.Unmarshal([]byte(body), &got); err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /version = %d %s (%v)", resp.StatusCode, body, err)
	}
	want := map[string]string{"version": "v1.2.3", "commit": "abc123", "date": "2026-11-01T00:00:00Z",
		"goVersion": "go1.26.8", "goos": "linux", "goarch": "amd64"}
	if len(got) != len(want) {
		t.Errorf("keys = %v, want exactly %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

// metricsServer serves s's /metrics apart from its public port, as Run does on METRICS_ADDR.
func metricsServer(t *testing.T, s *Server) *httptest.Server {
	t.Helper()
	ms := httptest.NewServer(s.MetricsHandler())
	t.Cleanup(ms.Close)
	return ms
}

func TestThePublicPortDoesNotServeMetrics(t *testing.T) {
	s, ts, _ := newTestServer(t)
	if resp, _ := get(t, ts.URL+"/metrics"); resp.StatusCode != 404 {
		t.Errorf("GET /metrics on the public port = %d, want 404", resp.StatusCode)
	}
	if resp, _ := get(t, metricsServer(t, s).URL+"/version"); resp.StatusCode != 404 {
		t.Errorf("GET /version on the metrics port = %d, want 404 (it serves /metrics only)", resp.StatusCode)
	}
}

func TestMetricsCountRequestsByRouteAndStatus(t *testing.T) {
	s, ts, _ := newTestServer(t)
	get(t, ts.URL+"/")
	get(t, ts.URL+"/")
	get(t, ts.URL+"/no/such/page")
	resp, body := get(t, metricsServer(t, s).URL+"/metrics")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /metrics = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, line := range []string{
		`http_requests_total{method="GET",route="/",status="200"} 2`,
		`http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`http_request_duration_seconds_count{method="GET",route="/",status="200"} 2`,
		`gin_app_build_info{commit="abc123",goversion="go1.26.8",version="v1.2.3"} 1`,
	} {
		if !strings.Contains(body, line+"\n") {
			t.Errorf("metrics lack %q", line)
		}
	}
}

func TestUnknownPathAnswersJSON404(t *testing.T) {
	_, ts, logs := newTestServer(t)
	resp, body := get(t, ts.URL+"/nope")
	if resp.StatusCode != 404 || body != `{"error":"not found","path":"/nope"}` {
		t.Errorf("GET /nope = %d %s", resp.StatusCode, body)
	}
	if !strings.Contains(logs.String(), `"route":"unmatched","status":404`) || !strings.Contains(logs.String(), `"path":"/nope"`) {
		t.Errorf("want the log line to name the unmatched path: %s", logs.String())
	}
}

func TestLogsOneJSONLinePerRequest(t *testing.T) {
	_, ts, logs := newTestServer(t)
	resp, _ := get(t, ts.URL+"/version", RequestIDHeader, "req-42")
	if got := resp.Header.Get(RequestIDHeader); got != "req-42" {
		t.Errorf("X-Request-ID echoed as %q, want req-42", got)
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("want 1 log line, got %d: %s", len(lines), logs)
	}
	var entry map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &entry); err != nil {
		t.Fatalf("log line is not JSON: %v: %s", err, lines[0])
	}
	for k, v := range map[string]any{"level": "INFO", "msg": "request", "method": "GET", "route": "/version",
		"status": float64(200), "requestId": "req-42"} {
		if entry[k] != v {
			t.Errorf("log %s = %v, want %v", k, entry[k], v)
		}
	}
	if _, ok := entry["latencyUs"].(float64); !ok {
		t.Errorf("log line lacks a numeric latencyUs: %s", lines[0])
	}
}

func TestMakesARequestIDWhenTheClientSendsNoneOrAnUnsafeOne(t *testing.T) {
	_, ts, logs := newTestServer(t)
	resp, _ := get(t, ts.URL+"/", RequestIDHeader, "bad id\" with quotes")
	id := resp.Header.Get(RequestIDHeader)
	if !validRequestID.MatchString(id) || strings.Contains(id, "bad") {
		t.Errorf("X-Request-ID = %q, want a fresh safe id", id)
	}
	if !strings.Contains(logs.String(), `"requestId":"`+id+`"`) {
		t.Errorf("log lacks the request id %q: %s", id, logs)
	}
}

func TestPanicBecomesA500ThatIsLoggedAndCounted(t *testing.T) {
	var logs logBuffer
	s := New(testInfo, slog.New(jsonlog.New(&logs, nil)))
	s.engine.GET("/boom", func(*gin.Context) { panic("kaboom") })
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	if resp, _ := get(t, ts.URL+"/boom"); resp.StatusCode != 500 {
		t.Errorf("GET /boom = %d, want 500", resp.StatusCode)
	}
	if !strings.Contains(logs.String(), `"level":"ERROR","msg":"request"`) || !strings.Contains(logs.String(), "kaboom") {
		t.Errorf("want the panic and an error-level request line in the log: %s", logs.String())
	}
	if _, body := get(t, metricsServer(t, s).URL+"/metrics"); !strings.Contains(body, `http_requests_total{method="GET",route="/boom",status="500"} 1`) {
		t.Error("the 500 is not counted")
	}
}

func TestAccessLogFollowsTheLevel(t *testing.T) {
	var logs logBuffer
	s := New(testInfo, slog.New(jsonlog.New(&logs, &slog.HandlerOptions{Level: slog.LevelWarn})))
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	get(t, ts.URL+"/")
	if logs.Len() != 0 {
		t.Errorf("LOG_LEVEL=warn must not log successful requests: %s", logs.String())
	}
}

// fieldsOf lists a JSON line's keys in order with the JSON type of each value.
func fieldsOf(t *testing.T, line string) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(line))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("log line is not a JSON object: %v: %s", err, line)
	}
	var fields []string
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		kind := "object"
		switch v.(type) {
		case string:
			kind = "string"
		case json.Number:
			kind = "number"
		case bool:
			kind = "bool"
		}
		fields = append(fields, key.(string)+":"+kind)
	}
	return fields
}

// The request line keeps the fields, order and types it had when slog.JSONHandler wrote it, so
// that whatever reads the logs reads them as before.
func TestRequestLineKeepsItsFieldsAndTypes(t *testing.T) {
	matched := []string{"time:string", "level:string", "msg:string", "method:string", "route:string",
		"status:number", "latencyUs:number", "requestId:string", "remoteAddr:string"}
	var logs logBuffer
	s := New(testInfo, slog.New(jsonlog.New(&logs, nil)))
	s.engine.GET("/boom", func(*gin.Context) { panic("kaboom") })
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	for _, tc := range []struct {
		path, level string
		want        []string
	}{
		{"/", "INFO", matched},
		{"/boom", "ERROR", matched},
		{"/nope", "INFO", append(append([]string{}, matched...), "path:string")},
	} {
		logs.Reset()
		get(t, ts.URL+tc.path)
		var line string
		for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
			if strings.Contains(l, `"msg":"request"`) {
				line = l
			}
		}
		if got := strings.Join(fieldsOf(t, line), " "); got != strings.Join(tc.want, " ") {
			t.Errorf("GET %s: request line fields\n got %s\nwant %s\nline %s", tc.path, got, strings.Join(tc.want, " "), line)
		}
		var entry struct{ Time, Level, RemoteAddr string }
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			t.Fatal(err)
		}
		if _, err := time.Parse(time.RFC3339Nano, entry.Time); err != nil {
			t.Errorf("GET %s: time %q is not RFC 3339: %v", tc.path, entry.Time, err)
		}
		if entry.Level != tc.level || !strings.HasPrefix(entry.RemoteAddr, "127.0.0.1:") {
			t.Errorf("GET %s: level %q remoteAddr %q, want %s from 127.0.0.1", tc.path, entry.Level, entry.RemoteAddr, tc.level)
		}
	}
}
