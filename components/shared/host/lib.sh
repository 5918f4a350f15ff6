#!/usr/bin/env bash
# Sourced by the host scripts (uploaded beside them): their shared helpers, and the host contract
# (contract.sh beside it, rendered from the mode's layout.ts by the components): the service's
# paths and names, and the rules a name or version must follow.
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"    (after setting script_name)
# shellcheck shell=bash

# Every script exits 2 on bad input or a missing prerequisite, 1 when its work failed.
log() { printf '%s: %s\n' "${script_name:?}" "$*" >&2; }
die() { log "$*"; exit 2; }

file_sha256() {
  local sum
  sum=$(sha256sum "$1") || return 1
  echo "${sum%% *}"
}

is_port() { [[ "$1" =~ ^[0-9]+$ ]] && (($1 >= 1 && $1 <= 65535)); }

load_contract() {
  local contract
  contract="$(dirname "${BASH_SOURCE[0]}")/contract.sh"
  [[ -f "$contract" ]] || die "no host contract at $contract: the component uploads it beside this script"
  # shellcheck source=/dev/null
  source "$contract"
  [[ "${SERVICE_NAME:-}" =~ ${SERVICE_NAME_PATTERN:?} ]] || die "the host contract names no valid service ($contract)"
}
