package healthcheck

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func env(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
}

func TestURLUsesLoopbackForWildcardHosts(t *testing.T) {
	for _, tc := range []struct {
		vars map[string]string
		want string
	}{
		{nil, "http://127.0.0.1:8080/healthz"},
		{map[string]string{"PORT": "9000", "HOST": "0.0.0.0"}, "http://127.0.0.1:9000/healthz"},
		{map[string]string{"PORT": "9000", "HOST": "::"}, "http://127.0.0.1:9000/healthz"},
		{map[string]string{"HOST": "127.0.0.2"}, "http://127.0.0.2:8080/healthz"},
		{map[string]string{"HOST": "::1"}, "http://[::1]:8080/healthz"},
	} {
		got, err := URL(env(tc.vars))
		if err != nil || got != tc.want {
			t.Errorf("URL(%v) = %q, %v; want %q", tc.vars, got, err, tc.want)
		}
	}
}

func portOf(t *testing.T, rawURL string) string {
	t.Helper()
	_, port, err := net.SplitHostPort(strings.TrimPrefix(rawURL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	return port
}

func TestExitsZeroWhenHealthy(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
		}
	}))
	defer ts.Close()
	vars := map[string]string{"HOST": "127.0.0.1", "PORT": portOf(t, ts.URL)}
	if code := Main(nil, env(vars), io.Discard, io.Discard); code != 0 {
		t.Errorf("exit code %d, want 0", code)
	}
}

func TestExitsOneWhenTheServiceAnswersAnError(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer ts.Close()
	var stderr strings.Builder
	vars := map[string]string{"HOST": "127.0.0.1", "PORT": portOf(t, ts.URL)}
	if code := Main(nil, env(vars), io.Discard, &stderr); code != 1 || !strings.Contains(stderr.String(), "503") {
		t.Errorf("exit code %d, stderr %q; want 1 and the status", code, stderr.String())
	}
}

func TestExitsOneWhenNothingListens(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := portOf(t, "http://"+l.Addr().String())
	l.Close()
	var stderr strings.Builder
	if code := Main(nil, env(map[string]string{"HOST": "127.0.0.1", "PORT": port}), io.Discard, &stderr); code != 1 {
		t.Errorf("exit code %d, want 1 (stderr %q)", code, stderr.String())
	}
}

func TestExitsTwoOnABadPort(t *testing.T) {
	var stderr strings.Builder
	if code := Main(nil, env(map[string]string{"PORT": "http"}), io.Discard, &stderr); code != 2 || !strings.Contains(stderr.String(), `PORT="http"`) {
		t.Errorf("exit code %d, stderr %q; want 2 naming PORT", code, stderr.String())
	}
}
