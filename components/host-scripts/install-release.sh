#!/usr/bin/env bash
# Installs one release of a systemd-mode service on this host (uploaded and run as root by the
# SystemdService component over SSH; the host suite runs it the same way).
#
#   install-release.sh --version V --sha256 HEX --binary STAGED_BINARY
#                      --service-unit STAGED.service --socket-unit STAGED.socket --port PORT
#                      (--env-stdin | --env-file PATH) [--firewall on|off] [--keep N]
#                      [--health-timeout SECONDS]
#
# The service's name and every path come from the host contract (contract.sh beside this script,
# rendered from components/layout/systemdLayout.ts); lib.sh beside it has the shared helpers.
#
# The env file (secrets included) comes from stdin or from an uploaded 0600 file, never from the
# command line, and this script never prints it.
#
# What a release does:
#   1. copies the binary (checked against --sha256) to /opt/NAME/releases/V-SHA12/NAME;
#   2. installs the units and the 0600 env file, enables NAME.socket and NAME.service (at boot);
#   3. points /opt/NAME/current at the release atomically (a new link renamed over the old);
#   4. restarts the service: the socket keeps the port and the kernel queues new connections
#      while the old process drains and the new one starts (Type=notify: ready means serving);
#   5. waits (bounded) for /healthz and checks that /version reports V. If either fails, it
#      switches back to the previous release (units and env file included), restarts it, and
#      exits non-zero naming the failed check, with the service's last 50 journal lines.
# Re-running the same release (same binary, units and env file) changes and restarts nothing.
set -euo pipefail

script_name=install-release
# shellcheck source=components/host-scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

version="" sha256="" staged_binary="" staged_service_unit="" staged_socket_unit=""
port="" env_source="" env_path="" firewall=off keep=3 health_timeout=30

parse_args() {
  while (($#)); do
    case "$1" in
      --version) version=${2:?--version needs a value}; shift 2 ;;
      --sha256) sha256=${2:?--sha256 needs the binary\'s hex digest}; shift 2 ;;
      --binary) staged_binary=${2:?--binary needs a path}; shift 2 ;;
      --service-unit) staged_service_unit=${2:?--service-unit needs a path}; shift 2 ;;
      --socket-unit) staged_socket_unit=${2:?--socket-unit needs a path}; shift 2 ;;
      --port) port=${2:?--port needs a number}; shift 2 ;;
      --env-stdin) env_source=stdin; shift ;;
      --env-file) env_source="file"; env_path=${2:?--env-file needs a path}; shift 2 ;;
      --firewall) firewall=${2:?--firewall needs on or off}; shift 2 ;;
      --keep) keep=${2:?--keep needs a number}; shift 2 ;;
      --health-timeout) health_timeout=${2:?--health-timeout needs seconds}; shift 2 ;;
      *) die "unknown argument '$1' (see the usage at the top of this script)" ;;
    esac
  done
  local uid
  uid=$(id -u)
  ((uid == 0)) || die "must run as root (it installs units into /etc/systemd/system)"
  command -v systemctl >/dev/null || die "this host has no systemctl: systemd mode needs a systemd host"
  command -v curl >/dev/null || die "this host has no curl, which the health check uses: install it (apt-get install curl / dnf install curl)"
  load_contract
  [[ "$version" =~ $VERSION_PATTERN ]] ||
    die "--version '$version' is not a release version (the pattern $VERSION_PATTERN, as the build stamps)"
  [[ "$sha256" =~ ^[0-9a-f]{64}$ ]] || die "--sha256 must be 64 lowercase hex digits"
  # shellcheck disable=SC2310 # a predicate
  is_port "$port" || die "--port '$port' is not a TCP port (1-65535)"
  if [[ ! "$keep" =~ ^[0-9]+$ ]] || ((keep < 2)); then
    die "--keep '$keep' must be 2 or more (the current and the previous release)"
  fi
  if [[ ! "$health_timeout" =~ ^[0-9]+$ ]] || ((health_timeout < 1)); then
    die "--health-timeout '$health_timeout' must be whole seconds, 1 or more"
  fi
  [[ "$firewall" == on || "$firewall" == off ]] || die "--firewall must be on or off, got '$firewall'"
  [[ -n "$env_source" ]] || die "give the env file with --env-stdin (piped in) or --env-file PATH (a 0600 upload)"
  local f
  for f in "$staged_service_unit" "$staged_socket_unit"; do
    [[ -f "$f" ]] || die "unit file '$f' was not uploaded (expected before running this script)"
  done

  # shellcheck disable=SC2153 # the upper-case names are the contract's, which load_contract sourced
  service=$SERVICE_NAME svc_unit=$SERVICE_UNIT_NAME sock_unit=$SOCKET_UNIT_NAME \
    releases_dir=$RELEASES_DIR current_link=$CURRENT_LINK env_dir=$ENV_DIR env_file=$ENV_FILE \
    state_dir=$STATE_DIR unit_dir=$UNIT_DIR
  release_dir=$releases_dir/$version-${sha256:0:12}
}

# --- helpers ---------------------------------------------------------------------------------

# GET http://127.0.0.1:PORT/PATH; prints the body, fails on no answer or a non-2xx status.
http_get() { curl -fsS --max-time 2 "http://127.0.0.1:$port$1"; }

journal_tail() {
  # journald reads the service's output asynchronously and lags behind a busy service: let it
  # catch up, or the last lines (often the reason for the failure) are not there yet.
  journalctl --sync 2>/dev/null || true
  sleep 1
  echo "--- last 50 journal lines of $svc_unit (journalctl -u $svc_unit -n 50 --no-pager) ---" >&2
  journalctl -u "$svc_unit" -n 50 --no-pager >&2 || true
  echo "--- end of journal ---" >&2
}

switch_current() {
  # A new link renamed over the old one: readers see either release, never a missing link.
  ln -sfn "$1" "$current_link.next"
  mv -T "$current_link.next" "$current_link"
}

# Returns its own status, step by step: it is called in conditions, where set -e is off.
restart_service() {
  # Deliberate restarts must not count towards StartLimitBurst (see serviceUnit.ts): forget
  # earlier starts first, so only crash restarts systemd makes by itself are rate-limited.
  systemctl reset-failed "$svc_unit" "$sock_unit" 2>/dev/null || true
  if ! systemctl start "$sock_unit"; then
    failed_check="start: systemctl start $sock_unit failed (is port $port taken by another process?)"
    return 1
  fi
  if ! systemctl restart "$svc_unit"; then
    failed_check="start: systemctl restart $svc_unit failed (the process exited or sent no READY=1 in time)"
    return 1
  fi
}

# Waits up to health_timeout for /healthz, then checks /version. Sets failed_check on failure.
check_release() {
  local expected=$1 deadline body reported
  failed_check=""
  deadline=$((SECONDS + health_timeout))
  # shellcheck disable=SC2310 # http_get is one curl: its status is the answer
  until http_get /healthz >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      failed_check="health check: GET http://127.0.0.1:$port/healthz did not answer 2xx within ${health_timeout}s"
      return 1
    fi
    sleep 0.5
  done
  # shellcheck disable=SC2310 # one curl, as above
  body=$(http_get /version 2>/dev/null) || {
    failed_check="version check: GET http://127.0.0.1:$port/version failed"
    return 1
  }
  reported=$(printf '%s' "$body" | sed -nE 's/.*"version"[[:space:]]*:[[:space:]]*"([^"]*)".*/\1/p')
  if [[ "$reported" != "$expected" ]]; then
    failed_check="version check: /version reports '${reported:-nothing}', expected '$expected'"
    return 1
  fi
}

# --- steps -----------------------------------------------------------------------------------

stage_env_file() {
  local mode
  install -d -m 0700 -o root -g root "$env_dir" "$state_dir"
  new_env=$(mktemp "$env_dir/.next.env.XXXXXX") # mktemp creates it 0600
  if [[ "$env_source" == stdin ]]; then
    cat >"$new_env"
  else
    [[ -f "$env_path" ]] || die "--env-file '$env_path' does not exist"
    mode=$(stat -c %a "$env_path") || die "--env-file '$env_path': cannot read its mode"
    [[ "$mode" == 600 ]] || die "--env-file '$env_path' must be mode 0600 (it holds secrets)"
    cat "$env_path" >"$new_env"
    rm -f "$env_path"
  fi
}

# The release directory holds the binary with the expected digest already. Called in conditions,
# so each step returns its own status.
has_release_binary() {
  local sum
  [[ -f "$release_dir/$service" ]] || return 1
  # shellcheck disable=SC2310 # file_sha256 returns sha256sum's status
  sum=$(file_sha256 "$release_dir/$service") || return 1
  [[ "$sum" == "$sha256" ]]
}

stage_binary() {
  # shellcheck disable=SC2310 # a predicate that returns each step's status
  if has_release_binary; then
    return 0
  fi
  [[ -f "$staged_binary" ]] ||
    die "binary '$staged_binary' was not uploaded and release $release_dir is not on this host"
  local got
  got=$(file_sha256 "$staged_binary")
  [[ "$got" == "$sha256" ]] ||
    die "uploaded binary '$staged_binary' has sha256 $got, expected $sha256 (incomplete upload?)"
  install -d -m 0755 "$releases_dir"
  local tmp
  tmp=$(mktemp -d "$releases_dir/.incoming.XXXXXX")
  install -m 0755 "$staged_binary" "$tmp/$service"
  rm -rf "$release_dir"
  mv -T "$tmp" "$release_dir"
  chmod 0755 "$release_dir"
}

same_file() { [[ -f "$2" ]] && cmp -s "$1" "$2"; }

# A predicate: every step returns its own status (it is called in an if, where set -e is off).
release_is_unchanged() {
  local linked
  linked=$(readlink "$current_link" 2>/dev/null) || return 1
  [[ "$linked" == "$release_dir" ]] || return 1
  # shellcheck disable=SC2310 # predicates: each returns its own status
  has_release_binary &&
    same_file "$staged_service_unit" "$unit_dir/$svc_unit" &&
    same_file "$staged_socket_unit" "$unit_dir/$sock_unit" &&
    same_file "$new_env" "$env_file" &&
    systemctl is-active --quiet "$svc_unit" && systemctl is-active --quiet "$sock_unit" &&
    systemctl is-enabled --quiet "$svc_unit" && systemctl is-enabled --quiet "$sock_unit"
}

# Keeps copies of what this release replaces, so a rollback restores units and env file too.
backup_installed() {
  rm -rf "$state_dir/rollback"
  install -d -m 0700 "$state_dir/rollback"
  local f
  for f in "$unit_dir/$svc_unit" "$unit_dir/$sock_unit" "$env_file"; do
    [[ -f "$f" ]] && cp -p "$f" "$state_dir/rollback/"
  done
  return 0
}

install_units_and_env() {
  socket_changed=false
  # shellcheck disable=SC2310 # a predicate
  same_file "$staged_socket_unit" "$unit_dir/$sock_unit" || socket_changed=true
  install -m 0644 "$staged_service_unit" "$unit_dir/$svc_unit"
  if [[ "$socket_changed" == true ]] && systemctl is-active --quiet "$sock_unit"; then
    # A new port: the old socket must close before the new one binds (a brief refusal window).
    log "socket unit changed (port $port): restarting $sock_unit"
    systemctl stop "$svc_unit" "$sock_unit"
  fi
  install -m 0644 "$staged_socket_unit" "$unit_dir/$sock_unit"
  mv -f "$new_env" "$env_file"
  systemctl daemon-reload
  systemctl enable --quiet "$sock_unit" "$svc_unit"
}

restore_backup() {
  local f
  for f in "$svc_unit" "$sock_unit"; do
    if [[ -f "$state_dir/rollback/$f" ]]; then cp -p "$state_dir/rollback/$f" "$unit_dir/$f"; fi
  done
  if [[ -f "$state_dir/rollback/$service.env" ]]; then cp -p "$state_dir/rollback/$service.env" "$env_file"; fi
  systemctl daemon-reload
}

# Exits non-zero: the check that failed, the journal, and what the host runs now. The rollback
# target is what ran before this release (the same release directory when only the env file or
# the units changed), with the units and env file it ran with.
fail_release() {
  local previous=$1
  log "release $version FAILED: $failed_check"
  journal_tail
  if [[ -n "$previous" && -d "$previous" ]]; then
    local previous_name previous_version
    previous_name=$(basename "$previous")
    previous_version=${previous_name%-*} # strip the -<sha12> suffix
    log "rolling back to $previous_name"
    switch_current "$previous"
    restore_backup
    # shellcheck disable=SC2310 # both return their own status and say why in failed_check
    if restart_service && check_release "$previous_version"; then
      log "rolled back: $previous_name is serving again on port $port"
    else
      log "rollback to $previous_name also failed: $failed_check"
      journal_tail
    fi
  else
    log "no previous release to roll back to: stopping $svc_unit"
    systemctl stop "$svc_unit" 2>/dev/null || true
  fi
  exit 1
}

prune_releases() {
  local current previous listing dir kept=0
  current=$(readlink "$current_link" 2>/dev/null || true)
  previous=$(cat "$state_dir/previous" 2>/dev/null || true)
  # Newest first (each release directory is touched when installed). Pruning is housekeeping: when
  # the listing fails, the release stands and every old one stays.
  listing=$(find "$releases_dir" -mindepth 1 -maxdepth 1 -type d ! -name '.*' -printf '%T@ %p\n' |
    sort -rn | cut -d' ' -f2-) || {
    log "could not list the releases in $releases_dir: none pruned this time"
    return 0
  }
  while IFS= read -r dir; do
    [[ -n "$dir" ]] || continue
    if [[ "$dir" == "$current" || "$dir" == "$previous" ]] || ((kept < keep)); then
      kept=$((kept + 1))
      continue
    fi
    rm -rf "$dir"
  done <<<"$listing"
}

# --firewall on opens the port in ufw (when the host has ufw) and remembers it; off closes a
# port an earlier release opened. Without ufw there is nothing to do.
apply_firewall() {
  local recorded=""
  recorded=$(cat "$state_dir/firewall-port" 2>/dev/null || true)
  if ! command -v ufw >/dev/null; then
    if [[ "$firewall" == on ]]; then log "--firewall on, but this host has no ufw: no host firewall rule to add"; fi
    return 0
  fi
  if [[ -n "$recorded" && ( "$firewall" == off || "$recorded" != "$port" ) ]]; then
    ufw delete allow "$recorded/tcp" >/dev/null || log "ufw: no rule for $recorded/tcp to remove"
    rm -f "$state_dir/firewall-port"
    log "ufw: removed the rule for $recorded/tcp"
  fi
  if [[ "$firewall" == on ]]; then
    ufw allow "$port/tcp" comment "$service" >/dev/null
    echo "$port" >"$state_dir/firewall-port"
    log "ufw: allowed $port/tcp"
  fi
}

main() {
  parse_args "$@"
  local started=$SECONDS previous
  install -d -m 0700 "$state_dir"
  exec 9>"$state_dir/lock"
  flock -w 120 9 || die "another release of $service is still running on this host (lock $state_dir/lock)"

  new_env=""
  trap 'rm -f "${new_env:-}" "$current_link.next"' EXIT
  stage_env_file
  stage_binary

  # shellcheck disable=SC2310 # a predicate that returns each step's status
  if release_is_unchanged; then
    rm -f "$new_env" "$staged_binary"
    apply_firewall
    echo "unchanged: $service $version is already installed and running"
    return 0
  fi

  previous=$(readlink "$current_link" 2>/dev/null || true)
  backup_installed
  install_units_and_env
  touch "$release_dir"
  switch_current "$release_dir"

  failed_check=""
  # shellcheck disable=SC2310 # both return their own status and say why in failed_check
  restart_service || fail_release "$previous"
  # shellcheck disable=SC2310 # the same
  check_release "$version" || fail_release "$previous"

  if [[ -n "$previous" && "$previous" != "$release_dir" ]]; then echo "$previous" >"$state_dir/previous"; fi
  rm -f "$staged_binary"
  prune_releases
  apply_firewall
  echo "installed: $service $version ($(basename "$release_dir")) serving on port $port in $((SECONDS - started))s"
}

main "$@"
