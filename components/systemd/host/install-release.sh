#!/usr/bin/env bash
# Installs one release of a systemd-mode service on this host (uploaded and run as root by the
# SystemdService component over SSH; the host suite runs it the same way).
#
#   install-release.sh --version V --sha256 HEX --binary STAGED_BINARY
#                      --service-unit STAGED.service --socket-unit STAGED.socket --port PORT
#                      (--env-stdin | --env-file PATH) [--firewall on|off] [--keep N]
#                      [--health-timeout SECONDS] [--health-path /PATH] [--version-check on|off]
#                      [--slot-ports BLUE,GREEN [--drain-timeout SECONDS] (--unit STAGED_UNIT)...]
#
# The service's name, every path, every value's rule and the defaults come from the host contract
# (contract.sh beside this script, rendered from components/systemd/layout.ts and
# components/rules/); lib.sh beside it is the release library both modes share: the options, the
# health gate and the slots.
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
# --health-path is what step 5 GETs (the contract's DEFAULT_HEALTH_PATH unless given; the timeout
# likewise): any 2xx or 3xx answer (curl -f, redirects not followed) is healthy. --version-check off
# skips /version: the release is the binary's digest.
#
# With --slot-ports the app binds its port itself (slotUnits.ts): the units are the public socket,
# a front proxy (--service-unit) and two slots (--unit ...). Then a release starts the idle slot
# on its loopback port with the new release, waits until it answers the health path there, points
# the front proxy at it (a link renamed), waits until the old slot has no established connection
# (bounded by --drain-timeout) and only then stops it: lib.sh's run_slot_release, with the steps
# below (slot_start, ...). If the new slot fails, it is stopped and the old one never stopped serving.
# Re-running the same release (same binary, units and env file) changes and restarts nothing.
set -euo pipefail

script_name=install-release
# shellcheck source=components/shared/host/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

sha256="" staged_binary="" staged_service_unit="" staged_socket_unit=""
env_source="" env_path="" firewall=off keep=3 extra_units=()

parse_args() {
  while (($#)); do
    case "$1" in
      --port | --version | --slot-ports | --health-path | --health-timeout | --drain-timeout | --version-check)
        release_option "$1" "${2:-}"; shift 2 ;;
      --sha256) sha256=${2:?--sha256 needs the binary\'s hex digest}; shift 2 ;;
      --binary) staged_binary=${2:?--binary needs a path}; shift 2 ;;
      --service-unit) staged_service_unit=${2:?--service-unit needs a path}; shift 2 ;;
      --socket-unit) staged_socket_unit=${2:?--socket-unit needs a path}; shift 2 ;;
      --env-stdin) env_source=stdin; shift ;;
      --env-file) env_source="file"; env_path=${2:?--env-file needs a path}; shift 2 ;;
      --firewall) firewall=${2:?--firewall needs on or off}; shift 2 ;;
      --keep) keep=${2:?--keep needs a number}; shift 2 ;;
      --unit) extra_units+=("${2:?--unit needs a path}"); shift 2 ;;
      *) die "unknown argument '$1' (see the usage at the top of this script)" ;;
    esac
  done
  local uid
  uid=$(id -u)
  ((uid == 0)) || die "must run as root (it installs units into /etc/systemd/system)"
  command -v systemctl >/dev/null || die "this host has no systemctl: systemd mode needs a systemd host"
  load_contract
  check_release_options
  [[ "$sha256" =~ $SHA256_PATTERN ]] || die "--sha256 '$sha256' must be the binary's sha256: 64 lowercase hex digits"
  if [[ ! "$keep" =~ ^[0-9]+$ ]] || ((keep < 2)); then
    die "--keep '$keep' must be 2 or more (the current and the previous release)"
  fi
  [[ "$firewall" == on || "$firewall" == off ]] || die "--firewall must be on or off, got '$firewall'"
  if [[ -z "$slot_ports" ]] && ((${#extra_units[@]})); then
    die "--unit is for the slots' units, which need --slot-ports"
  fi
  [[ -n "$env_source" ]] || die "give the env file with --env-stdin (piped in) or --env-file PATH (a 0600 upload)"
  local f
  for f in "$staged_service_unit" "$staged_socket_unit" "${extra_units[@]}"; do
    [[ -f "$f" ]] || die "unit file '$f' was not uploaded (expected before running this script)"
  done

  # shellcheck disable=SC2153 # the upper-case names are the contract's, which load_contract sourced
  service=$SERVICE_NAME svc_unit=$SERVICE_UNIT_NAME sock_unit=$SOCKET_UNIT_NAME \
    releases_dir=$RELEASES_DIR current_link=$CURRENT_LINK env_dir=$ENV_DIR env_file=$ENV_FILE \
    state_dir=$STATE_DIR unit_dir=$UNIT_DIR
  release_dir=$releases_dir/$version-${sha256:0:12}
  extra_names=()
  for f in "${extra_units[@]}"; do extra_names+=("${f##*/}"); done
}

# --- helpers ---------------------------------------------------------------------------------

journal_tail() {
  local unit=${1:-$svc_unit}
  # journald reads the service's output asynchronously and lags behind a busy service: let it
  # catch up, or the last lines (often the reason for the failure) are not there yet.
  journalctl --sync 2>/dev/null || true
  sleep 1
  # Only this release's lines: an earlier attempt's would read as this one's.
  # (journalctl's -n with --since counts from the start of that window: the tail is taken here.)
  echo "--- last 50 journal lines of $unit since this release began (journalctl -u $unit --since '$release_started' | tail -n 50) ---" >&2
  { journalctl -u "$unit" --since "$release_started" --no-pager 2>&1 || true; } | tail -n 50 >&2
  echo "--- end of journal ---" >&2
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
    same_file "$new_env" "$env_file" || return 1
  if [[ -n "$slot_ports" ]]; then
    local f
    for f in "${extra_units[@]}"; do
      # shellcheck disable=SC2310 # a predicate
      same_file "$f" "$unit_dir/${f##*/}" || return 1
    done
    local slot
    slot=$(current_slot)
    [[ -n "$slot" ]] || return 1
    use_slot "$slot"
    linked=$(readlink "$slot_binary_link" 2>/dev/null) || return 1
    [[ "$linked" == "$release_dir" ]] &&
      systemctl is-active --quiet "$slot_app" && systemctl is-active --quiet "$sock_unit" &&
      systemctl is-enabled --quiet "$slot_app" && systemctl is-enabled --quiet "$sock_unit"
  else
    systemctl is-active --quiet "$svc_unit" && systemctl is-active --quiet "$sock_unit" &&
      systemctl is-enabled --quiet "$svc_unit" && systemctl is-enabled --quiet "$sock_unit"
  fi
}

# Keeps copies of what this release replaces, so a rollback restores units and env file too.
backup_installed() {
  rm -rf "$state_dir/rollback"
  install -d -m 0700 "$state_dir/rollback"
  local f
  for f in "$svc_unit" "$sock_unit" "${extra_names[@]}"; do
    [[ -f "$unit_dir/$f" ]] && cp -p "$unit_dir/$f" "$state_dir/rollback/"
  done
  [[ -f "$env_file" ]] && cp -p "$env_file" "$state_dir/rollback/"
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
  local f
  for f in "${extra_units[@]}"; do install -m 0644 "$f" "$unit_dir/${f##*/}"; done
  mv -f "$new_env" "$env_file"
  systemctl daemon-reload
  if [[ -n "$slot_ports" ]]; then
    # The front proxy starts with the first connection on the socket (it has no [Install]; a
    # single unit before it was enabled), and each slot is enabled when it serves.
    systemctl disable --quiet "$svc_unit" 2>/dev/null || true
    systemctl enable --quiet "$sock_unit"
  else
    systemctl enable --quiet "$sock_unit" "$svc_unit"
  fi
}

restore_backup() {
  local f
  for f in "$svc_unit" "$sock_unit" "${extra_names[@]}"; do
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
    link_atomically "$previous" "$current_link"
    restore_backup
    # shellcheck disable=SC2310 # both return their own status and say why in failed_check
    if restart_service && wait_until_serving "$port" "$previous_version"; then
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

# --- slots (--slot-ports: the app binds its port itself): lib.sh's run_slot_release, these steps ---

# Sets the slot_* names for blue or green from the contract (BLUE_APP_UNIT, ...).
use_slot() {
  local prefix=${1^^}_ name
  name=${prefix}APP_UNIT; slot_app=${!name}
  name=${prefix}BRIDGE_SOCKET_UNIT; slot_bridge_socket=${!name}
  name=${prefix}BRIDGE_SERVICE_UNIT; slot_bridge_service=${!name}
  name=${prefix}BINARY_LINK; slot_binary_link=${!name}
}

slot_start() {
  use_slot "$1"
  install -d -m 0755 "${slot_binary_link%/*}"
  link_atomically "$release_dir" "$slot_binary_link"
  systemctl reset-failed "$slot_app" 2>/dev/null || true
  systemctl restart "$slot_app" || {
    failed_check="start: systemctl restart $slot_app failed"
    return 1
  }
}

slot_serve() {
  use_slot "$1"
  systemctl enable --quiet "$slot_app" "$slot_bridge_socket"
  systemctl start "$slot_bridge_socket"
}

slot_front() {
  systemctl start "$sock_unit"
  # A changed front unit (the first slot release after a single unit, or a new proxy unit):
  # restart it now that the link is in place; the socket queues connections meanwhile.
  if [[ "$front_changed" == true ]] && systemctl is-active --quiet "$svc_unit"; then
    systemctl restart "$svc_unit"
  fi
  link_atomically "$release_dir" "$current_link"
}

slot_retire() {
  use_slot "$1"
  systemctl disable --now --quiet "$slot_app" "$slot_bridge_socket" 2>/dev/null || true
  systemctl stop "$slot_bridge_service" 2>/dev/null || true
}

slot_logs() {
  use_slot "$1"
  journal_tail "$slot_app"
}

# The units and env file as they were, and the release link back at what the old slot runs.
slot_undo() {
  restore_backup
  if [[ -n "$previous" ]]; then link_atomically "$previous" "$current_link"; fi
}

# A single unit again after slots: the slots' units go (their releases stay until pruned).
remove_slot_units() {
  local slot
  for slot in blue green; do
    slot_retire "$slot"
    rm -f "$unit_dir/$slot_app" "$unit_dir/$slot_bridge_socket" "$unit_dir/$slot_bridge_service"
  done
  rm -f "$SLOT_LINK"
  systemctl daemon-reload
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

# --- the app's state folder left by an earlier release -------------------------------------------

# With DynamicUser= systemd keeps the state tree in /var/lib/private/TOP and links /var/lib/TOP to
# it. A release whose StateDirectory= named only a nested folder (app/db without app: gin-deploy
# before every level was an entry, or extraDirectives) left /var/lib/TOP as root's own folder of
# links into private/TOP, and every later layout that makes TOP the app's fails to start with
# "Failed to set up special execution directory in /var/lib: File exists" (238/STATE_DIRECTORY).
# Repaired here, before any unit changes: the links to where they point go, anything else in
# /var/lib/TOP moves to the same place in private/TOP, and /var/lib/TOP goes, so systemd links it
# (and gives the whole tree to the app) at the start. The data stays where it was. A name that is
# in both places is refused with nothing changed. Says what it did in one line.
repair_state_layout() {
  local top=${APP_STATE_DIR:-} private=${APP_PRIVATE_STATE_DIR:-}
  [[ -n "$top" && -d "$top" && ! -L "$top" && -d "$private" ]] || return 0
  local entry rel target entries=() empty=() links=() moves=() clashes=()
  # Listed before anything moves, and a failed listing changes nothing: a partial one would lose files.
  local listing
  listing=$(mktemp) || die "cannot list the state folder $top: mktemp failed"
  find "$top" -mindepth 1 -print0 >"$listing" || { rm -f "$listing"; die "cannot list the state folder $top; nothing was changed"; }
  mapfile -d '' -t entries <"$listing"
  find "$top" -mindepth 1 -type d -empty -print0 >"$listing" || { rm -f "$listing"; die "cannot list the state folder $top; nothing was changed"; }
  mapfile -d '' -t empty <"$listing"
  rm -f "$listing"
  for entry in "${entries[@]}"; do
    rel=${entry#"$top"/}
    target=""
    if [[ -L "$entry" ]]; then target=$(readlink -f "$entry") || target=""; fi
    if [[ -n "$target" && "$target" == "$private/$rel" ]]; then
      links+=("$rel")
    elif [[ -d "$entry" && ! -L "$entry" ]]; then
      continue # walked into; an empty one is recreated below
    elif [[ -e "$private/$rel" || -L "$private/$rel" ]]; then
      clashes+=("$rel")
    else
      moves+=("$rel")
    fi
  done
  if ((${#clashes[@]})); then
    die "the state folder $top (an earlier release's layout: root's folder beside systemd's $private) and $private both hold ${clashes[*]}; nothing was changed. Fix: keep one of each over SSH (e.g. mv $top/${clashes[0]} /root/), then release again"
  fi
  for rel in "${moves[@]}"; do
    install -d "$(dirname "$private/$rel")"
    mv -T "$top/$rel" "$private/$rel"
  done
  # Folders that held nothing are kept as folders in private/TOP.
  for entry in "${empty[@]}"; do install -d "$private/${entry#"$top"/}"; done
  rm -rf "$top"
  log "state layout: $top was an earlier release's nested layout (root's folder of links into $private, which systemd refuses); removed ${#links[@]} link(s) (${links[*]:-none}), moved ${#moves[@]} entr(y/ies) into $private; systemd now links $top to $private, data kept"
}

# The state folder's top is recorded at each release that serves: one that changed is said, and the earlier
# one is kept as it was (another folder is another store: its files are not moved).
note_state_change() {
  local recorded now=${APP_STATE_DIR:-}
  recorded=$(cat "$state_dir/state-directory" 2>/dev/null || true)
  if [[ -n "$recorded" && "$recorded" != "$now" ]] && [[ -e "$recorded" || -e "${recorded%/*}/private/${recorded##*/}" ]]; then
    log "state layout: this release's state folder is ${now:-none}; the earlier release's $recorded is kept as it was (to carry its data over, move its files into ${now:-the new folder} over SSH)"
  fi
  if [[ -n "$now" ]]; then echo "$now" >"$state_dir/state-directory"; else rm -f "$state_dir/state-directory"; fi
}

# A service name is this deploy's on a host only once it has claimed it there. Until then nothing
# of that name may exist: no unit (packaged or local) and neither the env nor the app folder.
# Without this, serviceName "ssh" would overwrite ssh.service and a destroy would remove /etc/ssh.
claim_service_name() {
  local owned=${CLAIM_MARKER:-$state_dir/owned} found=() unit path
  [[ -f "$owned" ]] && return 0
  # Installed by a gin-deploy from before the claim: only its installs leave rollback copies.
  if [[ -d "$state_dir/rollback" ]]; then
    : >"$owned"
    return 0
  fi
  for unit in "$svc_unit" "$sock_unit" "${extra_names[@]}"; do
    if [[ -e "$unit_dir/$unit" ]] || systemctl cat "$unit" >/dev/null 2>&1; then found+=("the unit $unit"); fi
  done
  for path in "$env_dir" "$APP_DIR"; do
    if [[ -e "$path" ]]; then found+=("$path"); fi
  done
  if ((${#found[@]})); then
    die "serviceName '$service' names what this host already has and gin-deploy did not install (${found[*]}); nothing was changed. Fix: pick another serviceName, e.g. gin-$service"
  fi
  : >"$owned"
}

main() {
  # When this release began, in journalctl's --since form: the failure output shows no earlier line.
  release_started=$(date '+%Y-%m-%d %H:%M:%S')
  parse_args "$@"
  local started=$SECONDS
  install -d -m 0700 "$state_dir"
  exec 9>"$state_dir/lock"
  flock -w 120 9 || die "another release of $service is still running on this host (lock $state_dir/lock)"
  claim_service_name

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
  repair_state_layout
  backup_installed
  front_changed=false
  # shellcheck disable=SC2310 # a predicate
  same_file "$staged_service_unit" "$unit_dir/$svc_unit" || front_changed=true
  install_units_and_env
  touch "$release_dir"

  failed_check=""
  if [[ -n "$slot_ports" ]]; then
    run_slot_release
  else
    link_atomically "$release_dir" "$current_link"
    # shellcheck disable=SC2310 # both return their own status and say why in failed_check
    restart_service || fail_release "$previous"
    # shellcheck disable=SC2310 # the same
    wait_until_serving "$port" "$version" || fail_release "$previous"
    if [[ -f "$unit_dir/$BLUE_APP_UNIT" || -f "$unit_dir/$GREEN_APP_UNIT" ]]; then remove_slot_units; fi
  fi

  if [[ -n "$previous" && "$previous" != "$release_dir" ]]; then echo "$previous" >"$state_dir/previous"; fi
  note_state_change
  rm -f "$staged_binary"
  prune_releases
  apply_firewall
  echo "installed: $service $version ($(basename "$release_dir")) serving on port $port in $((SECONDS - started))s"
}

main "$@"
