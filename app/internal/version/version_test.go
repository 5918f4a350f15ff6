package version

import (
	"runtime"
	"runtime/debug"
	"testing"
)

func TestStampWinsOverBuildInfo(t *testing.T) {
	bi := &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-x"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "aaaa"}, {Key: "vcs.time", Value: "2020-01-01T00:00:00Z"},
	}}
	got := resolve("v1.2.3", "bbbb", "2026-11-01T10:00:00Z", bi)
	want := Info{Version: "v1.2.3", Commit: "bbbb", Date: "2026-11-01T10:00:00Z",
		GoVersion: runtime.Version(), GOOS: runtime.GOOS, GOARCH: runtime.GOARCH}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestFallsBackToVCSDataWhenNotStamped(t *testing.T) {
	bi := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "cafe"}, {Key: "vcs.time", Value: "2026-10-01T00:00:00Z"}, {Key: "vcs.modified", Value: "true"},
	}}
	got := resolve("", "", "", bi)
	if got.Version != "dev" || got.Commit != "cafe-dirty" || got.Date != "2026-10-01T00:00:00Z" {
		t.Errorf("got %+v", got)
	}
}

func TestUnknownWithoutStampOrBuildInfo(t *testing.T) {
	got := resolve("", "", "", nil)
	if got.Version != "dev" || got.Commit != "unknown" || got.Date != "unknown" {
		t.Errorf("got %+v", got)
	}
}
