#!/usr/bin/env bash
# Removes what install-container.sh installed for one service: its units (both slots, the front
# socket and proxy), its containers, its env files (secrets) and its folders. Safe to run twice.
#
#   uninstall-container.sh --service N
set -euo pipefail

log() { printf 'uninstall-container: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

service=""
while (($#)); do
  case "$1" in
    --service) service=${2:?--service needs a value}; shift 2 ;;
    *) die "unknown argument '$1': usage uninstall-container.sh --service NAME" ;;
  esac
done
[[ "$service" =~ ^[a-z][a-z0-9-]{0,38}[a-z0-9]$ ]] ||
  die "--service '$service' must be 2-40 lower-case letters, digits and dashes"

units=("$service.socket" "$service.service")
for slot in blue green; do
  units+=("$service-container@$slot.service" "$service-slot@$slot.socket" "$service-slot@$slot.service")
done
systemctl disable --now "${units[@]}" >/dev/null 2>&1 || true
systemctl stop "${units[@]}" >/dev/null 2>&1 || true

if command -v docker >/dev/null; then
  for slot in blue green; do docker rm --force "$service-$slot" >/dev/null 2>&1 || true; done
fi

rm -f "/etc/systemd/system/$service.socket" "/etc/systemd/system/$service.service" \
  "/etc/systemd/system/$service-slot@.socket" "/etc/systemd/system/$service-slot@.service" \
  "/etc/systemd/system/$service-container@.service"
systemctl daemon-reload
systemctl reset-failed "${units[@]}" >/dev/null 2>&1 || true
rm -rf "/etc/gin-deploy/$service" "/var/lib/gin-deploy/$service" "/run/gin-deploy/$service"
log "removed $service (units, containers, env files)"
