#!/usr/bin/env bash
# Builds the pinned Pulumi CLI from the Go module proxy into a cache folder keyed by the pin,
# and prints the binary's path on stdout. Builds only when that binary is missing.
#   bash tools/pulumi-cli/build.sh            # build if needed, print the path
#   bash tools/pulumi-cli/build.sh --path     # print the path only (no build)
set -euo pipefail

module_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
version="$(awk '$1 == "require" && $2 == "github.com/pulumi/pulumi/pkg/v3" { print $3 } $1 == "github.com/pulumi/pulumi/pkg/v3" { print $2 }' "$module_dir/go.mod" | head -n1)"
if [[ -z "$version" ]]; then
  echo "tools/pulumi-cli/go.mod does not require github.com/pulumi/pulumi/pkg/v3; restore the require line." >&2
  exit 1
fi

cache_root="${GIN_DEPLOY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/gin-deploy}"
out_dir="$cache_root/pulumi-$version/bin"
binary="$out_dir/pulumi"

if [[ "${1:-}" == "--path" ]]; then
  echo "$binary"
  exit 0
fi

# The engine runs dynamic providers (the stack's reachability check) through the
# pulumi-resource-pulumi-nodejs shim, which official CLIs ship next to the binary: take it from
# the same SDK version's module (in the Go module cache once the CLI was built).
install_nodejs_shim() {
  local shim="$out_dir/pulumi-resource-pulumi-nodejs" source dir
  [[ -x "$shim" ]] && return 0
  dir=$(cd "$module_dir" && go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3) || return 1
  source="$dir/nodejs/dist/pulumi-resource-pulumi-nodejs"
  [[ -f "$source" ]] || { echo "no $source in the Go module cache: cannot install the dynamic-provider shim" >&2; return 1; }
  install -m 0755 "$source" "$shim"
}

if [[ -x "$binary" ]]; then
  install_nodejs_shim
  echo "$binary"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "Building the Pulumi CLI $version needs Go (https://go.dev/dl/), or put a pulumi CLI on PATH (https://www.pulumi.com/docs/install/)." >&2
  exit 1
fi

mkdir -p "$out_dir"
log_file="$out_dir/build.log"
echo "Building the Pulumi CLI $version from the Go module proxy, about 6 minutes once (no pulumi on PATH;" >&2
echo "  later runs use the build in $out_dir). Go's output goes to $log_file." >&2
exec 9>"$out_dir/.build.lock"
if ! flock -n 9; then
  echo "  another build of the same CLI is running; waiting for it..." >&2
  flock 9
fi
# Another caller may have finished the build while this one waited for the lock.
if [[ -x "$binary" ]]; then
  install_nodejs_shim
  echo "$binary"
  exit 0
fi

started=$(date +%s)
# The ticker waits on its sleep so that a TERM ends it at once (a bare `sleep 15` would outlive it
# and hold the caller's stderr open for up to 15 s).
(
  trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
  while :; do
    sleep 15 &
    sleeper=$!
    wait "$sleeper"
    now=$(date +%s)
    modules=$(grep -c '^go: downloading ' "$log_file" 2>/dev/null || true)
    echo "  ... still building the Pulumi CLI ($(( now - started ))s; ${modules:-0} modules downloaded so far)" >&2
  done
) &
ticker=$!
trap 'kill "$ticker" 2>/dev/null || true' EXIT

tmp="$binary.tmp.$$"
# Go's output (hundreds of "go: downloading ..." lines on a cold cache) goes to the log, not into
# the message of whatever command needed the CLI; on failure the log's path and its last lines
# that are not downloads are shown.
status=0
(
  cd "$module_dir"
  go build -trimpath -o "$tmp" \
    -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
) >"$log_file" 2>&1 || status=$?
if [[ $status -ne 0 ]]; then
  rm -f "$tmp"
  now=$(date +%s)
  echo "The Go build of the Pulumi CLI $version failed (exit $status) after $(( now - started ))s. Its last lines:" >&2
  grep -v -E '^go: (downloading|finding|extracting) ' "$log_file" | tail -n 8 | sed 's/^/  | /' >&2 || true
  echo "  the whole output: $log_file" >&2
  echo "  (it needs the Go module proxy, proxy.golang.org or GOPROXY; or put a pulumi CLI on PATH: https://www.pulumi.com/docs/install/)" >&2
  exit 1
fi
mv -f "$tmp" "$binary"
install_nodejs_shim
elapsed=$(( $(date +%s) - started ))
echo "Built the Pulumi CLI $version in ${elapsed}s: $binary" >&2
built_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
echo "$version ${elapsed}s $built_at" >> "$out_dir/build-times.txt"
echo "$binary"
