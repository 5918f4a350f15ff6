#!/usr/bin/env bash
# `npm run build:components` / `npm run pack:components`: components/ as the installable package
# @gin-deploy/components (components/package.json; docs/package.md).
#   build: the packing stage .gin-deploy/package/stage (emptied first, so nothing stale is packed):
#          components/package.json and README.md, tsc -p components/tsconfig.build.json into
#          stage/dist, and the host scripts into stage/dist/<folder>/host (systemd, container,
#          shared), where the compiled dist/systemd/*.js, dist/container/*.js and
#          dist/shared/hostLibrary.js look for them (path.join(__dirname, "host")), as the sources
#          find components/<folder>/host. The stage's absolute path is the last line of stdout.
#   pack:  build, then `npm pack` of the stage into .gin-deploy/package/; the tarball's absolute
#          path is the last line of stdout (test/package reads it).
# Not components/dist: see components/tsconfig.build.json.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=$PWD/.gin-deploy/package
stage=$out/stage

build() {
  rm -rf "$stage"
  mkdir -p "$stage/dist"
  cp components/package.json components/README.md "$stage/"
  npx --no-install tsc -p components/tsconfig.build.json
  local script rel
  for script in components/*/host/*.sh; do
    rel=${script#components/}
    mkdir -p "$stage/dist/$(dirname "$rel")"
    cp -p "$script" "$stage/dist/$rel"
  done
}

case "${1:-}" in
  build)
    build
    echo "$stage"
    ;;
  pack)
    build
    name=$(cd "$stage" && npm pack --silent --pack-destination "$out" | tail -n 1)
    [ -f "$out/$name" ] || {
      echo "pack-components: npm pack wrote no $out/$name" >&2
      exit 1
    }
    echo "$out/$name"
    ;;
  *)
    echo "usage: $0 build|pack" >&2
    exit 2
    ;;
esac
