#!/usr/bin/env bash
# Builds the local host's image without pulling anything: debootstrap a minimal Debian bookworm
# from the machine's own Debian mirror, configure it (configure-rootfs.sh), `docker import` it.
# Usage: build.sh IMAGE_TAG MIRROR_URL   (run as root; local/host.sh calls it under a lock)
set -euo pipefail

tag=${1:?usage: build.sh IMAGE_TAG MIRROR_URL}
mirror=${2:?usage: build.sh IMAGE_TAG MIRROR_URL}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

include=$(grep -v -e '^#' -e '^[[:space:]]*$' "$here/packages.txt" | paste -sd, -)
work=$(mktemp -d "${TMPDIR:-/tmp}/gin-deploy-host-image.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "host-image: debootstrap bookworm from $mirror (packages: $include)" >&2
debootstrap --variant=minbase --include="$include" bookworm "$work/rootfs" "$mirror" \
  >"$work/debootstrap.log" 2>&1 || {
  tail -n 30 "$work/debootstrap.log" >&2
  echo "host-image: debootstrap failed (log above); check that $mirror serves bookworm" >&2
  exit 1
}
"$here/configure-rootfs.sh" "$work/rootfs"

tar --numeric-owner -C "$work/rootfs" -c . |
  docker import \
    --change 'ENV container=docker' \
    --change 'CMD ["/lib/systemd/systemd"]' \
    - "$tag" >/dev/null
echo "host-image: built $tag" >&2
