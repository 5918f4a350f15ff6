#!/usr/bin/env bash
# The local OCI registry: the no-cloud stand-in for ECR that container mode pushes to and hosts pull
# from. A real distribution registry (CNCF distribution v3) on 127.0.0.1 only, storing blobs on disk
# under .gin-deploy/registry. Its binary is built once with `go install` into a cache folder keyed by
# the version (about 3 minutes cold), then reused.
#
#   bash local/registry.sh start|stop|status
#   bash local/registry.sh list     one line "PORT PID" per registry of this checkout that runs
#                                   (any port; scripts/machine-state.sh stops those npm test left)
#
# Overridable: GIN_DEPLOY_REGISTRY_PORT (default 5000), GIN_DEPLOY_REGISTRY_START_SECONDS (how long
# `start` waits for the registry to answer, default 120: a first start on a cold, busy machine is
# slow; a registry that does not answer in time is stopped again, and its log's tail shown).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION=v3.1.2
PORT="${GIN_DEPLOY_REGISTRY_PORT:-5000}"
START_SECONDS="${GIN_DEPLOY_REGISTRY_START_SECONDS:-120}"
ADDR="127.0.0.1:${PORT}"
STATE="${ROOT}/.gin-deploy/registry"
BIN_DIR="${ROOT}/.gin-deploy/cache/registry-${VERSION}"
BIN="${BIN_DIR}/registry"
PID_FILE="${STATE}/registry-${PORT}.pid"
LOG_FILE="${STATE}/registry-${PORT}.log"
CONFIG_FILE="${STATE}/config-${PORT}.yml"

log() { printf '[registry] %s\n' "$*" >&2; }

if [[ ! "${PORT}" =~ ^[0-9]+$ ]] || ((PORT < 1 || PORT > 65535)); then
  log "GIN_DEPLOY_REGISTRY_PORT=${PORT} is not a port (1-65535)"
  exit 2
fi
if [[ ! "${START_SECONDS}" =~ ^[1-9][0-9]*$ ]]; then
  log "GIN_DEPLOY_REGISTRY_START_SECONDS=${START_SECONDS} is not a whole number of seconds (at least 1)"
  exit 2
fi

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

# Prints the pid of the registry a pid file names (default: this port's) when it runs. Called in
# conditions, so each step returns its status.
running_pid() {
  local file="${1:-${PID_FILE}}" pid exe
  [[ -f "${file}" ]] || return 1
  pid="$(cat "${file}")" || return 1
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
  local pid=$!
  echo "${pid}" >"${PID_FILE}"
  log "started (pid ${pid}); waiting up to ${START_SECONDS} s for GET http://${ADDR}/v2/ to answer"
  local started=${SECONDS} why
  while true; do
    # shellcheck disable=SC2310 # the same
    if answering; then
      log "serving on ${ADDR} (answered after $((SECONDS - started)) s)"
      return 0
    fi
    # Whether it still runs, by its pid: until setsid has exec'd the binary, running_pid (which
    # checks the binary) would not know it yet.
    if ! kill -0 "${pid}" 2>/dev/null; then
      why="exited before it answered"
      break
    fi
    if ((SECONDS - started >= START_SECONDS)); then
      why="did not answer GET http://${ADDR}/v2/ within ${START_SECONDS} s (GIN_DEPLOY_REGISTRY_START_SECONDS)"
      break
    fi
    sleep 0.5
  done
  log "the registry ${why}; the last lines of its log (${LOG_FILE}):"
  tail -n 30 "${LOG_FILE}" >&2 || true
  # A start that failed leaves nothing running: nobody would stop it, and the next start would
  # find the port taken.
  stop
  kill "${pid}" 2>/dev/null || true
  rm -f "${PID_FILE}"
  exit 1
}

stop() {
  local pid
  # shellcheck disable=SC2310 # returns its own status
  if pid="$(running_pid)"; then
    kill "${pid}" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "${pid}" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "${pid}" 2>/dev/null; then
      log "pid ${pid} still runs 10 s after SIGTERM: SIGKILL"
      kill -KILL "${pid}" 2>/dev/null || true
    fi
    log "stopped (pid ${pid})"
  fi
  rm -f "${PID_FILE}"
}

list() {
  local file port pid
  for file in "${STATE}"/registry-*.pid; do
    [[ -e "${file}" ]] || continue
    port="${file##*/registry-}"
    port="${port%.pid}"
    # shellcheck disable=SC2310 # returns its own status
    if pid="$(running_pid "${file}")"; then echo "${port} ${pid}"; fi
  done
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
  list) list ;;
  *) echo "usage: bash local/registry.sh start|stop|status|list" >&2; exit 2 ;;
esac
