// Package healthcheck is the `gin-app healthcheck` subcommand: it probes the running service's
// /healthz so that a container HEALTHCHECK needs no shell, curl or wget in the image.
package healthcheck

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// URL is where the service on this machine answers, from the same HOST and PORT it reads.
// A wildcard or unset HOST means the loopback address.
func URL(lookup func(string) (string, bool)) (string, error) {
	port := 8080
	if v, ok := lookup("PORT"); ok && v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 65535 {
			return "", fmt.Errorf("invalid PORT=%q: must be a whole number from 1 to 65535", v)
		}
		port = n
	}
	host := "127.0.0.1"
	if v, ok := lookup("HOST"); ok && v != "" && v != "0.0.0.0" && v != "::" {
		host = v
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(port)) + "/healthz", nil
}

// Main runs the subcommand and returns the exit code: 0 healthy, 1 not, 2 bad usage.
func Main(args []string, lookup func(string) (string, bool), stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gin-app healthcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	timeout := fs.Duration("timeout", 3*time.Second, "how long to wait for the answer")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "gin-app healthcheck: unexpected argument %q (it takes only -timeout)\n", fs.Arg(0))
		return 2
	}
	url, err := URL(lookup)
	if err != nil {
		fmt.Fprintln(stderr, "gin-app healthcheck:", err)
		return 2
	}
	if err := probe(url, *timeout); err != nil {
		fmt.Fprintln(stderr, "gin-app healthcheck: unhealthy:", err)
		return 1
	}
	fmt.Fprintln(stdout, "gin-app healthcheck: ok", url)
	return 0
}

func probe(url string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	// No proxy: the probe must reach this machine's service, whatever HTTP_PROXY says.
	client := &http.Client{Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s answered %s", url, resp.Status)
	}
	return nil
}
