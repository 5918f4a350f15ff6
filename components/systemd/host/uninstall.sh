#!/usr/bin/env bash
# Removes a systemd-mode service that install-release.sh installed, and everything of it on this
# host: units (stopped and disabled; the two slots' units and every drop-in folder too), releases,
# the env file, staging and state, the slots' sockets, the ufw rule. What stays is the journal (the
# system's log, not the app's files) and the app's state directory (StateDirectory=), which goes
# only when the contract says REMOVE_STATE_ON_DESTROY=yes (removeStateOnDestroy).
#
#   uninstall.sh
# The service and its paths come from the host contract beside this script. Safe to run twice.
set -euo pipefail

script_name=uninstall
# shellcheck source=components/shared/host/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

(($# == 0)) || die "unknown argument '$1' (usage: uninstall.sh; the service is named in contract.sh)"
uid=$(id -u)
((uid == 0)) || die "must run as root"
load_contract

# Only what this deploy installed: a name it never claimed here (its install was refused, the name
# being the host's own) leaves everything of that name as it is.
if [[ ! -f "${CLAIM_MARKER:-$STATE_DIR/owned}" && ! -d "$STATE_DIR/rollback" ]]; then
  rm -rf "${STATE_DIR:?}" "${STAGING_DIR:?}"
  staging_parent=$(dirname "$STAGING_DIR")
  rmdir "$(dirname "$STATE_DIR")" "$staging_parent" "$(dirname "$staging_parent")" /var/lib/gin-deploy 2>/dev/null || true
  echo "uninstalled: nothing of $SERVICE_NAME was installed here by gin-deploy; left everything of that name as it is"
  exit 0
fi

# The slots' names are empty in a contract older than slots: skip those.
units=()
for unit in "$SERVICE_UNIT_NAME" "$SOCKET_UNIT_NAME" \
  "${BLUE_APP_UNIT:-}" "${BLUE_BRIDGE_SOCKET_UNIT:-}" "${BLUE_BRIDGE_SERVICE_UNIT:-}" \
  "${GREEN_APP_UNIT:-}" "${GREEN_BRIDGE_SOCKET_UNIT:-}" "${GREEN_BRIDGE_SERVICE_UNIT:-}"; do
  [[ -n "$unit" ]] && units+=("$unit")
done
systemctl disable --now --quiet "${units[@]}" 2>/dev/null || true
for unit in "${units[@]}"; do
  rm -f "${UNIT_DIR:?}/$unit"
  # Drop-ins (systemctl edit, or an operator's overrides) would outlive the unit otherwise.
  rm -rf "${UNIT_DIR:?}/$unit.d"
done
systemctl daemon-reload
systemctl reset-failed "${units[@]}" 2>/dev/null || true

if [[ -f "$STATE_DIR/firewall-port" ]] && command -v ufw >/dev/null; then
  port=$(cat "$STATE_DIR/firewall-port")
  ufw delete allow "$port/tcp" >/dev/null || log "ufw: no rule for $port/tcp to remove"
fi

rm -rf "${APP_DIR:?}" "${ENV_DIR:?}" "${STATE_DIR:?}" "${STAGING_DIR:?}" "${RUN_DIR:-/nonexistent}"
staging_parent=$(dirname "$STAGING_DIR")
rmdir "$(dirname "$STATE_DIR")" "$staging_parent" "$(dirname "$staging_parent")" "$(dirname "${RUN_DIR:-/nonexistent}")" \
  /var/lib/gin-deploy /run/gin-deploy 2>/dev/null || true

if [[ -n "${APP_STATE_DIR:-}" ]]; then
  if [[ "${REMOVE_STATE_ON_DESTROY:-no}" == yes ]]; then
    rm -rf "${APP_STATE_DIR:?}" "${APP_PRIVATE_STATE_DIR:?}"
    log "removed the app's state directory $APP_STATE_DIR (removeStateOnDestroy)"
  elif [[ -e "$APP_STATE_DIR" || -e "$APP_PRIVATE_STATE_DIR" ]]; then
    log "kept the app's state directory $APP_STATE_DIR (removeStateOnDestroy is off)"
  fi
fi
echo "uninstalled: $SERVICE_NAME"
