#!/usr/bin/env bash
# Shared by the stand-in image scripts: no base image can be pulled on this kind of machine, so the
# project's tests build app/Dockerfile FROM images made here, named for what they stand in for.
set -euo pipefail

STANDIN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STANDIN_STATE="${STANDIN_ROOT}/.gin-deploy/standin-images"
mkdir -p "${STANDIN_STATE}"

standin_log() { printf '[standin] %s\n' "$*" >&2; }

# local/host.sh knows how to install and start the engine and how to drop stale images; sourcing
# it runs nothing else.
# shellcheck source-path=SCRIPTDIR source=../host.sh
source "${STANDIN_ROOT}/local/host.sh"

# The engine must be up before anything is imported; CI starts on a machine where it is not.
standin_require_engine() {
  if docker info >/dev/null 2>&1; then return 0; fi
  ensure_docker
}

# Prints IMAGE as built, after removing the stand-ins of earlier recipes.
standin_built() {
  local image=$1
  remove_stale_images "${image%:*}" "${image}"
  standin_log "built ${image}"
  echo "${image}"
}

# Prints a short hash of the given recipe text: the image tag, so a changed recipe builds anew.
standin_recipe_hash() { sha256sum | cut -c1-12; }

standin_image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

# Both images carry this machine's CA bundle (the route to the Go module proxy presents a chain it trusts).
STANDIN_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
standin_require_ca_bundle() {
  if [[ -s "${STANDIN_CA_BUNDLE}" ]]; then return 0; fi
  standin_log "no CA bundle at ${STANDIN_CA_BUNDLE}: install it with 'apt-get install -y ca-certificates'"
  exit 1
}

# Prints IMAGE and ends the script when it exists already. Otherwise returns holding the lock named
# NAME (fd 9, held until the script exits), so that of concurrent callers only one builds it.
standin_reuse_or_lock() {
  local image=$1 name=$2
  standin_require_engine
  # shellcheck disable=SC2310 # a predicate
  if standin_image_exists "${image}"; then echo "${image}"; exit 0; fi
  exec 9>"${STANDIN_STATE}/${name}.lock"
  flock 9
  # shellcheck disable=SC2310 # a predicate
  if standin_image_exists "${image}"; then echo "${image}"; exit 0; fi
}
