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
exec 9>"$out_dir/.build.lock"
flock 9
# Another caller may have finished the build while this one waited for the lock.
if [[ -x "$binary" ]]; then
  install_nodejs_shim
  echo "$binary"
  exit 0
fi

echo "Building the Pulumi CLI $version from the Go module proxy into $out_dir (a few minutes on a cold Go cache; once per pin)..." >&2
started=$(date +%s)
(
  while sleep 15; do
    now=$(date +%s)
    echo "  ... still building the Pulumi CLI ($(( now - started ))s)" >&2
  done
) &
ticker=$!
trap 'kill "$ticker" 2>/dev/null || true' EXIT

tmp="$binary.tmp.$$"
(
  cd "$module_dir"
  go build -trimpath -o "$tmp" \
    -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
)
mv -f "$tmp" "$binary"
install_nodejs_shim
elapsed=$(( $(date +%s) - started ))
echo "Built the Pulumi CLI $version in ${elapsed}s: $binary" >&2
built_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
echo "$version ${elapsed}s $built_at" >> "$out_dir/build-times.txt"
echo "$binary"
