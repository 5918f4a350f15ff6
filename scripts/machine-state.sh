#!/usr/bin/env bash
# What `npm test` starts and changes on the machine, recorded before the suites and undone after
# them, so the machine ends as it began:
#   bash scripts/machine-state.sh save DIR      record: which local registries of this checkout
#                                              run, which local host containers exist, is dockerd
#                                              running, iptables rules and chains (IPv4 and IPv6,
#                                              every table), forwarding sysctls, whether docker0 exists
#   bash scripts/machine-state.sh restore DIR   stop the registries (local/registry.sh) and remove
#                                              the host containers (gd-*, gin-deploy-host, made by
#                                              local/host.sh or the EC2 twin) that a suite started
#                                              and left; then, if dockerd was not running before:
#                                              stop it, remove the iptables rules and chains that
#                                              were not there before, put the sysctls back, remove
#                                              docker0
# Each suite stops what it started; what one left behind (a failed start, a crashed `after` hook)
# is stopped here and named on stderr, and restore then exits 3, so `npm test` says so instead of
# the next run finding the port taken. Other exits: 1, restore could not undo something.
# dockerd is started by local/host.sh for the host, container and cluster suites; it makes its
# DOCKER* chains, turns on IP forwarding and creates the docker0 bridge, and none of that goes away
# when it stops. Only what was added is removed: registries, containers, rules and chains that were
# there before stay.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

die() { echo "machine-state: $*" >&2; exit 1; }
(($# == 2)) || die "usage: bash scripts/machine-state.sh save|restore DIR"
action=$1 dir=$2
sysctls=(net.ipv4.ip_forward net.ipv6.conf.all.forwarding)
tables=(filter nat mangle raw)
# The label local/host.sh and the EC2 twin put on their containers, and the names the suites use.
host_label=io.gin-deploy.local-host
host_names='^(gd-.+|gin-deploy-host)$'
left_behind=0

# "PORT PID" per registry of this checkout that runs (local/registry.sh keeps them per checkout).
registries() { bash "$root/local/registry.sh" list; }

# The names of the local host containers (running or not), when the engine answers.
host_containers() {
  local state
  state=$(docker_state)
  [[ "$state" == yes ]] || return 0
  docker ps -a --filter "label=$host_label" --format '{{.Names}}' | grep -E "$host_names" || true
}

# Prints yes or no.
docker_state() {
  local state=no
  command -v docker >/dev/null && docker info >/dev/null 2>&1 && state=yes
  echo "$state"
}

# One line per rule or chain of a table, as `iptables -S` prints them ("-N CHAIN", "-A CHAIN ...").
rules_of() {
  local tool=$1 table=$2
  command -v "$tool" >/dev/null || return 0
  "$tool" -w 10 -t "$table" -S 2>/dev/null || true
}

save() {
  mkdir -p "$dir"
  registries >"$dir/registries"
  host_containers >"$dir/host-containers"
  docker_state >"$dir/dockerd"
  local tool table name
  for tool in iptables ip6tables; do
    for table in "${tables[@]}"; do rules_of "$tool" "$table" >"$dir/$tool-$table.rules"; done
  done
  for name in "${sysctls[@]}"; do sysctl -n "$name" >"$dir/$name" 2>/dev/null || true; done
  if ip link show docker0 >/dev/null 2>&1; then echo yes >"$dir/docker0"; else echo no >"$dir/docker0"; fi
}

stop_dockerd() {
  local pid i
  pid=$(cat /var/run/docker.pid 2>/dev/null || pgrep -xo dockerd || true)
  [[ -n "$pid" ]] || return 0
  echo "machine-state: stopping dockerd (pid $pid), which the suites started"
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 60; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.5
  done
  die "dockerd (pid $pid) did not stop within 30 s of SIGTERM"
}

# Deletes, newest first, the rules added since `save`, flushes and deletes the added chains, and
# puts back the built-in chains' policies.
undo_rules() {
  local tool=$1 table=$2 before=$3 line
  [[ -f "$before" ]] || return 0
  local -a added_rules=() added_chains=() changed_policies=()
  local current
  current=$(rules_of "$tool" "$table")
  while IFS= read -r line; do
    grep -qxF -- "$line" "$before" && continue
    case "$line" in
      "-A "*) added_rules+=("${line#-A }") ;;
      "-N "*) added_chains+=("${line#-N }") ;;
      "-P "*) changed_policies+=("${line#-P }") ;;
    esac
  done <<<"$current"
  local i
  for ((i = ${#added_rules[@]} - 1; i >= 0; i--)); do
    # The rule's words as iptables -S printed them (quoted comments included).
    eval "set -- ${added_rules[i]}"
    "$tool" -w 10 -t "$table" -D "$@" 2>/dev/null || true
  done
  for line in "${added_chains[@]}"; do "$tool" -w 10 -t "$table" -F "$line" 2>/dev/null || true; done
  for line in "${added_chains[@]}"; do "$tool" -w 10 -t "$table" -X "$line" 2>/dev/null || true; done
  # A built-in chain's policy as it was (dockerd sets FORWARD to DROP).
  local chain saved_policy
  for line in "${changed_policies[@]}"; do
    chain=${line%% *}
    saved_policy=$(awk -v c="$chain" '$1 == "-P" && $2 == c { print $3 }' "$before")
    if [[ -n "$saved_policy" ]]; then "$tool" -w 10 -t "$table" -P "$chain" "$saved_policy" 2>/dev/null || true; fi
  done
}

# Stops the registries that run now and did not at `save`: a suite started them and left them.
stop_left_registries() {
  local port pid now
  # shellcheck disable=SC2310 # one command; its status is the answer
  now=$(registries) || die "local/registry.sh list failed"
  while read -r port pid; do
    [[ -n "$port" ]] || continue
    grep -qxF -- "$port $pid" "$dir/registries" && continue
    echo "machine-state: the local registry on 127.0.0.1:$port (pid $pid) was left running by a suite: stopping it" >&2
    left_behind=1
    GIN_DEPLOY_REGISTRY_PORT=$port bash "$root/local/registry.sh" stop ||
      die "could not stop the registry on 127.0.0.1:$port (pid $pid)"
  done <<<"$now"
}

# Removes the local host containers that exist now and did not at `save`.
remove_left_containers() {
  local name now
  # shellcheck disable=SC2310 # the same
  now=$(host_containers) || die "could not list the local host containers"
  while read -r name; do
    [[ -n "$name" ]] || continue
    grep -qxF -- "$name" "$dir/host-containers" && continue
    echo "machine-state: the local host container $name was left by a suite: removing it" >&2
    left_behind=1
    docker rm -f "$name" >/dev/null || die "could not remove the container $name"
  done <<<"$now"
}

restore() {
  [[ -f "$dir/dockerd" ]] || die "nothing saved in $dir (run 'save' first)"
  # Saved by an older machine-state.sh: nothing recorded means nothing ran.
  [[ -f "$dir/registries" ]] || : >"$dir/registries"
  [[ -f "$dir/host-containers" ]] || : >"$dir/host-containers"
  stop_left_registries
  # Before dockerd stops: a stopped engine's containers come back with it.
  remove_left_containers
  local was_running now_running had_bridge
  was_running=$(cat "$dir/dockerd")
  had_bridge=$(cat "$dir/docker0")
  now_running=$(docker_state)
  if [[ "$was_running" == no && "$now_running" == yes ]]; then
    stop_dockerd
    now_running=no
  fi
  local tool table name saved current
  # A running engine keeps its own rules (for containers that were there before); it removes the
  # rules of the containers the suites removed.
  if [[ "$now_running" == no ]]; then
    for tool in iptables ip6tables; do
      for table in "${tables[@]}"; do undo_rules "$tool" "$table" "$dir/$tool-$table.rules"; done
    done
  fi
  for name in "${sysctls[@]}"; do
    [[ -s "$dir/$name" ]] || continue
    saved=$(cat "$dir/$name")
    current=$(sysctl -n "$name" 2>/dev/null || true)
    [[ "$current" == "$saved" ]] || sysctl -qw "$name=$saved" || true
  done
  if [[ "$had_bridge" == no && "$now_running" == no ]] && ip link show docker0 >/dev/null 2>&1; then
    ip link delete docker0 || true
  fi
  if ((left_behind)); then exit 3; fi
}

case "$action" in
  save) save ;;
  restore) restore ;;
  *) die "unknown action '$action'; usage: bash scripts/machine-state.sh save|restore DIR" ;;
esac
