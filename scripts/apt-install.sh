#!/usr/bin/env bash
# Installs the Debian packages the local host, the stand-in images, the suites and the benchmark
# need, when they are missing. It tries the package lists the machine has first and runs
# `apt-get update` only when that fails, and it waits for another apt or dpkg run to finish (a
# machine that has just booted may be running one) instead of failing on the lock.
#   bash scripts/apt-install.sh PACKAGE...
# Root installs directly; another user goes through sudo.
set -euo pipefail

die() { echo "apt-install: $*" >&2; exit 1; }
[[ $# -gt 0 ]] || { echo "usage: bash scripts/apt-install.sh PACKAGE..." >&2; exit 2; }

missing=()
for package in "$@"; do
  # dpkg-query fails for a package dpkg does not know: not installed either.
  state=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null) || state=""
  [[ "$state" == installed ]] || missing+=("$package")
done
((${#missing[@]})) || exit 0

sudo=()
uid=$(id -u)
if [[ "$uid" -ne 0 ]]; then
  command -v sudo >/dev/null || die "installing ${missing[*]} needs root: run as root, or install them yourself (apt-get install ${missing[*]})"
  sudo=(sudo)
fi
apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 -y -qq --no-install-recommends)

if [[ "$uid" -eq 0 ]]; then as="as root (this shell is root)"; else as="through sudo"; fi
echo "apt-install: installing ${missing[*]} from Debian with apt-get, $as: this changes the machine's packages" >&2
if "${apt[@]}" install "${missing[@]}" >/dev/null 2>&1; then exit 0; fi
# The lists are stale or absent: refresh them, and this time show apt's messages.
if ! { "${apt[@]}" update >&2 && "${apt[@]}" install "${missing[@]}" >&2; }; then
  die "could not install ${missing[*]} (apt-get's messages are above); install them yourself and run again"
fi
