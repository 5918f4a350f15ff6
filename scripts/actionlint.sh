#!/usr/bin/env bash
# actionlint, pinned: built once from the Go module proxy into the user's cache, then run on the
# repository's workflows (with shellcheck on their `run:` scripts when shellcheck is on PATH).
#   bash scripts/actionlint.sh [actionlint arguments]
set -euo pipefail
version=v1.7.12
cache_root="${GIN_DEPLOY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/gin-deploy}"
bin_dir="$cache_root/actionlint-$version"
if [[ ! -x "$bin_dir/actionlint" ]]; then
  command -v go >/dev/null || { echo "actionlint $version is built with Go; install Go (https://go.dev/dl/)" >&2; exit 1; }
  echo "building actionlint $version from the Go module proxy into $bin_dir (once)" >&2
  mkdir -p "$bin_dir"
  GOBIN="$bin_dir" GOFLAGS=-mod=mod go install "github.com/rhysd/actionlint/cmd/actionlint@$version" >&2
fi
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec "$bin_dir/actionlint" "$@"
