#!/usr/bin/env bash
# The local Linux host: a Debian container with systemd as PID 1 and sshd, published on
# 127.0.0.1 only, reached with a key generated once per checkout. Deploys and suites target it.
#
#   bash local/host.sh start    build the image if its recipe changed, start the host, wait for sshd
#   bash local/host.sh stop     remove the host container this script started
#   bash local/host.sh status   one JSON object: name, running, sshHost, sshPort, appPort, user, privateKeyPath,
#                               hostKey (the host's SSH host key, read through Docker, not over the network), image
#   bash local/host.sh ssh [CMD...]   a shell (or a command) on the host as root
#
# Overrides (so suites can run side by side): GIN_DEPLOY_HOST_NAME (gin-deploy-host),
# GIN_DEPLOY_HOST_SSH_PORT (2222), GIN_DEPLOY_HOST_APP_PORT (18080),
# GIN_DEPLOY_HOST_EXTRA_ARGS (extra `docker run` arguments, split on spaces),
# GIN_DEPLOY_DEBIAN_MIRROR (default: the machine's configured Debian mirror).
#
# `source local/host.sh` defines the functions (ensure_docker, ...) without running a command.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
state_dir="$repo_root/.gin-deploy"
recipe_dir="$repo_root/local/host-image"
host_name=${GIN_DEPLOY_HOST_NAME:-gin-deploy-host}
ssh_port=${GIN_DEPLOY_HOST_SSH_PORT:-2222}
app_port=${GIN_DEPLOY_HOST_APP_PORT:-18080}
extra_args=${GIN_DEPLOY_HOST_EXTRA_ARGS:-}
key_path="$state_dir/ssh/id_ed25519"
# Images are shared by the whole machine, so their build lock is too.
lock_dir=${GIN_DEPLOY_LOCK_DIR:-/tmp}
host_label=io.gin-deploy.local-host

log() { echo "host.sh: $*" >&2; }
die() { log "$*"; exit 1; }

validate_settings() {
  [[ "$host_name" =~ ^[a-zA-Z0-9][a-zA-Z0-9_.-]*$ ]] ||
    die "GIN_DEPLOY_HOST_NAME='$host_name' is not a valid container name (letters, digits, _ . -)"
  local var value
  for var in GIN_DEPLOY_HOST_SSH_PORT:"$ssh_port" GIN_DEPLOY_HOST_APP_PORT:"$app_port"; do
    value=${var#*:}
    if [[ ! "$value" =~ ^[0-9]+$ ]] || ((value < 1 || value > 65535)); then
      die "${var%%:*}='$value' is not a TCP port; give a number from 1 to 65535"
    fi
  done
}

# --- Docker engine ---------------------------------------------------------------------------

apt_install() {
  bash "$repo_root/scripts/apt-install.sh" "$@" || die "could not install $*; install them and run again"
}

ensure_docker() {
  if ! command -v docker >/dev/null || ! command -v dockerd >/dev/null; then apt_install docker.io; fi
  docker info >/dev/null 2>&1 && return 0
  local uid
  uid=$(id -u)
  [[ "$uid" -eq 0 ]] || die "the Docker engine is not running and starting it needs root"
  mkdir -p "$state_dir"
  (
    # One caller starts the engine; the others wait for it.
    flock -w 120 9 || die "timed out waiting for $lock_dir/gin-deploy-dockerd.lock"
    if ! docker info >/dev/null 2>&1; then
      log "starting dockerd (log: $state_dir/dockerd.log)"
      # fd 9 (the lock) is closed for dockerd, or the daemon would hold the lock for its lifetime.
      nohup dockerd >>"$state_dir/dockerd.log" 2>&1 </dev/null 9>&- &
      local i
      for ((i = 0; i < 60; i++)); do
        [[ -S /var/run/docker.sock ]] && docker info >/dev/null 2>&1 && exit 0
        sleep 1
      done
      tail -n 20 "$state_dir/dockerd.log" >&2
      die "dockerd did not answer within 60 s (log above)"
    fi
  ) 9>"$lock_dir/gin-deploy-dockerd.lock"
}

# --- Image -----------------------------------------------------------------------------------

recipe_hash() {
  (cd "$recipe_dir" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) |
    sha256sum | cut -c1-12
}

image_tag() {
  local hash
  # shellcheck disable=SC2310 # one pipeline: pipefail gives its status
  hash=$(recipe_hash) || return 1
  echo "gin-deploy-host:$hash"
}

# The Debian mirror this machine already uses (apt sources, deb822 or one-line), for bookworm.
debian_mirror() {
  if [[ -n "${GIN_DEPLOY_DEBIAN_MIRROR:-}" ]]; then echo "$GIN_DEPLOY_DEBIAN_MIRROR"; return; fi
  local found
  found=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '
      /^[[:space:]]*$/ { if (uri != "" && suites ~ /(^| )bookworm( |$)/) { print uri; exit } uri = ""; suites = ""; next }
      /^URIs:/ { uri = $2 }
      /^Suites:/ { $1 = ""; suites = $0 " " }
      END { if (uri != "" && suites ~ /(^| )bookworm( |$)/) print uri }' | head -n1)
  if [[ -z "$found" ]]; then
    found=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
      sed -E 's/\[[^]]*\]//' | awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }')
  fi
  echo "${found:-http://deb.debian.org/debian}"
}

# Removes the images of REPOSITORY built from earlier recipes (every tag but KEEP) that no
# container uses any more: each recipe change would otherwise leave one more image behind.
remove_stale_images() {
  local repository=$1 keep=$2 image users
  for image in $(docker images --format '{{.Repository}}:{{.Tag}}' "$repository"); do
    [[ "$image" == "$keep" ]] && continue
    # An image whose users cannot be listed is kept.
    users=$(docker ps -aq --filter "ancestor=$image") || continue
    [[ -z "$users" ]] || continue
    docker rmi "$image" >/dev/null 2>&1 && log "removed the stale image $image"
  done
  return 0
}

# Prints the image's tag. It runs in $(...), where bash turns set -e off: each step that matters
# returns or exits with its own status.
ensure_image() {
  local tag
  # shellcheck disable=SC2310 # returns its own status
  tag=$(image_tag) || return 1
  docker image inspect "$tag" >/dev/null 2>&1 && { echo "$tag"; return 0; }
  command -v debootstrap >/dev/null || apt_install debootstrap
  # shellcheck disable=SC2310 # in the subshell, the lock and the build exit with their status
  (
    flock -w 900 9 || die "timed out waiting for another build of $tag"
    if ! docker image inspect "$tag" >/dev/null 2>&1; then
      log "building $tag (recipe changed or first run; about a minute)"
      local mirror
      mirror=$(debian_mirror)
      bash "$recipe_dir/build.sh" "$tag" "$mirror" || exit 1 # build.sh says why
      remove_stale_images gin-deploy-host "$tag"
    fi
  ) 9>"$lock_dir/gin-deploy-host-image.lock" || return 1
  echo "$tag"
}

# --- SSH key ---------------------------------------------------------------------------------

ensure_key() {
  mkdir -p "$state_dir/ssh"
  chmod 700 "$state_dir/ssh"
  [[ -s "$key_path" && -s "$key_path.pub" ]] && return 0
  (
    flock -w 30 9 || die "timed out waiting for $state_dir/ssh/.lock"
    if [[ ! -s "$key_path" || ! -s "$key_path.pub" ]]; then
      rm -f "$key_path" "$key_path.pub"
      ssh-keygen -q -t ed25519 -N '' -C "gin-deploy-local-host" -f "$key_path"
    fi
  ) 9>"$state_dir/ssh/.lock"
}

# The host's key is read through Docker (a local, trusted channel) and pinned: ssh refuses any other.
known_hosts="$state_dir/ssh/known_hosts-$host_name"
ssh_options=(-o StrictHostKeyChecking=yes -o "UserKnownHostsFile=$known_hosts" -o LogLevel=ERROR
  -o BatchMode=yes -o PasswordAuthentication=no -o ConnectTimeout=5)

host_ssh() { ssh "${ssh_options[@]}" -i "$key_path" -p "$ssh_port" root@127.0.0.1 "$@"; }

# --- Container -------------------------------------------------------------------------------

# What runs systemd as PID 1 in a container without --privileged (the local host's and the EC2
# twin's): its own /run, read-only cgroups, SYS_ADMIN for its mounts; SIGRTMIN+3 is systemd's
# "halt", so `docker stop/restart` shut it down cleanly. On a cgroup v2 machine (GitHub's Ubuntu
# runners, recent distributions) systemd must write its own subtree, so it gets the host's
# hierarchy read-write with the host's cgroup namespace, as is usual for systemd containers there.
# These build machines are cgroup v1: only the v1 form has been run here. Sets systemd_run_args.
set_systemd_run_args() {
  local cgroup_args=(-v /sys/fs/cgroup:/sys/fs/cgroup:ro) cgroup_fs
  cgroup_fs=$(stat -fc %T /sys/fs/cgroup 2>/dev/null) || cgroup_fs="" # unknown: the v1 form
  if [[ "$cgroup_fs" == cgroup2fs ]]; then
    cgroup_args=(--cgroupns=host -v /sys/fs/cgroup:/sys/fs/cgroup:rw)
  fi
  systemd_run_args=(--tmpfs /run --tmpfs /run/lock --tmpfs /tmp "${cgroup_args[@]}"
    --cap-add SYS_ADMIN --security-opt seccomp=unconfined --stop-signal SIGRTMIN+3 --stop-timeout 30)
}

container_state() { docker inspect -f '{{.State.Status}}' "$host_name" 2>/dev/null || true; }

wait_for_sshd() {
  local i
  for ((i = 0; i < 90; i++)); do
    # shellcheck disable=SC2310 # host_ssh is one ssh: its status is the answer
    host_ssh true 2>/dev/null && return 0
    sleep 1
  done
  docker logs --tail 30 "$host_name" >&2 || true
  die "sshd on 127.0.0.1:$ssh_port did not answer within 90 s"
}

# The host's ed25519 key, "ssh-ed25519 AAAA...", or nothing while it is not made yet.
host_key() {
  { docker exec "$host_name" cat /etc/ssh/ssh_host_ed25519_key.pub 2>/dev/null || true; } | awk 'NF >= 2 { print $1 " " $2 }'
}

# Waits for the host's first boot to make its key, and writes it where ssh_options pin it.
pin_host_key() {
  local key="" i
  for ((i = 0; i < 90; i++)); do
    key=$(host_key)
    [[ -n "$key" ]] && break
    sleep 1
  done
  [[ -n "$key" ]] || die "$host_name made no SSH host key (/etc/ssh/ssh_host_ed25519_key.pub) within 90 s"
  echo "[127.0.0.1]:$ssh_port $key" >"$known_hosts"
}

install_authorized_key() {
  docker exec -i "$host_name" sh -c \
    'umask 077 && mkdir -p /root/.ssh && cat >/root/.ssh/authorized_keys' <"$key_path.pub"
}

wait_for_systemd() {
  local state failed_units
  # shellcheck disable=SC2310 # one ssh; no answer is judged below
  state=$(host_ssh 'timeout 60 systemctl is-system-running --wait' 2>/dev/null || true)
  case "$state" in
    running) ;;
    degraded)
      # Only a note (a degraded host still serves): the list may be empty when ssh fails.
      # shellcheck disable=SC2310 # one ssh
      failed_units=$(host_ssh 'systemctl --failed --no-legend --plain' | awk '{print $1}' | paste -sd' ') || true
      log "systemd is degraded; failed units: $failed_units"
      ;;
    *) die "systemd on $host_name did not reach running (state: ${state:-unknown})" ;;
  esac
}

start() {
  validate_settings
  ensure_docker
  ensure_key
  local tag state current_image label
  tag=$(ensure_image)
  state=$(container_state)
  if [[ -n "$state" ]]; then
    current_image=$(docker inspect -f '{{.Config.Image}}' "$host_name")
    label=$(docker inspect -f "{{index .Config.Labels \"$host_label\"}}" "$host_name")
    if [[ -z "$label" ]]; then
      die "a container named $host_name exists and was not made by local/host.sh; pick another GIN_DEPLOY_HOST_NAME"
    fi
    local published
    published=$(docker inspect -f '{{range $port, $to := .HostConfig.PortBindings}}{{$port}}={{(index $to 0).HostIp}}:{{(index $to 0).HostPort}} {{end}}' "$host_name")
    if [[ "$published" != "22/tcp=127.0.0.1:$ssh_port 8080/tcp=127.0.0.1:$app_port " ]]; then
      die "$host_name publishes '$published', not SSH 127.0.0.1:$ssh_port and app 127.0.0.1:$app_port; to change ports run: GIN_DEPLOY_HOST_NAME=$host_name bash local/host.sh stop (it removes the host), then start again"
    fi
    if [[ "$current_image" != "$tag" ]]; then
      log "$host_name runs $current_image; the recipe is now $tag: recreating it"
      docker rm -f "$host_name" >/dev/null
      state=""
    elif [[ "$state" != running ]]; then
      docker start "$host_name" >/dev/null
    fi
  fi
  if [[ -z "$state" ]]; then
    set_systemd_run_args
    # shellcheck disable=SC2086 # GIN_DEPLOY_HOST_EXTRA_ARGS is a list of arguments
    docker run -d --name "$host_name" --hostname "$host_name" \
      --label "$host_label=1" "${systemd_run_args[@]}" \
      -p "127.0.0.1:$ssh_port:22" -p "127.0.0.1:$app_port:8080" \
      $extra_args \
      "$tag" /lib/systemd/systemd >/dev/null
  fi
  install_authorized_key
  pin_host_key
  wait_for_sshd
  wait_for_systemd
  log "$host_name is up: ssh -i $key_path -p $ssh_port root@127.0.0.1 (app port 127.0.0.1:$app_port)"
}

stop() {
  validate_settings
  local state label
  docker info >/dev/null 2>&1 || return 0
  state=$(container_state)
  [[ -n "$state" ]] || return 0
  label=$(docker inspect -f "{{index .Config.Labels \"$host_label\"}}" "$host_name")
  [[ -n "$label" ]] || die "$host_name was not started by local/host.sh; not removing it"
  docker rm -f "$host_name" >/dev/null
  rm -f "$known_hosts"
  log "removed $host_name"
}

# The status JSON scripts/localHost.ts reads (HostStatus), for login user $1 and image tag $2.
status_json() {
  local user=$1 tag=$2 running=false state="" key=""
  if docker info >/dev/null 2>&1; then state=$(container_state); fi
  if [[ "$state" == running ]]; then
    running=true
    key=$(host_key)
  fi
  printf '{"name":"%s","running":%s,"sshHost":"127.0.0.1","sshPort":%d,"appPort":%d,"user":"%s","privateKeyPath":"%s","hostKey":"%s","image":"%s"}\n' \
    "$host_name" "$running" "$ssh_port" "$app_port" "$user" "$key_path" "$key" "$tag"
}

status() {
  validate_settings
  local tag
  tag=$(image_tag)
  status_json root "$tag"
}

main() {
  case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    ssh)
      shift
      validate_settings
      [[ -s "$key_path" && -s "$known_hosts" ]] || die "no key at $key_path or no pinned host key yet; run: bash local/host.sh start"
      local tty=-T
      [[ -t 0 && -t 1 ]] && tty=-t
      exec ssh "${ssh_options[@]}" -i "$key_path" -p "$ssh_port" "$tty" root@127.0.0.1 "$@"
      ;;
    *) die "usage: local/host.sh start|stop|status|ssh [command...]" ;;
  esac
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then main "$@"; fi
