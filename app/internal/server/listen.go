package server

import (
	"fmt"
	"net"
	"os"

	"github.com/coreos/go-systemd/v22/activation"

	"github.com/gin-deploy/app/internal/config"
)

// listen returns the sockets to serve on: the ones systemd passed (socket activation, the
// LISTEN_FDS protocol) or else a fresh one bound to HOST:PORT. activated tells which.
func listen(cfg config.Config) (listeners []net.Listener, activated bool, err error) {
	if fds := os.Getenv("LISTEN_FDS"); fds != "" {
		pid := os.Getenv("LISTEN_PID")
		passed, err := activation.Listeners()
		if err != nil {
			return nil, true, fmt.Errorf("socket activation: %w", err)
		}
		for _, l := range passed {
			if l != nil {
				listeners = append(listeners, l)
			}
		}
		if len(listeners) == 0 {
			// Binding HOST:PORT instead would collide with the socket systemd holds.
			return nil, true, fmt.Errorf("socket activation: LISTEN_FDS=%s and LISTEN_PID=%s were set, "+
				"but no listening stream socket was passed to this process (pid %d): "+
				"start gin-app from a .socket unit with ListenStream= and Accept=no, or unset LISTEN_FDS",
				fds, pid, os.Getpid())
		}
		return listeners, true, nil
	}
	l, err := net.Listen("tcp", cfg.Addr())
	if err != nil {
		return nil, false, fmt.Errorf("listen on %s (from HOST and PORT): %w", cfg.Addr(), err)
	}
	return []net.Listener{l}, false, nil
}
