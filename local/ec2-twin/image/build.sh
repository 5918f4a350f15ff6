#!/usr/bin/env bash
# Builds the EC2 twin's image from the local host's (nothing is pulled): in a throwaway container of
# that image, installs packages.txt with apt and runs configure-rootfs.sh, then commits it.
# (debootstrap cannot --include cloud-init: its Python dependencies fail to configure in that order.)
# Usage: build.sh IMAGE_TAG HOST_IMAGE   (run as root; local/ec2-twin/twin.sh calls it under a lock)
set -euo pipefail

tag=${1:?usage: build.sh IMAGE_TAG HOST_IMAGE}
base=${2:?usage: build.sh IMAGE_TAG HOST_IMAGE}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

packages=$(grep -v -e '^#' -e '^[[:space:]]*$' "$here/packages.txt" | paste -sd' ' -)
work="gin-deploy-ec2-twin-build-$$"
log=$(mktemp "${TMPDIR:-/tmp}/gin-deploy-ec2-twin-build.XXXXXX")
trap 'docker rm -f "$work" >/dev/null 2>&1 || true; rm -f "$log"' EXIT

echo "ec2-twin image: installing $packages on $base, then configure-rootfs.sh" >&2
# A policy-rc.d keeps every package's service from starting while it installs.
# shellcheck disable=SC2016 # expanded in the container
# (No -e or --entrypoint: both would stay in the committed image.)
# shellcheck disable=SC2086 # the package list is words
docker run --name "$work" -v "$here:/recipe:ro" "$base" /bin/bash -c '
  set -euo pipefail
  printf "#!/bin/sh\nexit 101\n" >/usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
  apt-get clean && rm -rf /var/lib/apt/lists/* /usr/sbin/policy-rc.d
  bash /recipe/configure-rootfs.sh /
' packages $packages >"$log" 2>&1 </dev/null || {
  tail -n 30 "$log" >&2
  echo "ec2-twin image: building on $base failed (log above)" >&2
  exit 1
}
docker commit --change 'ENV container=docker' --change 'CMD ["/lib/systemd/systemd"]' "$work" "$tag" >/dev/null
echo "ec2-twin image: built $tag" >&2
