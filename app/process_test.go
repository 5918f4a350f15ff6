package main

// Process-level tests: they build the real binary, as a release is built (static, -trimpath,
// stamped), and run it as systemd or Docker would.

import (
	"bufio"
	"bytes"
	"context"
	"debug/elf"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

const (
	stampVersion = "v9.8.7-test"
	stampCommit  = "0123456789abcdef0123456789abcdef01234567"
	stampDate    = "2026-11-27T01:02:03Z"
	// execWithListenPID asks the test binary to re-exec itself into gin-app with LISTEN_PID set to
	// its own pid, which exec keeps: the same trick as systemd-socket-activate.
	execWithListenPID = "GIN_APP_TEST_EXEC_WITH_LISTEN_PID"
)

var (
	releaseBinary string // as shipped
	debugBinary   string // the same, plus the /debug/slow route (-tags debugroutes)
)

func TestMain(m *testing.M) {
	if target := os.Getenv(execWithListenPID); target != "" {
		env := []string{"LISTEN_PID=" + strconv.Itoa(os.Getpid())}
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, execWithListenPID+"=") {
				env = append(env, kv)
			}
		}
		err := syscall.Exec(target, []string{target}, env)
		fmt.Fprintln(os.Stderr, "exec:", err)
		os.Exit(127)
	}
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "gin-app-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	releaseBinary = filepath.Join(dir, "gin-app")
	debugBinary = filepath.Join(dir, "gin-app-debug")
	for bin, tags := range map[string]string{releaseBinary: "", debugBinary: "debugroutes"} {
		if err := build(bin, tags); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	return m.Run()
}

func build(out, tags string) error {
	ldflags := fmt.Sprintf("-s -w -X main.version=%s -X main.commit=%s -X main.date=%s", stampVersion, stampCommit, stampDate)
	cmd := exec.Command("go", "build", "-trimpath", "-tags="+tags, "-ldflags", ldflags, "-o", out, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, b)
	}
	return nil
}

// freePort returns a loopback port that was free a moment ago; never a fixed one, since other
// services run on this machine.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// proc is a running gin-app with its output captured.
type proc struct {
	cmd    *exec.Cmd
	out    *syncBuffer
	done   chan struct{}
	exitOK bool
	err    error
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func start(t *testing.T, cmd *exec.Cmd) *proc {
	t.Helper()
	p := &proc{cmd: cmd, out: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("gin-app output:\n%s", p.out)
		}
	})
	return p
}

// serve runs a binary bound to a fresh loopback port with extra environment variables.
func serve(t *testing.T, binary string, env ...string) (*proc, string) {
	t.Helper()
	port := freePort(t)
	cmd := exec.Command(binary)
	cmd.Env = append([]string{"HOST=127.0.0.1", "PORT=" + strconv.Itoa(port), "PATH=/usr/bin:/bin"}, env...)
	p := start(t, cmd)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	waitHealthy(t, p, base)
	return p, base
}

func waitHealthy(t *testing.T, p *proc, base string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			t.Fatalf("gin-app exited early: %v\n%s", p.err, p.out)
		default:
		}
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("gin-app not healthy at %s within 10s", base)
}

// wait returns the exit code, failing the test if the process outlives timeout.
func (p *proc) wait(t *testing.T, timeout time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
		return p.cmd.ProcessState.ExitCode()
	case <-time.After(timeout):
		t.Fatalf("gin-app still running after %s", timeout)
		return -1
	}
}

func (p *proc) signal(t *testing.T, sig os.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
}

func getBody(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestBinaryIsStatic(t *testing.T) {
	f, err := elf.Open(releaseBinary)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("binary has a %s segment: it is dynamically linked (build with CGO_ENABLED=0)", p.Type)
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("binary needs shared libraries %v", libs)
	}
}

func TestServesTheStampedVersion(t *testing.T) {
	_, base := serve(t, releaseBinary)
	code, body := getBody(t, base+"/version")
	var got map[string]string
	if err := json.Unmarshal([]byte(body), &got); err != nil || code != 200 {
		t.Fatalf("GET /version = %d %s", code, body)
	}
	if got["version"] != stampVersion || got["commit"] != stampCommit || got["date"] != stampDate {
		t.Errorf("GET /version = %s, want the -ldflags stamp %s %s %s", body, stampVersion, stampCommit, stampDate)
	}
	if got["goos"] != "linux" || !strings.HasPrefix(got["goVersion"], "go") {
		t.Errorf("GET /version = %s", body)
	}
}

func TestVersionSubcommandPrintsTheStamp(t *testing.T) {
	out, err := exec.Command(releaseBinary, "version").Output()
	if err != nil || !strings.Contains(string(out), `"version":"`+stampVersion+`"`) {
		t.Errorf("gin-app version = %s, %v", out, err)
	}
}

func TestBadConfigurationExitsNonZeroWithOneLineNamingTheVariable(t *testing.T) {
	cmd := exec.Command(releaseBinary)
	cmd.Env = []string{"PORT=99999"}
	out, err := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); err == nil || code != 2 {
		t.Fatalf("exit code %d, want 2", code)
	}
	want := `gin-app: invalid PORT="99999": must be a whole number from 1 to 65535` + "\n"
	if string(out) != want {
		t.Errorf("output %q, want %q", out, want)
	}
}

func TestPasswordNeverReachesTheOutput(t *testing.T) {
	const password = "Pa55-w0rd-never-logged"
	metrics := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	p, base := serve(t, releaseBinary, "DB_HOST=db.internal", "DB_USER=app", "DB_PASSWORD="+password, "LOG_LEVEL=debug", "METRICS_ADDR="+metrics)
	for _, url := range []string{base + "/", base + "/version", base + "/readyz", waitMetrics(t, metrics)} {
		if _, body := getBody(t, url); strings.Contains(body, password) {
			t.Errorf("GET %s shows the password", url)
		}
	}
	p.signal(t, syscall.SIGTERM)
	p.wait(t, 10*time.Second)
	out := p.out.String()
	if strings.Contains(out, password) {
		t.Errorf("the password is in the output:\n%s", out)
	}
	if !strings.Contains(out, `"password":"[REDACTED]"`) {
		t.Errorf("want the start-up line to show the password as [REDACTED]:\n%s", out)
	}
}

// waitMetrics returns the /metrics URL on addr once it answers 200.
func waitMetrics(t *testing.T, addr string) string {
	t.Helper()
	url := "http://" + addr + "/metrics"
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return url
			}
		}
	}
	t.Fatalf("no /metrics at %s within 10s", addr)
	return ""
}

// /metrics is served on METRICS_ADDR only; a process started while another still holds that
// address (a release's overlap) serves the public port at once and takes /metrics over once the
// old one has stopped.
func TestMetricsAreServedOnTheirOwnAddressNotThePublicPort(t *testing.T) {
	metrics := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	old, oldBase := serve(t, releaseBinary, "METRICS_ADDR="+metrics)
	if status, _ := getBody(t, oldBase+"/metrics"); status != 404 {
		t.Errorf("GET /metrics on the public port = %d, want 404", status)
	}
	if _, body := getBody(t, waitMetrics(t, metrics)); !strings.Contains(body, "gin_app_build_info{") {
		t.Errorf("METRICS_ADDR %s does not serve the metrics: %.200s", metrics, body)
	}
	next, _ := serve(t, releaseBinary, "METRICS_ADDR="+metrics)
	old.signal(t, syscall.SIGTERM)
	old.wait(t, 10*time.Second)
	waitMetrics(t, metrics)
	if !strings.Contains(next.out.String(), `"msg":"metrics listening"`) {
		t.Errorf("the second process did not take the metrics address over:\n%s", next.out)
	}
}

func TestEveryLogLineIsJSON(t *testing.T) {
	p, base := serve(t, releaseBinary, "GIN_MODE=debug")
	getBody(t, base+"/")
	p.signal(t, syscall.SIGTERM)
	p.wait(t, 10*time.Second)
	sc := bufio.NewScanner(strings.NewReader(p.out.String()))
	n := 0
	for sc.Scan() {
		n++
		if !json.Valid(sc.Bytes()) {
			t.Errorf("not a JSON line: %s", sc.Text())
		}
	}
	if n < 3 {
		t.Errorf("want start, request and shutdown lines, got %d", n)
	}
}

// With stdout on a file, as in production, the batched log writer loses no request line when
// SIGTERM arrives right after the last answer (its batch still pending), and no line is torn.
func TestEveryRequestLineReachesTheFileOnSIGTERM(t *testing.T) {
	logPath := filepath.Join(t.TempDir(), "gin-app.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	port := freePort(t)
	cmd := exec.Command(releaseBinary)
	cmd.Env = []string{"HOST=127.0.0.1", "PORT=" + strconv.Itoa(port), "PATH=/usr/bin:/bin"}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, out: &syncBuffer{}, done: make(chan struct{})}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = cmd.Process.Kill()
			<-p.done
		}
	})
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	waitHealthy(t, p, base)

	// Own client, so that its idle connections can be closed and the drain is quick: the last
	// lines are then logged within the sink's batching window before the exit.
	client := &http.Client{Transport: &http.Transport{}}
	var answered atomic.Int64
	var clients sync.WaitGroup
	until := time.Now().Add(300 * time.Millisecond)
	for range 8 {
		clients.Add(1)
		go func() {
			defer clients.Done()
			for time.Now().Before(until) {
				resp, err := client.Get(base + "/")
				if err != nil {
					t.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					answered.Add(1)
				}
			}
		}()
	}
	clients.Wait()
	client.CloseIdleConnections()
	p.signal(t, syscall.SIGTERM)
	if code := p.wait(t, 10*time.Second); code != 0 {
		t.Errorf("exit code %d, want 0", code)
	}

	data, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(data, []byte("\n")) {
		t.Errorf("the log file ends inside a line: %q", data[max(0, len(data)-200):])
	}
	logged, last := 0, ""
	for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		var entry struct{ Msg, Route string }
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			t.Fatalf("torn or non-JSON line %q: %v", line, err)
		}
		if entry.Msg == "request" && entry.Route == "/" {
			logged++
		}
		last = entry.Msg
	}
	if last != "shutdown complete" {
		t.Errorf("the last line is %q, want the one logged just before the exit, \"shutdown complete\"; the file ends: %s", last, data[max(0, len(data)-600):])
	}
	if answered.Load() < 100 || int64(logged) != answered.Load() {
		t.Errorf("%d requests answered, %d request lines in the file: want every one logged", answered.Load(), logged)
	}
}

func TestDebugRoutesAreNotInTheRelease(t *testing.T) {
	_, base := serve(t, releaseBinary)
	if code, _ := getBody(t, base+"/debug/slow?ms=1"); code != 404 {
		t.Errorf("GET /debug/slow = %d on the release binary, want 404", code)
	}
}

// slowRequest starts GET /debug/slow?ms=N and returns once its handler runs (the route sends
// its headers first); the channel reports the status and body at the end.
func slowRequest(t *testing.T, base string, ms int) <-chan string {
	t.Helper()
	run, res := make(chan struct{}), make(chan string, 1)
	go func() {
		resp, err := http.Get(fmt.Sprintf("%s/debug/slow?ms=%d", base, ms))
		if err != nil {
			close(run)
			res <- "error: " + err.Error()
			return
		}
		defer resp.Body.Close()
		close(run)
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			res <- "error: " + err.Error()
			return
		}
		res <- fmt.Sprintf("%d %s", resp.StatusCode, b)
	}()
	select {
	case <-run:
	case <-time.After(5 * time.Second):
		t.Fatal("the slow request did not start within 5s")
	}
	return res
}

func TestShutdownLetsInFlightRequestsFinishWhileReadinessIs503(t *testing.T) {
	p, base := serve(t, debugBinary, "SHUTDOWN_DELAY=1500ms", "SHUTDOWN_TIMEOUT=10s")
	slow := slowRequest(t, base, 2500)
	sent := time.Now()
	p.signal(t, syscall.SIGTERM)

	// During the delay the listener still accepts: readiness says 503, liveness 200.
	time.Sleep(100 * time.Millisecond)
	if code, body := getBody(t, base+"/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("GET /readyz after SIGTERM = %d %s, want 503", code, body)
	}
	if code, _ := getBody(t, base+"/healthz"); code != 200 {
		t.Errorf("GET /healthz during the drain = %d, want 200", code)
	}

	if got := <-slow; got != `200 {"sleptMs":2500}` {
		t.Errorf("in-flight request after SIGTERM: %s, want it to complete with 200", got)
	}
	if code := p.wait(t, 10*time.Second); code != 0 {
		t.Errorf("exit code %d after a clean drain, want 0", code)
	}
	if took := time.Since(sent); took > 5*time.Second {
		t.Errorf("shutdown took %s, want it to end soon after the last request", took)
	}
}

func TestShutdownClosesTheListenerAndIdleConnectionsAtOnce(t *testing.T) {
	p, base := serve(t, debugBinary)
	// An idle keep-alive connection must not hold the process up.
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	resp, err := client.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()

	slow := slowRequest(t, base, 1500)
	p.signal(t, syscall.SIGTERM)
	time.Sleep(200 * time.Millisecond)
	// No delay configured (the systemd case): new connections are refused by now.
	if _, err := net.DialTimeout("tcp", strings.TrimPrefix(base, "http://"), time.Second); err == nil {
		t.Error("the listener still accepts after SIGTERM with SHUTDOWN_DELAY unset")
	}
	if got := <-slow; !strings.HasPrefix(got, "200 ") {
		t.Errorf("in-flight request: %s, want 200", got)
	}
	if code := p.wait(t, 3*time.Second); code != 0 {
		t.Errorf("exit code %d, want 0", code)
	}
}

func TestShutdownGivesUpAfterTheTimeout(t *testing.T) {
	p, base := serve(t, debugBinary, "SHUTDOWN_TIMEOUT=1s")
	slow := slowRequest(t, base, 20000)
	sent := time.Now()
	p.signal(t, syscall.SIGTERM)
	code := p.wait(t, 5*time.Second)
	if code != 1 {
		t.Errorf("exit code %d when requests were cut off, want 1", code)
	}
	if took := time.Since(sent); took < time.Second || took > 3*time.Second {
		t.Errorf("stopped after %s, want about SHUTDOWN_TIMEOUT=1s", took)
	}
	if got := <-slow; !strings.HasPrefix(got, "error: ") {
		t.Errorf("the 20 s request cannot have completed: %s", got)
	}
	if !strings.Contains(p.out.String(), "SHUTDOWN_TIMEOUT=1s") {
		t.Errorf("want the log to say the timeout cut requests off:\n%s", p.out)
	}
}

func TestSIGINTAlsoShutsDownCleanly(t *testing.T) {
	p, _ := serve(t, releaseBinary)
	p.signal(t, syscall.SIGINT)
	if code := p.wait(t, 5*time.Second); code != 0 {
		t.Errorf("exit code %d, want 0", code)
	}
}

func TestHealthcheckSubcommandExitCodes(t *testing.T) {
	_, base := serve(t, releaseBinary)
	port := strings.TrimPrefix(base, "http://127.0.0.1:")

	healthy := exec.Command(releaseBinary, "healthcheck")
	healthy.Env = []string{"PORT=" + port}
	if out, err := healthy.CombinedOutput(); err != nil {
		t.Errorf("healthcheck against a running server: %v\n%s", err, out)
	}

	nothing := exec.Command(releaseBinary, "healthcheck")
	nothing.Env = []string{"PORT=" + strconv.Itoa(freePort(t))}
	out, _ := nothing.CombinedOutput()
	if code := nothing.ProcessState.ExitCode(); code != 1 {
		t.Errorf("healthcheck with nothing listening: exit %d, want 1\n%s", code, out)
	}
}

// activated starts gin-app the way systemd does for a .socket unit: the listening socket as
// fd 3, LISTEN_FDS=1, LISTEN_PID = the service's own pid, and NOTIFY_SOCKET for sd_notify.
func activated(t *testing.T, l *net.TCPListener, notifySocket string, env ...string) *proc {
	t.Helper()
	f, err := l.File()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self)
	cmd.ExtraFiles = []*os.File{f}
	cmd.Env = append([]string{
		execWithListenPID + "=" + releaseBinary,
		"LISTEN_FDS=1", "LISTEN_FDNAMES=gin-app.socket", "NOTIFY_SOCKET=" + notifySocket,
	}, env...)
	return start(t, cmd)
}

// notifyListener is the service manager's end of NOTIFY_SOCKET.
func notifyListener(t *testing.T) (string, <-chan string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "notify.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	msgs := make(chan string, 16)
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				return
			}
			msgs <- string(buf[:n])
		}
	}()
	return path, msgs
}

func expectNotify(t *testing.T, msgs <-chan string, want string) {
	t.Helper()
	select {
	case got := <-msgs:
		if got != want {
			t.Errorf("sd_notify sent %q, want %q", got, want)
		}
	case <-time.After(10 * time.Second):
		t.Errorf("no sd_notify %q within 10s", want)
	}
}

func TestServesOnTheSocketSystemdPassesAndNotifiesReadiness(t *testing.T) {
	l, err := net.ListenTCP("tcp", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	// PORT names a port that is taken: binding it would fail, so serving proves the fd was used.
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	notifyPath, msgs := notifyListener(t)
	p := activated(t, l, notifyPath, "HOST=127.0.0.1", "PORT="+strconv.Itoa(taken.Addr().(*net.TCPAddr).Port))

	expectNotify(t, msgs, "READY=1")
	base := "http://" + l.Addr().String()
	if code, body := getBody(t, base+"/version"); code != 200 || !strings.Contains(body, stampVersion) {
		t.Errorf("GET /version on the passed socket = %d %s", code, body)
	}
	p.signal(t, syscall.SIGTERM)
	expectNotify(t, msgs, "STOPPING=1")
	if code := p.wait(t, 5*time.Second); code != 0 {
		t.Errorf("exit code %d, want 0", code)
	}
	if !strings.Contains(p.out.String(), `"socketActivated":true`) {
		t.Errorf("want the start-up line to say it was socket activated:\n%s", p.out)
	}
}

// The zero-downtime restart systemd gives a socket-activated service: between the old process
// exiting and the new one starting, connections wait in the socket's backlog; none is refused.
func TestRestartOnTheSameSocketLosesNoRequest(t *testing.T) {
	l, err := net.ListenTCP("tcp", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	notifyPath, msgs := notifyListener(t)
	base := "http://" + l.Addr().String()

	old := activated(t, l, notifyPath)
	expectNotify(t, msgs, "READY=1")
	old.signal(t, syscall.SIGTERM)
	if code := old.wait(t, 5*time.Second); code != 0 {
		t.Fatalf("old process exit code %d", code)
	}
	expectNotify(t, msgs, "STOPPING=1")

	// Sent while no process serves: the kernel queues it on the socket systemd (here: the test) holds.
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	queued := make(chan string, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/", nil)
		resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
		if err != nil {
			queued <- "error: " + err.Error()
			return
		}
		defer resp.Body.Close()
		queued <- resp.Status
	}()
	time.Sleep(300 * time.Millisecond)

	activated(t, l, notifyPath)
	expectNotify(t, msgs, "READY=1")
	if got := <-queued; got != "200 OK" {
		t.Errorf("request sent between the two processes: %s, want 200 OK", got)
	}
}

func TestRefusesActivationMeantForAnotherProcess(t *testing.T) {
	cmd := exec.Command(releaseBinary)
	cmd.Env = []string{"LISTEN_FDS=1", "LISTEN_PID=1"}
	out, _ := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(string(out), "no listening stream socket was passed") {
		t.Errorf("exit %d, output %s; want 1 and an explanation", code, out)
	}
}

// strictClient sends GET / over keep-alive connections the way a load generator does: it never
// resends a request, so one cut off by a restart counts as lost. It opens a new connection only
// when the server answered "Connection: close" (or at the start).
func strictClient(addr string, stop <-chan struct{}, served, lost *atomic.Int64) {
	var conn net.Conn
	var reader *bufio.Reader
	for {
		select {
		case <-stop:
			if conn != nil {
				conn.Close()
			}
			return
		default:
		}
		if conn == nil {
			c, err := net.DialTimeout("tcp", addr, 5*time.Second)
			if err != nil {
				lost.Add(1)
				time.Sleep(10 * time.Millisecond)
				continue
			}
			conn, reader = c, bufio.NewReader(c)
		}
		_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
		resp, err := func() (*http.Response, error) {
			if _, err := io.WriteString(conn, "GET / HTTP/1.1\r\nHost: gin-app\r\n\r\n"); err != nil {
				return nil, err
			}
			return http.ReadResponse(reader, nil)
		}()
		if err != nil {
			lost.Add(1)
			conn.Close()
			conn = nil
			continue
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			served.Add(1)
		} else {
			lost.Add(1)
		}
		if resp.Close {
			conn.Close()
			conn = nil
		}
	}
}

// Restarting under a steady keep-alive load, as `systemctl restart` does to the socket-activated
// service, answers every request: none is cut off on an idle connection or refused.
func TestRestartUnderKeepAliveLoadLosesNoRequest(t *testing.T) {
	l, err := net.ListenTCP("tcp", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	notifyPath, msgs := notifyListener(t)
	old := activated(t, l, notifyPath)
	expectNotify(t, msgs, "READY=1")

	var served, lost atomic.Int64
	stop := make(chan struct{})
	var clients sync.WaitGroup
	for range 4 {
		clients.Add(1)
		go func() { defer clients.Done(); strictClient(l.Addr().String(), stop, &served, &lost) }()
	}
	time.Sleep(300 * time.Millisecond)
	before := served.Load()

	old.signal(t, syscall.SIGTERM)
	if code := old.wait(t, 10*time.Second); code != 0 {
		t.Errorf("old process exit code %d", code)
	}
	activated(t, l, notifyPath)
	time.Sleep(500 * time.Millisecond)
	close(stop)
	clients.Wait()

	if lost.Load() != 0 {
		t.Errorf("%d requests lost across the restart (%d served)", lost.Load(), served.Load())
	}
	if before == 0 || served.Load() <= before {
		t.Errorf("served %d before the restart and %d in all: the load did not run across it", before, served.Load())
	}
}
