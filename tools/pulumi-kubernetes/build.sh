#!/usr/bin/env bash
# Builds the Pulumi Kubernetes provider (pulumi-resource-kubernetes) from the Go module proxy into a
# cache folder keyed by the pin, and prints the binary's folder on stdout (put it on PATH: the
# engine then uses this provider whatever version the SDK asks for). Builds only when missing.
#   bash tools/pulumi-kubernetes/build.sh            # build if needed, print the bin folder
#   bash tools/pulumi-kubernetes/build.sh --path     # print the bin folder only (no build)
#
# No registry here serves a provider binary, but the proxy serves the provider's Go module. Its
# go.mod replaces the SDK with ../sdk (a folder the module zip does not hold), and its main.go
# embeds a schema that `go generate` writes, so the module is built from a writable copy with
# that one replace line removed (the published SDK module is used instead).
set -euo pipefail

module="github.com/pulumi/pulumi-kubernetes/provider/v4"
module_version="v4.0.0-20260115033456-f47bc2d6f199"
# The version the provider and its schema report: the pseudo-version without its "v" (a valid
# semver), so the state records exactly which commit built it.
version="${module_version#v}"

cache_root="${GIN_DEPLOY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/gin-deploy}"
out_dir="$cache_root/pulumi-kubernetes-$version/bin"
binary="$out_dir/pulumi-resource-kubernetes"

if [[ "${1:-}" == "--path" ]]; then
  echo "$out_dir"
  exit 0
fi
if [[ -n "${1:-}" ]]; then
  echo "unknown argument '$1'; usage: bash tools/pulumi-kubernetes/build.sh [--path]" >&2
  exit 2
fi

if [[ -x "$binary" ]]; then
  echo "$out_dir"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "Building pulumi-resource-kubernetes $version needs Go (https://go.dev/dl/)." >&2
  exit 1
fi

mkdir -p "$out_dir"
exec 9>"$out_dir/.build.lock"
flock 9
# Another caller may have finished the build while this one waited for the lock.
if [[ -x "$binary" ]]; then
  echo "$out_dir"
  exit 0
fi

echo "Building pulumi-resource-kubernetes $version from the Go module proxy into $out_dir (about 10 minutes on a cold Go cache on 2 cores; once per pin)..." >&2
started=$(date +%s)
work="$(mktemp -d "${TMPDIR:-/tmp}/pulumi-kubernetes-build.XXXXXX")"
(
  while sleep 30; do
    now="$(date +%s)" || now="$started" # only a progress line
    echo "  ... still building pulumi-resource-kubernetes ($((now - started))s)" >&2
  done
) &
ticker=$!
trap 'kill "$ticker" 2>/dev/null || true; chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

src="$(go mod download -json "$module@$module_version" | awk -F'"' '$2 == "Dir" { print $4 }')"
if [[ -z "$src" || ! -f "$src/go.mod" ]]; then
  echo "go mod download $module@$module_version did not give a module folder; check that the Go module proxy is reachable (go env GOPROXY)." >&2
  exit 1
fi
# The module cache is read-only; build from a writable copy.
cp -R "$src/." "$work/"
chmod -R u+w "$work"
grep -q '^replace github.com/pulumi/pulumi-kubernetes/sdk/v4 => ../sdk$' "$work/go.mod" || {
  echo "$module@$module_version's go.mod no longer has the 'replace .../sdk/v4 => ../sdk' line this script removes; review tools/pulumi-kubernetes/build.sh." >&2
  exit 1
}
sed -i '\#^replace github.com/pulumi/pulumi-kubernetes/sdk/v4 => ../sdk$#d' "$work/go.mod"

tmp="$binary.tmp.$$"
(
  cd "$work"
  # The published SDK module is not in the copied go.sum (the replace hid it): let go add its
  # checksums, verified against the checksum database like any other download.
  export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=mod"
  (cd cmd/pulumi-resource-kubernetes && VERSION="$version" go generate ./main.go)
  CGO_ENABLED=0 go build -trimpath -o "$tmp" \
    -ldflags "-X $module/pkg/version.Version=$version" \
    ./cmd/pulumi-resource-kubernetes
)
mv -f "$tmp" "$binary"
elapsed=$(( $(date +%s) - started ))
echo "Built pulumi-resource-kubernetes $version in ${elapsed}s: $binary" >&2
built_at="$(date -u +%Y-%m-%dT%H:%M:%SZ)" || built_at="" # only a line in the build log
echo "$version ${elapsed}s $built_at" >> "$out_dir/build-times.txt"
echo "$out_dir"
