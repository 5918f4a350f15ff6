#!/usr/bin/env bash
# The host scripts' one library, sourced by both modes' scripts and uploaded beside them with the
# host contract (contract.sh, rendered from the mode's layout.ts and components/rules/: the
# service's paths and names, the rules every value follows and the release defaults):
#   - basics: log, die, file_sha256, load_contract;
#   - the options both modes' releases take, with one name, one rule and one default each;
#   - the health gate: a port answers the health path and reports the release's version;
#   - the slots: start the release in the idle slot, gate it, point the front proxy's link at it
#     atomically, drain and retire the old slot, or roll back with the new slot's last log lines.
#
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

load_contract() {
  local contract
  contract="$(dirname "${BASH_SOURCE[0]}")/contract.sh"
  [[ -f "$contract" ]] || die "no host contract at $contract: the component uploads it beside this script"
  # shellcheck source=/dev/null
  source "$contract"
  [[ "${SERVICE_NAME:-}" =~ ${SERVICE_NAME_PATTERN:?} ]] || die "the host contract names no valid service ($contract)"
}

# Predicates on the contract's rules (10#: a leading zero is not octal).
is_port() { [[ "$1" =~ ^[0-9]{1,5}$ ]] && ((10#$1 >= PORT_MIN && 10#$1 <= PORT_MAX)); }
is_seconds() { [[ "$1" =~ ^[0-9]{1,6}$ ]] && ((10#$1 >= $2 && 10#$1 <= $3)); }

# A new link renamed over the old one: readers see the old target or the new, never no link.
link_atomically() {
  ln -sfn "$1" "$2.next"
  mv -T "$2.next" "$2"
}

# --- the options both modes' releases take -------------------------------------------------------

port="" version="" slot_ports="" health_path="" health_timeout="" drain_timeout="" version_check=""

# Sets one of the shared options from its flag; the scripts' parsers hand these flags here.
release_option() {
  [[ -n "${2:-}" ]] || die "$1 needs a value (see the usage at the top of this script)"
  case "$1" in
    --port) port=$2 ;;
    --version) version=$2 ;;
    --slot-ports) slot_ports=$2 ;;
    --health-path) health_path=$2 ;;
    --health-timeout) health_timeout=$2 ;;
    --drain-timeout) drain_timeout=$2 ;;
    --version-check) version_check=$2 ;;
    *) die "release_option: '$1' is not a release option" ;;
  esac
}

# Gives the unset options the contract's defaults and checks every one against its rule (after
# load_contract). --slot-ports is checked when given; a mode that needs it says so itself.
check_release_options() {
  : "${health_path:=$DEFAULT_HEALTH_PATH}" "${health_timeout:=$DEFAULT_HEALTH_TIMEOUT_SECONDS}"
  : "${drain_timeout:=$DEFAULT_DRAIN_TIMEOUT_SECONDS}" "${version_check:=on}"
  [[ "$version" =~ $VERSION_PATTERN ]] ||
    die "--version '$version' is not a release version (the pattern $VERSION_PATTERN, as the build stamps it and /version reports it)"
  # shellcheck disable=SC2310 # a predicate
  is_port "$port" || die "--port '$port' is not a TCP port ($PORT_MIN-$PORT_MAX)"
  [[ "$health_path" =~ $HEALTH_PATH_PATTERN ]] ||
    die "--health-path '$health_path' must be a URL path starting with / (no spaces, quotes or #)"
  # shellcheck disable=SC2310 # a predicate
  is_seconds "$health_timeout" "$HEALTH_TIMEOUT_MIN" "$HEALTH_TIMEOUT_MAX" ||
    die "--health-timeout '$health_timeout' must be whole seconds from $HEALTH_TIMEOUT_MIN to $HEALTH_TIMEOUT_MAX"
  [[ "$version_check" == on || "$version_check" == off ]] || die "--version-check must be on or off, got '$version_check'"
  # shellcheck disable=SC2310 # a predicate
  is_seconds "$drain_timeout" "$DRAIN_TIMEOUT_MIN" "$DRAIN_TIMEOUT_MAX" ||
    die "--drain-timeout '$drain_timeout' must be whole seconds from $DRAIN_TIMEOUT_MIN to $DRAIN_TIMEOUT_MAX"
  if [[ -n "$slot_ports" ]]; then
    local blue=${slot_ports%%,*} green=${slot_ports##*,}
    # shellcheck disable=SC2310 # predicates
    if ! [[ "$slot_ports" =~ ^[0-9]+,[0-9]+$ ]] || ! is_port "$blue" || ! is_port "$green" ||
      ((10#$blue == 10#$green || 10#$blue == 10#$port || 10#$green == 10#$port)); then
      die "--slot-ports '$slot_ports' must be two TCP ports, BLUE,GREEN, other than each other and --port $port"
    fi
    if ((10#$drain_timeout > 0)); then
      command -v ss >/dev/null || die "this host has no ss, which the drain before stopping the old slot uses: install iproute2"
    fi
  fi
  command -v curl >/dev/null || die "this host has no curl, which the health gate uses: install it (apt-get install curl / dnf install curl)"
}

# --- the health gate -----------------------------------------------------------------------------

# GET http://127.0.0.1:PORT/PATH; prints the body, fails on no answer or a status of 400 or more
# (curl -f; a redirect is an answer, and is not followed).
http_get() { curl -fsS --max-time 2 "http://127.0.0.1:$1$2"; }

# Waits up to health_timeout until PORT answers the health path, then (version_check on) checks
# that /version reports EXPECTED. On failure failed_check says which check failed and how.
wait_until_serving() {
  local at=$1 expected=$2 deadline body reported
  failed_check=""
  deadline=$((SECONDS + 10#$health_timeout))
  # shellcheck disable=SC2310 # http_get is one curl: its status is the answer
  until http_get "$at" "$health_path" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      failed_check="health check: GET http://127.0.0.1:$at$health_path did not answer 2xx or 3xx within ${health_timeout}s"
      return 1
    fi
    sleep 0.2
  done
  [[ "$version_check" == on ]] || return 0
  # shellcheck disable=SC2310 # one curl, as above
  body=$(http_get "$at" /version 2>/dev/null) || {
    failed_check="version check: GET http://127.0.0.1:$at/version failed"
    return 1
  }
  reported=$(printf '%s' "$body" | sed -nE 's/.*"version"[[:space:]]*:[[:space:]]*"([^"]*)".*/\1/p')
  if [[ "$reported" != "$expected" ]]; then
    failed_check="version check: /version reports '${reported:-nothing}', expected '$expected' (GET http://127.0.0.1:$at/version)"
    return 1
  fi
}

# --- the slots -----------------------------------------------------------------------------------
# Two copies of the app, blue and green, each on its loopback port (--slot-ports BLUE,GREEN) behind
# its own socket (the contract's BLUE_SOCKET_PATH, GREEN_SOCKET_PATH); the front proxy on the
# public port follows SLOT_LINK to the current one's socket at each new connection.

other_slot() { if [[ "$1" == blue ]]; then echo green; else echo blue; fi; }
slot_port() { if [[ "$1" == blue ]]; then echo "${slot_ports%%,*}"; else echo "${slot_ports##*,}"; fi; }
slot_socket() {
  local name=${1^^}_SOCKET_PATH
  echo "${!name}"
}

# The slot the front proxy points at, or nothing before the first slot release.
current_slot() {
  local target slot socket
  target=$(readlink "$SLOT_LINK" 2>/dev/null || true)
  [[ -n "$target" ]] || return 0
  for slot in blue green; do
    socket=$(slot_socket "$slot")
    if [[ "$target" == "$socket" ]]; then echo "$slot"; fi
  done
}

# Waits until no connection is established to the old slot's port, seen three times in a row, or
# drain_timeout; 0 waits not at all (an app that drains its connections on SIGTERM by itself).
drain_port() {
  local p=$1 deadline=$((SECONDS + 10#$drain_timeout)) idle=0 open
  ((10#$drain_timeout > 0)) || return 0
  while ((SECONDS < deadline)); do
    open=$(ss -Htn state established "( sport = :$p )") || {
      log "drain: cannot list the connections on port $p: stopping the slot"
      return 0
    }
    if [[ -z "$open" ]]; then
      idle=$((idle + 1))
      if ((idle >= 3)); then
        log "slot on port $p drained: no connection open"
        return 0
      fi
    else
      idle=0
    fi
    sleep 0.2
  done
  log "drain: connections still open on slot port $p after ${drain_timeout}s: stopping the slot anyway"
}

# One release into a slot, the same in both modes. The mode's script defines the steps that differ:
#   slot_start SLOT    start the release in SLOT (its files in place); non-zero with failed_check set
#   slot_serve SLOT    make SLOT reachable through its socket (and start it at boot)
#   slot_front         after the link points at the new slot: the front proxy's socket listens
#   slot_retire SLOT   stop SLOT and disable it
#   slot_logs SLOT     print SLOT's last 50 log lines to stderr
#   slot_undo          restore what the release changed besides the slots (units, env file, links)
# The old slot serves until the new one has passed the gate on its own port and on the public
# port; when anything fails the link goes back to the old slot, which never stopped, and this exits 1.
run_slot_release() {
  local old new new_port new_socket old_port
  old=$(current_slot)
  new=$(other_slot "${old:-green}")
  new_port=$(slot_port "$new")
  new_socket=$(slot_socket "$new")
  log "starting $version in slot $new (127.0.0.1:$new_port)"
  # shellcheck disable=SC2310 # the steps return their own status and say why in failed_check
  slot_start "$new" || fail_slot_release "$new" "$old"
  # shellcheck disable=SC2310 # the same
  wait_until_serving "$new_port" "$version" || fail_slot_release "$new" "$old"
  slot_serve "$new"
  link_atomically "$new_socket" "$SLOT_LINK"
  slot_front
  # shellcheck disable=SC2310 # the same
  wait_until_serving "$port" "$version" || {
    failed_check="port $port after the switch to slot $new: $failed_check"
    fail_slot_release "$new" "$old"
  }
  log "slot $new serves port $port"
  [[ -n "$old" ]] || return 0
  # A connection the front proxy accepted just before the switch may still be on its way to the old slot.
  sleep 2
  old_port=$(slot_port "$old")
  drain_port "$old_port"
  slot_retire "$old"
  if ((10#$drain_timeout > 0)); then
    log "slot $old drained and stopped"
  else
    log "slot $old stopped (no drain wait: the app drains on SIGTERM itself)"
  fi
}

fail_slot_release() {
  local new=$1 old=$2 old_socket
  log "release $version FAILED: $failed_check"
  slot_logs "$new"
  if [[ -n "$old" ]]; then
    old_socket=$(slot_socket "$old")
    link_atomically "$old_socket" "$SLOT_LINK"
  fi
  slot_retire "$new"
  slot_undo
  if [[ -n "$old" ]]; then
    log "rolled back: slot $old keeps serving the previous release on port $port"
  else
    log "no previous release: nothing serves port $port"
  fi
  exit 1
}
