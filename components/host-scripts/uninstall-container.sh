#!/usr/bin/env bash
# Removes what install-container.sh installed for one service: its units (both slots, the front
# socket and proxy), its containers, its env files (secrets) and its folders. Safe to run twice.
# The app's state volume is kept (its data outlives the service) unless it is named here.
#
#   uninstall-container.sh [--remove-state-volume NAME]
# The service and its paths come from the host contract beside this script.
set -euo pipefail

script_name=uninstall-container
# shellcheck source=components/host-scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

remove_volume=""
while (($#)); do
  case "$1" in
    --remove-state-volume) remove_volume=${2:?--remove-state-volume needs a volume name}; shift 2 ;;
    *) die "unknown argument '$1' (usage: uninstall-container.sh [--remove-state-volume NAME]; the service is named in contract.sh)" ;;
  esac
done
[[ -z "$remove_volume" || "$remove_volume" =~ ^[a-z0-9][a-z0-9_.-]*$ ]] || die "--remove-state-volume '$remove_volume' is not a volume name"
load_contract
service=$SERVICE_NAME

units=("$service.socket" "$service.service")
for slot in blue green; do
  units+=("$service-container@$slot.service" "$service-slot@$slot.socket" "$service-slot@$slot.service")
done
systemctl disable --now "${units[@]}" >/dev/null 2>&1 || true
systemctl stop "${units[@]}" >/dev/null 2>&1 || true

if command -v docker >/dev/null; then
  for slot in blue green; do docker rm --force "$service-$slot" >/dev/null 2>&1 || true; done
  docker rm --force "$service-state-init" >/dev/null 2>&1 || true
  docker image rm "gin-deploy/$service-state-init:empty" >/dev/null 2>&1 || true
  if [[ -n "$remove_volume" ]] && docker volume inspect "$remove_volume" >/dev/null 2>&1; then
    docker volume rm "$remove_volume" >/dev/null
    log "removed the state volume $remove_volume"
  fi
fi

rm -f "$UNIT_DIR/$service.socket" "$UNIT_DIR/$service.service" \
  "$UNIT_DIR/$service-slot@.socket" "$UNIT_DIR/$service-slot@.service" "$UNIT_DIR/$service-container@.service"
systemctl daemon-reload
systemctl reset-failed "${units[@]}" >/dev/null 2>&1 || true
rm -rf "${CONFIG_DIR:?}" "${STATE_DIR:?}" "${RUN_DIR:?}"
log "removed $service (units, containers, env files)"
