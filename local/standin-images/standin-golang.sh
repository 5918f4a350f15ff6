#!/usr/bin/env bash
# Builds (once per recipe) the stand-in for the builder stage's golang image: a Debian minbase root
# (debootstrap) with this machine's CA bundle (which trusts whatever this machine's route to the Go
# module proxy presents) and a copy of its Go toolchain at /usr/local/go, loaded with
# `docker import`. It takes about 2 minutes the first time. Prints the image reference.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

GOROOT_SRC="${GIN_DEPLOY_STANDIN_GOROOT:-/usr/local/go}"
SUITE=bookworm
MIRROR="${GIN_DEPLOY_DEBIAN_MIRROR:-http://deb.debian.org/debian}"

if [[ ! -x "${GOROOT_SRC}/bin/go" ]]; then
  standin_log "no Go toolchain at ${GOROOT_SRC}: set GIN_DEPLOY_STANDIN_GOROOT to a Go install folder"
  exit 1
fi
go_version="$("${GOROOT_SRC}/bin/go" env GOVERSION)"
standin_require_ca_bundle

recipe="$(cat "${BASH_SOURCE[0]}"; echo "${go_version} ${SUITE} ${MIRROR}"; sha256sum "${STANDIN_CA_BUNDLE}")"
image="gin-deploy/standin-golang:$(printf '%s' "${recipe}" | standin_recipe_hash)"

standin_reuse_or_lock "${image}" golang

command -v debootstrap >/dev/null || apt_install debootstrap

rootfs="$(mktemp -d)"
trap 'rm -rf "${rootfs}"' EXIT
standin_log "debootstrap ${SUITE} minbase into ${rootfs} (about a minute)"
debootstrap --variant=minbase --include=ca-certificates "${SUITE}" "${rootfs}" "${MIRROR}" \
  >"${STANDIN_STATE}/debootstrap.log" 2>&1 || {
  tail -n 30 "${STANDIN_STATE}/debootstrap.log" >&2
  standin_log "debootstrap failed (log above; full log ${STANDIN_STATE}/debootstrap.log)"
  exit 1
}
cp "${STANDIN_CA_BUNDLE}" "${rootfs}/etc/ssl/certs/ca-certificates.crt"
rm -rf "${rootfs}/var/cache/apt/archives/"*.deb "${rootfs}/var/lib/apt/lists/"*
standin_log "copying ${go_version} from ${GOROOT_SRC}"
cp -a "${GOROOT_SRC}" "${rootfs}/usr/local/go"
mkdir -p "${rootfs}/go"
tar --numeric-owner -C "${rootfs}" -c . \
  | docker import \
      --change 'ENV PATH=/usr/local/go/bin:/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'ENV GOPATH=/go' \
      --change 'ENV GOTOOLCHAIN=local' \
      --change 'WORKDIR /go' \
      --message "stand-in for golang (${go_version} on Debian ${SUITE} minbase)" - "${image}" >/dev/null
standin_built "${image}"
