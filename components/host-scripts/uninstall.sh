#!/usr/bin/env bash
# Removes a systemd-mode service that install-release.sh installed, and everything of it on this
# host: units (stopped and disabled), releases, the env file, staging and state, the ufw rule.
# What stays is the journal (the system's log, not the app's files).
#
#   uninstall.sh --service NAME
# Safe to run twice; paths follow components/renderers/releaseLayout.ts.
set -euo pipefail

log() { printf 'uninstall: %s\n' "$*" >&2; }
die() { log "$*"; exit 2; }

service=""
while (($#)); do
  case "$1" in
    --service) service=${2:?--service needs a name}; shift 2 ;;
    *) die "unknown argument '$1' (usage: uninstall.sh --service NAME)" ;;
  esac
done
[[ "$service" =~ ^[a-z][a-z0-9-]{0,30}[a-z0-9]$ ]] ||
  die "--service '$service' must be 2-32 lowercase letters, digits and '-', starting with a letter"
[[ $(id -u) -eq 0 ]] || die "must run as root"

svc_unit=$service.service
sock_unit=$service.socket
state_dir=/var/lib/gin-deploy/systemd/$service

systemctl disable --now --quiet "$svc_unit" "$sock_unit" 2>/dev/null || true
rm -f "/etc/systemd/system/$svc_unit" "/etc/systemd/system/$sock_unit"
systemctl daemon-reload
systemctl reset-failed "$svc_unit" "$sock_unit" 2>/dev/null || true

if [[ -f "$state_dir/firewall-port" ]] && command -v ufw >/dev/null; then
  port=$(cat "$state_dir/firewall-port")
  ufw delete allow "$port/tcp" >/dev/null || log "ufw: no rule for $port/tcp to remove"
fi

rm -rf "/opt/${service:?}" "/etc/${service:?}" "$state_dir"
rmdir /var/lib/gin-deploy/systemd /var/lib/gin-deploy 2>/dev/null || true
echo "uninstalled: $service"
