#!/usr/bin/env bash
# Removes a systemd-mode service that install-release.sh installed, and everything of it on this
# host: units (stopped and disabled), releases, the env file, staging and state, the ufw rule.
# What stays is the journal (the system's log, not the app's files).
#
#   uninstall.sh
# The service and its paths come from the host contract beside this script. Safe to run twice.
set -euo pipefail

script_name=uninstall
# shellcheck source=components/host-scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

(($# == 0)) || die "unknown argument '$1' (usage: uninstall.sh; the service is named in contract.sh)"
uid=$(id -u)
((uid == 0)) || die "must run as root"
load_contract

systemctl disable --now --quiet "$SERVICE_UNIT_NAME" "$SOCKET_UNIT_NAME" 2>/dev/null || true
rm -f "$UNIT_DIR/$SERVICE_UNIT_NAME" "$UNIT_DIR/$SOCKET_UNIT_NAME"
systemctl daemon-reload
systemctl reset-failed "$SERVICE_UNIT_NAME" "$SOCKET_UNIT_NAME" 2>/dev/null || true

if [[ -f "$STATE_DIR/firewall-port" ]] && command -v ufw >/dev/null; then
  port=$(cat "$STATE_DIR/firewall-port")
  ufw delete allow "$port/tcp" >/dev/null || log "ufw: no rule for $port/tcp to remove"
fi

rm -rf "${APP_DIR:?}" "${ENV_DIR:?}" "${STATE_DIR:?}"
rmdir "$(dirname "$STATE_DIR")" /var/lib/gin-deploy 2>/dev/null || true
echo "uninstalled: $SERVICE_NAME"
