// Command pause is the local cluster's sandbox ("pause") container: it holds a pod's namespaces
// open and does nothing else. As PID 1 of a pod that shares its process namespace it reaps the
// orphans it inherits. It exits 0 on SIGTERM or SIGINT, as containerd expects when it stops a pod.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGCHLD)
	for sig := range sigs {
		if sig != syscall.SIGCHLD {
			os.Exit(0)
		}
		// Reap every child that has exited; -1 waits for any child, WNOHANG returns at once.
		for {
			var status syscall.WaitStatus
			pid, err := syscall.Wait4(-1, &status, syscall.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
		}
	}
}
