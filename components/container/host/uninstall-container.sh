#!/usr/bin/env bash
# Removes what install-container.sh installed for one service: its units (both slots, the front
# socket and proxy) with their drop-ins, its containers, its env files (secrets) and its folders.
# Safe to run twice.
# The app's state volume is kept (its data outlives the service) unless it is named here.
#
#   uninstall-container.sh [--remove-state-volume NAME]
# The service and its paths come from the host contract beside this script.
set -euo pipefail

script_name=uninstall-container
# shellcheck source=components/shared/host/lib.sh
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

# Only what this deploy installed: a name it never claimed here (its install was refused, the units
# being the host's own) leaves every unit of that name as it is.
if [[ ! -f "${CLAIM_MARKER:-$STATE_DIR/owned}" && ! -d "$CONFIG_DIR" ]]; then
  rm -rf "${STATE_DIR:?}" "${RUN_DIR:?}"
  rmdir "$(dirname "$CONFIG_DIR")" "$(dirname "$STATE_DIR")" "$(dirname "$RUN_DIR")" 2>/dev/null || true
  echo "uninstalled: nothing of $service was installed here by gin-deploy; left every unit of that name as it is"
  exit 0
fi

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

unit_files=("$service.socket" "$service.service" "$service-slot@.socket" "$service-slot@.service" "$service-container@.service")
for unit in "${unit_files[@]}"; do
  rm -f "${UNIT_DIR:?}/$unit"
  # Drop-ins (systemctl edit, or an operator's overrides) would outlive the unit otherwise.
  rm -rf "${UNIT_DIR:?}/$unit.d"
done
systemctl daemon-reload
systemctl reset-failed "${units[@]}" >/dev/null 2>&1 || true
# systemd made a slice for each template's instances (system-<name>\x2dcontainer.slice); stopped
# and unreferenced, it is unloaded.
for template in "$service-container" "$service-slot"; do
  systemctl stop "system-$(systemd-escape "$template").slice" >/dev/null 2>&1 || true
done
rm -rf "${CONFIG_DIR:?}" "${STATE_DIR:?}" "${RUN_DIR:?}"
# Their parents, when no other service uses them.
rmdir "$(dirname "$CONFIG_DIR")" "$(dirname "$STATE_DIR")" "$(dirname "$RUN_DIR")" 2>/dev/null || true
log "removed $service (units, containers, env files)"
