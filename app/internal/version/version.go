// Package version describes the running build: the stamp given at link time (S7), or else
// what the Go toolchain recorded about the source tree.
package version

import (
	"runtime"
	"runtime/debug"
)

// Info is what GET /version answers.
type Info struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	Date      string `json:"date"`
	GoVersion string `json:"goVersion"`
	GOOS      string `json:"goos"`
	GOARCH    string `json:"goarch"`
}

const unknown = "unknown"

// Resolve combines the link-time stamp (main.version, main.commit, main.date; empty when not
// stamped) with the build information embedded by the toolchain.
func Resolve(stampedVersion, stampedCommit, stampedDate string) Info {
	bi, _ := debug.ReadBuildInfo()
	return resolve(stampedVersion, stampedCommit, stampedDate, bi)
}

func resolve(stampedVersion, stampedCommit, stampedDate string, bi *debug.BuildInfo) Info {
	info := Info{
		Version:   stampedVersion,
		Commit:    stampedCommit,
		Date:      stampedDate,
		GoVersion: runtime.Version(),
		GOOS:      runtime.GOOS,
		GOARCH:    runtime.GOARCH,
	}
	if bi != nil {
		settings := map[string]string{}
		for _, s := range bi.Settings {
			settings[s.Key] = s.Value
		}
		if info.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			info.Version = bi.Main.Version
		}
		if info.Commit == "" {
			info.Commit = settings["vcs.revision"]
			if info.Commit != "" && settings["vcs.modified"] == "true" {
				info.Commit += "-dirty"
			}
		}
		if info.Date == "" {
			info.Date = settings["vcs.time"]
		}
	}
	if info.Version == "" {
		info.Version = "dev"
	}
	if info.Commit == "" {
		info.Commit = unknown
	}
	if info.Date == "" {
		info.Date = unknown
	}
	return info
}
