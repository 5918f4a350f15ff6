#!/usr/bin/env bash
# The local OCI registry: the no-cloud stand-in for ECR that container mode pushes to and hosts pull
# from. A real distribution registry (CNCF distribution v3) on 127.0.0.1 only, storing blobs on disk
# under .gin-deploy/registry. Its binary is built once with `go install` into a cache folder keyed by
# the version (about 3 minutes cold), then reused.
#
#   bash local/registry.sh start|stop|status
#
# Overridable: GIN_DEPLOY_REGISTRY_PORT (default 5000).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION=v3.1.2
PORT="${GIN_DEPLOY_REGISTRY_PORT:-5000}"
ADDR="127.0.0.1:${PORT}"
STATE="${ROOT}/.gin-deploy/registry"
BIN_DIR="${ROOT}/.gin-deploy/cache/registry-${VERSION}"
BIN="${BIN_DIR}/registry"
PID_FILE="${STATE}/registry-${PORT}.pid"
LOG_FILE="${STATE}/registry-${PORT}.log"
CONFIG_FILE="${STATE}/config-${PORT}.yml"

log() { printf '[registry] %s\n' "$*" >&2; }

build_binary() {
  if [[ -x "${BIN}" ]]; then return 0; fi
  if ! command -v go >/dev/null; then
    log "Go is needed to build the registry: put a Go toolchain (1.23 or newer) on PATH"
    exit 1
  fi
  mkdir -p "${BIN_DIR}"
  exec 8>"${BIN_DIR}.lock"
  flock 8
  if [[ -x "${BIN}" ]]; then return 0; fi
  log "building github.com/distribution/distribution/v3/cmd/registry@${VERSION} (about 3 minutes cold)"
  GOBIN="${BIN_DIR}" go install "github.com/distribution/distribution/v3/cmd/registry@${VERSION}" >&2
}

# Prints the registry's pid when it runs. Called in conditions, so each step returns its status.
running_pid() {
  [[ -f "${PID_FILE}" ]] || return 1
  local pid exe
  pid="$(cat "${PID_FILE}")" || return 1
  [[ -n "${pid}" ]] || return 1
  # The pid must still be this registry binary, not a recycled pid.
  exe="$(readlink "/proc/${pid}/exe" 2>/dev/null)" || return 1
  [[ "${exe}" == "${BIN}" ]] || return 1
  echo "${pid}"
}

answering() { curl -fsS -o /dev/null --max-time 2 "http://${ADDR}/v2/" 2>/dev/null; }

write_config() {
  cat >"${CONFIG_FILE}" <<YAML
version: 0.1
log:
  level: warn
  formatter: text
storage:
  filesystem:
    rootdirectory: ${STATE}/data
  delete:
    enabled: true
http:
  addr: ${ADDR}
  headers:
    X-Content-Type-Options: [nosniff]
YAML
}

start() {
  build_binary
  mkdir -p "${STATE}/data"
  # shellcheck disable=SC2310 # returns its own status
  if running_pid >/dev/null; then
    log "already running on ${ADDR}"
    return 0
  fi
  # shellcheck disable=SC2310 # one curl: its status is the answer
  if answering; then
    log "something else already answers on ${ADDR}: stop it or set GIN_DEPLOY_REGISTRY_PORT"
    exit 1
  fi
  write_config
  # The registry exports OpenTelemetry traces by default and would keep retrying an absent collector.
  OTEL_TRACES_EXPORTER=none setsid "${BIN}" serve "${CONFIG_FILE}" >"${LOG_FILE}" 2>&1 </dev/null &
  echo $! >"${PID_FILE}"
  for _ in $(seq 1 50); do
    # shellcheck disable=SC2310 # the same
    if answering; then log "serving on ${ADDR}"; return 0; fi
    # shellcheck disable=SC2310 # returns its own status
    if ! running_pid >/dev/null; then break; fi
    sleep 0.2
  done
  log "the registry did not answer on ${ADDR}; its log (${LOG_FILE}):"
  tail -n 20 "${LOG_FILE}" >&2 || true
  exit 1
}

stop() {
  local pid
  # shellcheck disable=SC2310 # returns its own status
  if pid="$(running_pid)"; then
    kill "${pid}"
    for _ in $(seq 1 50); do
      kill -0 "${pid}" 2>/dev/null || break
      sleep 0.1
    done
    log "stopped (pid ${pid})"
  fi
  rm -f "${PID_FILE}"
}

status() {
  local running=false pid=null
  # shellcheck disable=SC2310 # both return their own status
  if p="$(running_pid)" && answering; then running=true; pid="${p}"; fi
  printf '{"running":%s,"server":"%s","pid":%s,"version":"%s","storage":"%s","binary":"%s"}\n' \
    "${running}" "${ADDR}" "${pid}" "${VERSION}" "${STATE}/data" "${BIN}"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: bash local/registry.sh start|stop|status" >&2; exit 2 ;;
esac
