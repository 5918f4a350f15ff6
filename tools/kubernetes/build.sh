#!/usr/bin/env bash
# Builds the pinned Kubernetes binaries (kube-apiserver, kube-controller-manager, kube-scheduler,
# kubelet, kube-proxy, kubectl) from the Go module proxy into a cache folder keyed by the pin, and
# prints the bin folder on stdout. Builds only when one of them is missing.
#   bash tools/kubernetes/build.sh            # build if needed, print the bin folder
#   bash tools/kubernetes/build.sh --path     # print the bin folder only (no build)
set -euo pipefail

module_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
version="$(awk '$1 == "require" && $2 == "k8s.io/kubernetes" { print $3 } $1 == "k8s.io/kubernetes" && $2 ~ /^v/ { print $2 }' "$module_dir/go.mod" | head -n1)"
if [[ -z "$version" ]]; then
  echo "tools/kubernetes/go.mod does not require k8s.io/kubernetes; restore the require line." >&2
  exit 1
fi
commands=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)

cache_root="${GIN_DEPLOY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/gin-deploy}"
out_dir="$cache_root/kubernetes-$version/bin"

if [[ "${1:-}" == "--path" ]]; then
  echo "$out_dir"
  exit 0
fi
if [[ -n "${1:-}" ]]; then
  echo "unknown argument '$1'; usage: bash tools/kubernetes/build.sh [--path]" >&2
  exit 2
fi

all_built() {
  local c
  for c in "${commands[@]}"; do
    [[ -x "$out_dir/$c" ]] || return 1
  done
}

# shellcheck disable=SC2310 # a predicate (one test per binary)
if all_built; then
  echo "$out_dir"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "Building Kubernetes $version needs Go (https://go.dev/dl/)." >&2
  exit 1
fi

mkdir -p "$out_dir"
exec 9>"$out_dir/.build.lock"
flock 9
# Another caller may have finished the build while this one waited for the lock.
# shellcheck disable=SC2310 # a predicate (one test per binary)
if all_built; then
  echo "$out_dir"
  exit 0
fi

echo "Building Kubernetes $version (${commands[*]}) from the Go module proxy into $out_dir (about 20 minutes on a cold Go cache on 2 cores; once per pin)..." >&2
started=$(date +%s)
(
  while sleep 30; do
    now="$(date +%s)" || now="$started" # only a progress line
    echo "  ... still building Kubernetes $version ($((now - started))s)" >&2
  done
) &
ticker=$!
trap 'kill "$ticker" 2>/dev/null || true; rm -rf "$out_dir/.tmp.$$"' EXIT

# The version the binaries report (kubectl version, the API server's /version). The module from
# the proxy carries no git metadata, so the commit stays empty and the tree state is "archive",
# as the upstream scripts stamp a build from a source tarball; the date is the tag's date from
# the proxy, so a rebuild of the same pin stamps the same bytes.
IFS=. read -r major minor _ <<<"${version#v}"
info_file="$(go mod download -json "k8s.io/kubernetes@$version" | awk -F'"' '$2 == "Info" { print $4 }')"
build_date="$(sed -n 's/.*"Time": *"\([^"]*\)".*/\1/p' "$info_file" 2>/dev/null)"
ldflags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
  ldflags+=" -X $pkg.gitTreeState=archive -X $pkg.buildDate=${build_date:-1970-01-01T00:00:00Z}"
done

tmp="$out_dir/.tmp.$$"
mkdir -p "$tmp"
pkgs=()
for c in "${commands[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$c"); done
(
  cd "$module_dir"
  CGO_ENABLED=0 go build -trimpath -o "$tmp/" -ldflags "-s -w$ldflags" "${pkgs[@]}"
)
for c in "${commands[@]}"; do
  mv -f "$tmp/$c" "$out_dir/$c"
done
elapsed=$(( $(date +%s) - started ))
echo "Built Kubernetes $version in ${elapsed}s: $out_dir" >&2
built_at="$(date -u +%Y-%m-%dT%H:%M:%SZ)" || built_at="" # only a line in the build log
echo "$version ${elapsed}s $built_at" >> "$out_dir/build-times.txt"
echo "$out_dir"
