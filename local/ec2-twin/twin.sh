#!/usr/bin/env bash
# The EC2 twin: a local Debian 12 host that presents itself to a deploy as an EC2 instance does.
# cloud-init (Debian's) boots it from a NoCloud seed holding the user data the stack rendered for
# its instance and meta-data like EC2's (instance id, the key pair's public key), so the real
# cloud-init applies it: the admin user with passwordless sudo, the SSH host key, files, units,
# packages. Root logins are refused. Published on 127.0.0.1 only. See docs/local-host.md.
#
#   bash local/ec2-twin/twin.sh prepare               the engine, the login key and the image; prints status
#   USER_DATA=FILE bash local/ec2-twin/twin.sh start   a new instance from that user data (replaces an earlier one)
#   bash local/ec2-twin/twin.sh stop                  remove it
#   bash local/ec2-twin/twin.sh status                one JSON object, as local/host.sh's (user: admin)
#   bash local/ec2-twin/twin.sh ssh [CMD...]          a shell (or a command) as admin, the host key pinned
#
# What it does not stand in for: the AWS API (instances, security groups, IAM, ECR: those stay
# under Pulumi mocks and the policy pack), the metadata service (IMDS), the security group itself.
# Settings: GIN_DEPLOY_TWIN_NAME (gd-ec2-twin), GIN_DEPLOY_TWIN_SSH_PORT (2241),
# GIN_DEPLOY_TWIN_APP_PORT (18141, published to the instance's app port GIN_DEPLOY_TWIN_INSTANCE_APP_PORT, 8080),
# GIN_DEPLOY_TWIN_DOCKER=1 (mount this machine's Docker socket, for container mode).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The local host's functions (Docker engine, image builds, the checkout's key); its settings are ours.
export GIN_DEPLOY_HOST_NAME=${GIN_DEPLOY_TWIN_NAME:-gd-ec2-twin}
export GIN_DEPLOY_HOST_SSH_PORT=${GIN_DEPLOY_TWIN_SSH_PORT:-2241}
export GIN_DEPLOY_HOST_APP_PORT=${GIN_DEPLOY_TWIN_APP_PORT:-18141}
# shellcheck source=local/host.sh
source "$here/../host.sh"

instance_app_port=${GIN_DEPLOY_TWIN_INSTANCE_APP_PORT:-8080}
twin_label=io.gin-deploy.ec2-twin
twin_recipe="$here/image"
login_user="admin"

twin_log() { echo "twin.sh: $*" >&2; }
twin_die() { twin_log "$*"; exit 1; }

twin_image_tag() {
  local hash
  hash=$( (cd "$repo_root/local" && find host-image ec2-twin/image -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) |
    sha256sum | cut -c1-12) || return 1
  echo "gin-deploy-ec2-twin:$hash"
}

ensure_twin_image() {
  local tag
  # shellcheck disable=SC2310 # returns its own status
  tag=$(twin_image_tag) || return 1
  docker image inspect "$tag" >/dev/null 2>&1 && { echo "$tag"; return 0; }
  local base
  # shellcheck disable=SC2310 # returns its own status
  base=$(ensure_image) || return 1 # the local host's image, which the twin's builds on
  # shellcheck disable=SC2310 # in the subshell, the lock and the build exit with their status
  (
    flock -w 900 9 || twin_die "timed out waiting for another build of $tag"
    if ! docker image inspect "$tag" >/dev/null 2>&1; then
      twin_log "building $tag (recipe changed or first run; a minute or two)"
      bash "$twin_recipe/build.sh" "$tag" "$base" || exit 1 # build.sh says why
      remove_stale_images gin-deploy-ec2-twin "$tag"
    fi
  ) 9>"$lock_dir/gin-deploy-ec2-twin-image.lock" || return 1
  echo "$tag"
}

twin_remove() {
  local label state
  state=$(container_state)
  [[ -n "$state" ]] || return 0
  label=$(docker inspect -f "{{index .Config.Labels \"$twin_label\"}}" "$host_name")
  [[ -n "$label" ]] || twin_die "a container named $host_name exists and was not made by twin.sh; pick another GIN_DEPLOY_TWIN_NAME"
  docker rm -f "$host_name" >/dev/null
  rm -f "$known_hosts"
}

# The seed's meta-data, as EC2's metadata service gives it to cloud-init: an instance id (new per
# start, so cloud-init runs the user data as on a new instance) and the key pair's public key.
write_seed() {
  local dir=$1 user_data=$2 instance_id public_key
  instance_id="i-twin$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
  public_key=$(cat "$key_path.pub")
  cp "$user_data" "$dir/user-data"
  {
    echo "instance-id: $instance_id"
    echo "local-hostname: $host_name"
    echo "public-keys:"
    echo "  - \"$public_key\""
  } >"$dir/meta-data"
}

twin_start() {
  validate_settings
  local user_data=${USER_DATA:-}
  [[ -n "$user_data" && -f "$user_data" ]] ||
    twin_die "USER_DATA must name the file of the instance's user data (what the stack gave aws.ec2.Instance's userData)"
  ensure_docker
  ensure_key
  local tag seed
  tag=$(ensure_twin_image)
  twin_remove
  local docker_args=()
  set_systemd_run_args
  if [[ "${GIN_DEPLOY_TWIN_DOCKER:-0}" == 1 ]]; then docker_args=(-v /var/run/docker.sock:/var/run/docker.sock); fi
  # As local/host.sh runs its host (systemd as PID 1 without --privileged), with the seed copied in
  # before the first boot.
  docker create --name "$host_name" --hostname "$host_name" \
    --label "$twin_label=1" --label "$host_label=1" "${systemd_run_args[@]}" "${docker_args[@]}" \
    -p "127.0.0.1:$ssh_port:22" -p "127.0.0.1:$app_port:$instance_app_port" \
    "$tag" /lib/systemd/systemd >/dev/null
  seed=$(mktemp -d "${TMPDIR:-/tmp}/gin-deploy-twin-seed.XXXXXX")
  write_seed "$seed" "$user_data"
  docker cp "$seed/." "$host_name:/var/lib/cloud/seed/nocloud/" >/dev/null
  rm -rf "$seed"
  docker start "$host_name" >/dev/null
  twin_log "$host_name boots as an EC2 instance (cloud-init runs its user data): ssh admin@127.0.0.1 -p $ssh_port once it is up"
}

twin_status() {
  validate_settings
  local tag
  tag=$(twin_image_tag)
  status_json "$login_user" "$tag"
}

twin_main() {
  case "${1:-}" in
    start) twin_start ;;
    prepare)
      validate_settings
      ensure_docker
      ensure_key
      ensure_twin_image >/dev/null
      twin_status
      ;;
    stop)
      validate_settings
      docker info >/dev/null 2>&1 || return 0
      twin_remove
      ;;
    status) twin_status ;;
    ssh)
      shift
      validate_settings
      [[ -s "$key_path" ]] || twin_die "no key at $key_path yet; start the twin first"
      local key
      key=$(host_key)
      [[ -n "$key" ]] || twin_die "$host_name has no SSH host key yet (still booting?)"
      echo "[127.0.0.1]:$ssh_port $key" >"$known_hosts"
      local tty=-T
      [[ -t 0 && -t 1 ]] && tty=-t
      exec ssh "${ssh_options[@]}" -i "$key_path" -p "$ssh_port" "$tty" "$login_user@127.0.0.1" "$@"
      ;;
    *) twin_die "usage: local/ec2-twin/twin.sh prepare|start|stop|status|ssh [command...]" ;;
  esac
}

twin_main "$@"
