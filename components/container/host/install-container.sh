#!/usr/bin/env bash
# Container mode on a host with Docker and systemd: uploaded by ContainerService and run as root.
#
#   install-container.sh env                              the app's env file, read from stdin (0600)
#   install-container.sh login   --server S --username U  docker login, the password read from stdin
#   install-container.sh release --image REPO@sha256:... --version V --port P
#                                --slot-ports BLUE,GREEN [--health-timeout S]
#                                [--network bridge|container:ID]
#                                [--health-path /PATH] [--version-check on|off]
#                                [--state-volume NAME --state-mount /PATH --state-owner UID:GID]
#                                [--drain-timeout S] [--allow-root-user]
#
# A release is lib.sh's run_slot_release, the same as systemd mode's slots, with the steps below
# (slot_start, ...): it starts the image in the idle slot beside the running one, waits until it
# answers the health path and reports version V at /version (unless --version-check off: then the
# release is known by its digest), points the front proxy at it by renaming one symlink, checks
# the public port, waits (up to --drain-timeout) until the old slot's connections are closed and
# only then stops it (docker stop: the app drains on SIGTERM too). A --state-volume is created
# when missing, made writable by UID:GID, and mounted by both slots (the units name it); only
# uninstall-container.sh --remove-state-volume deletes it. If the new slot fails, it is stopped,
# the old one never stopped serving, and the release fails with the new container's last 50 log
# lines. The app runs as the image's own user (its USER), given to `docker run --user`; an image
# whose user is root or unset is refused unless --allow-root-user.
# The service's name, paths, every value's rule and the defaults come from the host contract
# (contract.sh beside this script, rendered from components/container/layout.ts and
# components/rules/); the units it installs come from components/container/renderers/units.ts via
# the staging folder.
set -euo pipefail

script_name=install-container
# shellcheck source=components/shared/host/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

image="" network="" server="" username=""
state_volume="" state_mount="" state_owner="" allow_root_user=0 app_user=""

parse_args() {
  while (($#)); do
    case "$1" in
      --port | --version | --slot-ports | --health-path | --health-timeout | --drain-timeout | --version-check)
        release_option "$1" "${2:-}"; shift 2 ;;
      --image) image=${2:?--image needs a value}; shift 2 ;;
      --network) network=${2:?--network needs bridge or container:ID}; shift 2 ;;
      --server) server=${2:?--server needs a registry host}; shift 2 ;;
      --username) username=${2:?--username needs a value}; shift 2 ;;
      --state-volume) state_volume=${2:?--state-volume needs a volume name}; shift 2 ;;
      --state-mount) state_mount=${2:?--state-mount needs a container path}; shift 2 ;;
      --state-owner) state_owner=${2:?--state-owner needs UID:GID}; shift 2 ;;
      --allow-root-user) allow_root_user=1; shift ;;
      *) die "unknown argument '$1' (see the usage at the top of this script)" ;;
    esac
  done
}

require_service() {
  load_contract
  # shellcheck disable=SC2153 # the upper-case names are the contract's, which load_contract sourced
  service=$SERVICE_NAME config_dir=$CONFIG_DIR state_dir=$STATE_DIR staging=$STAGING_DIR
}

# A service name is this deploy's on a host only once it has claimed it there. Until then no unit
# of that name may exist (packaged or local): serviceName "ssh" would otherwise overwrite
# ssh.socket and ssh.service, and a destroy would disable them. Its folders are gin-deploy's own.
claim_service_name() {
  local owned=${CLAIM_MARKER:-$state_dir/owned} found=() unit
  [[ -f "$owned" ]] && return 0
  # Installed by a gin-deploy from before the claim: its env folder is there. (An instance's first
  # boot claims the name for the units its user data installs: the marker is already there.)
  if [[ ! -d "$config_dir" ]]; then
    for unit in "$service.socket" "$service.service" "$service-slot@.socket" "$service-slot@.service" "$service-container@.service"; do
      if [[ -e "/etc/systemd/system/$unit" ]] || systemctl cat "$unit" >/dev/null 2>&1; then found+=("$unit"); fi
    done
    if ((${#found[@]})); then
      die "serviceName '$service' names units this host already has and gin-deploy did not install (${found[*]}); nothing was changed. Fix: pick another serviceName, e.g. gin-$service"
    fi
  fi
  install -d -m 0755 "$state_dir"
  : >"$owned"
}

# --- env: the app's settings, secrets included, from stdin into a 0600 file ------------------------

cmd_env() {
  require_service
  claim_service_name
  # The state folder holds the front proxy's symlink, which its unprivileged user must reach.
  install -d -m 0700 "$config_dir"
  install -d -m 0755 "$state_dir"
  local tmp
  tmp=$(mktemp "$config_dir/.next.env.XXXXXX")
  chmod 0600 "$tmp"
  cat >"$tmp"
  mv -f "$tmp" "$config_dir/next.env"
  log "env file staged for the next release ($config_dir/next.env, mode 0600)"
}

# --- login: registry credentials, the password from stdin -----------------------------------------

cmd_login() {
  [[ -n "$server" && -n "$username" ]] || die "login needs --server and --username (the password comes on stdin)"
  docker login --username "$username" --password-stdin "$server" >/dev/null
  log "logged in to $server"
}

# --- release --------------------------------------------------------------------------------------

# Where the app container's network lives: its own, on Docker's bridge, with its slot port published
# on the host's 127.0.0.1 only (never the host's network: on AWS the instance's metadata hop limit
# of 1 then keeps the instance role out of the app's reach). On a host that is itself a container
# of another machine's engine (the local stack, the EC2 twin), a port that engine publishes lands
# on that machine, not in the host: there the app joins the host container's namespace
# (container:ID), which is the local stack's own network, with no metadata service.
detect_network() {
  local id
  id=$(grep -o '/containers/[0-9a-f]\{64\}/' /proc/self/mountinfo 2>/dev/null | head -n1 | cut -d/ -f3 || true)
  if [[ -n "$id" ]] && docker inspect --format '{{.Id}}' "$id" >/dev/null 2>&1; then
    echo "container:$id"
  else
    echo bridge
  fi
}

# The slot's network lines for its container unit: NETWORK, PUBLISH (docker run's --publish, or
# empty) and APP_HOST (the address the app binds inside its namespace).
network_conf() {
  local listen_port=$1
  case "$network" in
    bridge) printf 'NETWORK=bridge\nPUBLISH=--publish=127.0.0.1:%s:%s\nAPP_HOST=0.0.0.0\n' "$listen_port" "$listen_port" ;;
    container:*) printf 'NETWORK=%s\nPUBLISH=\nAPP_HOST=127.0.0.1\n' "$network" ;;
    *) die "--network '$network' is not bridge or container:ID (the host's network is never used: it would give the app the instance's metadata service)" ;;
  esac
}

install_units() {
  local changed=0 f name
  [[ -d "$staging/units" ]] || die "no units in $staging/units: upload them before the release"
  for f in "$staging"/units/*; do
    name=${f##*/}
    if ! cmp -s "$f" "/etc/systemd/system/$name"; then
      install -m 0644 "$f" "/etc/systemd/system/$name"
      changed=1
    fi
  done
  if ((changed)); then systemctl daemon-reload; log "units installed"; fi
}

write_slot() {
  local slot=$1 tmp listen_port
  listen_port=$(slot_port "$slot")
  tmp=$(mktemp "$config_dir/.slot.XXXXXX")
  { printf 'IMAGE=%s\nSLOT_PORT=%s\nVERSION=%s\nAPP_USER=%s\n' "$image" "$listen_port" "$version" "$app_user" && network_conf "$listen_port"; } >"$tmp"
  chmod 0644 "$tmp"
  mv -f "$tmp" "$config_dir/slot-$slot.conf"
  install -m 0600 "$config_dir/next.env" "$config_dir/slot-$slot.env"
}

# The user the app runs as: the image's own (its USER), given explicitly to `docker run --user`.
# An image without one, or with root, would run the app as root: refused unless --allow-root-user.
image_user() {
  local user
  user=$(docker image inspect --format '{{.Config.User}}' "$image") || die "cannot read the user of $image"
  [[ -z "$user" || "$user" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$ ]] ||
    die "image $image has the user '$user', which is not USER[:GROUP]"
  case "${user%%:*}" in
    "" | 0 | root)
      ((allow_root_user)) ||
        die "image $image runs as root (its USER is ${user:-unset}); nothing was started. Fix: end its Dockerfile with a non-root USER (e.g. USER 65532:65532), or set allowRootUser: true on ContainerService to run it as root"
      echo "${user:-0:0}"
      ;;
    *) echo "$user" ;;
  esac
}

# The state volume: created once, its root handed to the app's user at every release; its content
# is never touched. The app image may hold no shell or chown, so the owner comes from a directory
# entry in a tar stream, unpacked with `docker cp --archive` into a created, never started
# container of an empty image imported here (an image with a USER would make the engine look that
# user up in its own passwd and chown to it instead), which is removed again at once.
ensure_state_volume() {
  [[ -n "$state_volume" ]] || return 0
  local helper="$service-state-init" helper_image="gin-deploy/$service-state-init:empty"
  local tmp parent=${state_mount%/*} base=${state_mount##*/} ok=1
  if ! docker volume inspect "$state_volume" >/dev/null 2>&1; then
    docker volume create --label "io.gin-deploy.service=$service" "$state_volume" >/dev/null
    log "created the state volume $state_volume"
  fi
  docker rm --force "$helper" >/dev/null 2>&1 || true
  tmp=$(mktemp -d)
  mkdir -m 0750 "$tmp/$base"
  tar -cf - -T /dev/null | docker import --message "gin-deploy: empty, to set a volume's owner" - "$helper_image" >/dev/null
  docker create --name "$helper" --network none --label "io.gin-deploy.service=$service" \
    --mount "type=volume,source=$state_volume,target=$state_mount" "$helper_image" /none >/dev/null
  tar --numeric-owner --owner="${state_owner%%:*}" --group="${state_owner##*:}" -C "$tmp" -cf - "$base" |
    docker cp --archive - "$helper:${parent:-/}" || ok=0
  rm -rf "$tmp"
  docker rm --force "$helper" >/dev/null 2>&1 || true
  docker image rm "$helper_image" >/dev/null 2>&1 || true
  ((ok)) || die "cannot hand the state volume $state_volume to $state_owner"
  log "state volume $state_volume at $state_mount, owned by $state_owner"
}

# --- the steps of lib.sh's run_slot_release ---------------------------------------------------------

slot_start() {
  write_slot "$1"
  systemctl restart "$service-container@$1.service" || {
    failed_check="start: systemctl restart $service-container@$1.service failed"
    return 1
  }
}

slot_serve() {
  systemctl enable "$service-container@$1.service" >/dev/null 2>&1
  systemctl enable --now "$service-slot@$1.socket" >/dev/null 2>&1
}

slot_front() { systemctl enable --now "$service.socket" >/dev/null 2>&1; }

slot_retire() {
  systemctl disable --now "$service-container@$1.service" >/dev/null 2>&1 || true
  systemctl disable --now "$service-slot@$1.socket" >/dev/null 2>&1 || true
  systemctl stop "$service-slot@$1.service" >/dev/null 2>&1 || true
  rm -f "$config_dir/slot-$1.env" "$config_dir/slot-$1.conf"
}

slot_logs() {
  log "last 50 log lines of $service-$1:"
  { docker logs --tail 50 "$service-$1" 2>&1 || journalctl --no-pager -n 50 -u "$service-container@$1" 2>&1 || true; } >&2
}

# The units stay (both slots use the same ones) and each slot's files go with it.
slot_undo() { :; }

cmd_release() {
  require_service
  claim_service_name
  check_release_options
  [[ -n "$slot_ports" ]] || die "--slot-ports BLUE,GREEN is required: container releases always go to a slot"
  [[ "$image" =~ $PINNED_IMAGE_PATTERN ]] ||
    die "--image '$image' must be pinned by digest (REPOSITORY@sha256:<64 hex>)"
  [[ -f "$config_dir/next.env" ]] ||
    die "no env file at $config_dir/next.env: run '$0 env' first"
  command -v docker >/dev/null || die "docker is not installed on this host (container mode needs it)"
  if [[ -n "$state_volume" ]]; then
    [[ "$state_volume" =~ $STATE_VOLUME_PATTERN ]] || die "--state-volume '$state_volume' is not a volume name"
    [[ "$state_mount" =~ $CONTAINER_PATH_PATTERN ]] || die "--state-mount '$state_mount' must be an absolute container path"
    [[ "$state_owner" =~ $UID_GID_PATTERN ]] || die "--state-owner '$state_owner' must be UID:GID"
    command -v tar >/dev/null || die "tar is not installed on this host (the state volume's owner is set with it)"
  fi

  local started=$SECONDS slot
  [[ -n "$network" ]] || network=$(detect_network)
  network_conf 0 >/dev/null
  install_units
  if ! docker image inspect "$image" >/dev/null 2>&1; then
    log "pulling $image"
    docker pull --quiet "$image" >/dev/null || die "cannot pull $image: is the host logged in to its registry?"
  fi
  app_user=$(image_user)
  ensure_state_volume

  run_slot_release
  slot=$(current_slot)
  printf '{"service":"%s","slot":"%s","image":"%s","version":"%s","network":"%s","releaseSeconds":%s}\n' \
    "$service" "$slot" "$image" "$version" "$network" "$((SECONDS - started))"
}

command=${1:-}
shift || true
parse_args "$@"
case "$command" in
  env) cmd_env ;;
  login) cmd_login ;;
  release) cmd_release ;;
  *) die "usage: install-container.sh env|login|release [options] (see the top of this script)" ;;
esac
