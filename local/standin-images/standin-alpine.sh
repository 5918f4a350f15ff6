#!/usr/bin/env bash
# Builds (once per recipe) the stand-in for the runtime stage's Alpine image: only what the runtime
# stage relies on — /etc/passwd and /etc/group with the numeric non-root user 65532, a CA bundle
# and a world-writable /tmp. It holds no shell and no package manager, so the runtime stage must not
# RUN anything (it does not). Prints the image reference on stdout.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

standin_require_ca_bundle

recipe="$(cat "${BASH_SOURCE[0]}"; sha256sum "${STANDIN_CA_BUNDLE}")"
image="gin-deploy/standin-alpine:$(printf '%s' "${recipe}" | standin_recipe_hash)"

standin_reuse_or_lock "${image}" alpine

rootfs="$(mktemp -d)"
trap 'rm -rf "${rootfs}"' EXIT
mkdir -p "${rootfs}/etc/ssl/certs" "${rootfs}/tmp"
chmod 1777 "${rootfs}/tmp"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"${rootfs}/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' >"${rootfs}/etc/group"
cp "${STANDIN_CA_BUNDLE}" "${rootfs}/etc/ssl/certs/ca-certificates.crt"
# Fixed times and owners make the layer byte-identical for an unchanged recipe.
tar --sort=name --mtime='2000-01-01 00:00:00Z' --owner=0 --group=0 --numeric-owner -C "${rootfs}" -c . \
  | docker import --message "stand-in for alpine (runtime stage only)" - "${image}" >/dev/null
standin_built "${image}"
