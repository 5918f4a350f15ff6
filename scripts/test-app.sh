#!/usr/bin/env bash
# npm run test:app — the Go service's checks: modules verified and tidy, gofmt, go vet (release and debug-route
# builds), and go test, which also builds the real binary and runs it (see app/process_test.go).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
go_bin="${GO:-/usr/local/go/bin/go}"
if [[ ! -x "$go_bin" ]]; then
  echo "test-app: Go not found at $go_bin; install Go 1.26.8 to /usr/local/go or set GO=/path/to/go" >&2
  exit 1
fi
go_dir="$(dirname "$go_bin")"
export PATH="$go_dir:$PATH"
# Build with the Go that is here; go.mod's go line refuses an older one with a clear message.
export GOTOOLCHAIN=local

cd "$repo_root/app"
go_version="$("$go_bin" version)"
echo "test-app: $go_version"
"$go_bin" mod download
"$go_bin" mod verify
# S9: go.mod and go.sum say exactly what the code needs (prints the difference otherwise).
"$go_bin" mod tidy -diff
unformatted="$("$go_dir/gofmt" -l .)"
if [[ -n "$unformatted" ]]; then
  echo "test-app: not gofmt-formatted (run gofmt -w on them):" >&2
  echo "$unformatted" >&2
  exit 1
fi
"$go_bin" vet ./...
"$go_bin" vet -tags debugroutes ./...
# One package at a time (-p 1): the process tests pick a free port, close it and start gin-app on
# it, and another package's httptest server (the same handler, /healthz 200) could take that port
# in between; the test would then talk to it while its own gin-app failed to bind.
"$go_bin" test -p 1 -count=1 ./...
