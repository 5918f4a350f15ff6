#!/usr/bin/env bash
# The local Kubernetes cluster: one node, v1.37.2, everything on 127.0.0.1, run on this machine
# directly (no container): etcd, kube-apiserver, kube-controller-manager, kube-scheduler, its own
# containerd, the kubelet and kube-proxy. Binaries are built once from the Go module proxy
# (tools/kubernetes/build.sh); the runtime comes from Debian. Needs root.
#
#   bash local/cluster/cluster.sh start                # from nothing to a Ready node; prints the kubeconfig path
#   bash local/cluster/cluster.sh stop                 # stops everything and puts the machine back; idempotent
#   bash local/cluster/cluster.sh status               # JSON
#   bash local/cluster/cluster.sh import-image FILE    # an OCI/docker image tar into the node's containerd
#   bash local/cluster/cluster.sh kubectl ARG...       # kubectl with the admin kubeconfig
#
# State: .gin-deploy/cluster (certificates, configs, etcd data, kubelet and containerd roots, logs,
# the admin kubeconfig), /run/gin-deploy-cluster (containerd's sockets and run state, pids).
# docs/local-cluster.md lists what the node changes on the machine and how stop restores it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/local/cluster"
STATE="$ROOT/.gin-deploy/cluster"
RUN=/run/gin-deploy-cluster
PKI="$STATE/pki"
CONF="$STATE/config"
LOGS="$STATE/logs"
RECORD="$STATE/machine-before"
KUBECONFIG_OUT="$STATE/kubeconfig"
KUBELET_ROOT="$STATE/kubelet"
POD_LOGS="$STATE/pod-logs"
CTRD_ROOT="$STATE/containerd"
CTRD_STATE="$RUN/containerd"
CTRD_SOCK="$RUN/containerd.sock"
CNI_BIN_DIR=/usr/lib/cni
CNI_NET=gin-deploy-cluster
BRIDGE=gin-deploy0
POD_CIDR=10.244.0.0/24
BRIDGE_IP=10.244.0.1
SERVICE_CIDR=10.96.0.0/16
PAUSE_IMAGE=gin-deploy.local/pause:1
API_PORT=6443
ETCD_PORT=12379
ETCD_PEER_PORT=12380
KCM_PORT=10257
SCHEDULER_PORT=10259
KUBELET_PORT=10250
KUBELET_HEALTHZ_PORT=10248
PROXY_HEALTHZ_PORT=10256
PROXY_METRICS_PORT=10249
API_SERVER="https://127.0.0.1:$API_PORT"
COMPONENTS=(etcd kube-apiserver containerd kube-controller-manager kube-scheduler kubelet kube-proxy)
PACKAGES=(containerd runc containernetworking-plugins etcd-server iptables conntrack socat openssl iproute2 util-linux jq curl)

# kubectl's discovery cache in the cluster's folder, not in ~/.kube.
export KUBECACHEDIR="$STATE/kube-cache"

log() { printf '[cluster] %s\n' "$*" >&2; }
warn() { printf '[cluster] warning: %s\n' "$*" >&2; }
die() { printf '[cluster] %s\n' "$*" >&2; exit 1; }

# shellcheck source-path=SCRIPTDIR source=lib/pki.sh
source "$HERE/lib/pki.sh"
# shellcheck source-path=SCRIPTDIR source=lib/configs.sh
source "$HERE/lib/configs.sh"
# shellcheck source-path=SCRIPTDIR source=lib/machine.sh
source "$HERE/lib/machine.sh"

bin_dir() { bash "$ROOT/tools/kubernetes/build.sh" --path; }

# ---- processes -------------------------------------------------------------------------------

component_binary() {
  case "$1" in
    etcd) command -v etcd ;;
    containerd) command -v containerd ;;
    *)
      local dir
      # shellcheck disable=SC2310 # bin_dir is one command
      dir="$(bin_dir)" || return 1
      echo "$dir/$1"
      ;;
  esac
}

# The pid of a component this script started, if it still runs (the pid file's process must
# still be that binary, not a recycled pid). Returns each step's status itself: it is called in
# conditions, where set -e is off.
component_pid() {
  local f="$RUN/pids/$1.pid" pid exe binary
  [[ -f "$f" ]] || return 1
  pid="$(cat "$f")" || return 1
  exe="$(readlink "/proc/$pid/exe" 2>/dev/null)" || return 1
  # shellcheck disable=SC2310 # returns its own status
  binary="$(component_binary "$1")" || return 1
  [[ "$exe" == "$binary" ]] || return 1
  echo "$pid"
}

launch() { # NAME ARG...
  local name="$1"
  shift
  local binary
  binary="$(component_binary "$name")"
  mkdir -p "$RUN/pids" "$LOGS"
  # setsid: the component outlives this script and the caller's terminal or test runner; no
  # inherited file descriptors (the caller may be waiting on its pipes).
  setsid "$binary" "$@" </dev/null >>"$LOGS/$name.log" 2>&1 9>&- &
  local pid=$! exe
  echo "$pid" >"$RUN/pids/$name.pid"
  # Until setsid has exec'd the binary, the pid's exe is setsid (or this shell).
  for _ in $(seq 1 50); do
    exe="$(readlink "/proc/$pid/exe" 2>/dev/null)" || exe="" # not there (yet, or any more): checked below
    [[ "$exe" == "$binary" ]] && break
    [[ -d "/proc/$pid" ]] || break
    sleep 0.1
  done
  log "started $name (pid $pid, log $LOGS/$name.log)"
}

stop_component() {
  local name="$1" pid
  # shellcheck disable=SC2310 # returns its own status
  pid="$(component_pid "$name")" || { rm -f "$RUN/pids/$name.pid"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  # The cluster's state is thrown away on stop: a component gets 5 s to exit, no more.
  for _ in $(seq 1 25); do
    [[ -d "/proc/$pid" ]] || break
    sleep 0.2
  done
  if [[ -d "/proc/$pid" ]]; then
    log "$name (pid $pid) did not exit within 5 s of SIGTERM; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$RUN/pids/$name.pid"
}

stop_components() {
  local name
  for name in "$@"; do stop_component "$name" & done
  wait
}

failed() { # NAME MESSAGE: shows the component's last log lines, then fails
  if [[ -f "$LOGS/$1.log" ]]; then
    echo "---- last lines of $LOGS/$1.log ----" >&2
    tail -n 25 "$LOGS/$1.log" >&2
    echo "----" >&2
  fi
  die "$2"
}

wait_for() { # NAME SECONDS COMMAND...: waits until COMMAND succeeds while NAME keeps running
  local name="$1" seconds="$2"
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    # shellcheck disable=SC2310 # returns its own status
    component_pid "$name" >/dev/null || failed "$name" "$name exited during start"
    ((SECONDS < deadline)) || failed "$name" "$name did not come up within ${seconds}s"
    sleep 0.5
  done
}

# ---- health probes (127.0.0.1 only) ----------------------------------------------------------

etcd_healthy() {
  curl -fsS --max-time 2 --cacert "$PKI/ca.crt" --cert "$PKI/apiserver-etcd-client.crt" --key "$PKI/apiserver-etcd-client.key" \
    "https://127.0.0.1:$ETCD_PORT/health" | grep -q '"health":"true"'
}
api_ready() {
  curl -fsS --max-time 2 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" "$API_SERVER/readyz" | grep -qx ok
}
ctr_() { ctr --address "$CTRD_SOCK" --connect-timeout 2s "$@"; }
containerd_up() { [[ -S "$CTRD_SOCK" ]] && ctr_ version; }
# 200 from a component's health endpoint (kube-proxy answers JSON, the others "ok").
healthz() { curl -fsS --max-time 2 -k -o /dev/null "$1"; }
kubectl_() {
  local bin
  # shellcheck disable=SC2310 # bin_dir is one command
  bin="$(bin_dir)" || return 1
  "$bin/kubectl" --kubeconfig "$KUBECONFIG_OUT" "$@"
}
node_ready() {
  local ready
  # shellcheck disable=SC2310 # kubectl_ returns its own status
  ready="$(kubectl_ get node localhost -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' --request-timeout=3s 2>/dev/null)" || return 1
  [[ "$ready" == True ]]
}
default_sa() { kubectl_ get serviceaccount default -n default --request-timeout=3s; }

port_free() { ! ss -Hltn "sport = :$1" | grep -q .; }

# ---- start -----------------------------------------------------------------------------------

preflight() {
  local os
  os="$(uname -s)" || die "uname -s failed; the local cluster runs on Linux only"
  [[ "$os" == Linux ]] || die "the local cluster runs on Linux only"
  [[ $EUID -eq 0 ]] || die "the local cluster needs root (it runs containerd, the kubelet and kube-proxy on this machine): run it as root"
  bash "$ROOT/scripts/apt-install.sh" "${PACKAGES[@]}"
  local c
  for c in containerd ctr containerd-shim-runc-v2 runc etcd iptables ip6tables conntrack ip findmnt jq openssl curl; do
    command -v "$c" >/dev/null || die "$c is not on PATH after installing ${PACKAGES[*]}"
  done
  [[ -x "$CNI_BIN_DIR/bridge" && -x "$CNI_BIN_DIR/host-local" && -x "$CNI_BIN_DIR/loopback" ]] \
    || die "the CNI plugins are not in $CNI_BIN_DIR (Debian package containernetworking-plugins)"
  local p busy=""
  for p in $API_PORT $ETCD_PORT $ETCD_PEER_PORT $KCM_PORT $SCHEDULER_PORT $KUBELET_PORT $KUBELET_HEALTHZ_PORT $PROXY_HEALTHZ_PORT $PROXY_METRICS_PORT; do
    # shellcheck disable=SC2310 # a predicate (one test)
    port_free "$p" || busy+=" $p"
  done
  [[ -z "$busy" ]] || die "TCP ports in use on this machine:$busy (the cluster listens on them on 127.0.0.1); stop what holds them (ss -ltnp)"
  if ip -o route show | awk '{ print $1 }' | grep -qx "$POD_CIDR"; then
    die "a route for the pod network $POD_CIDR exists already (ip route); another network uses it"
  fi
  ! ip link show "$BRIDGE" >/dev/null 2>&1 || die "the network interface $BRIDGE exists already; run: bash local/cluster/cluster.sh stop"
  machine_preflight
}

build_pause_image() {
  mkdir -p "$STATE/images"
  (cd "$HERE/pause" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$STATE/images/pause" .)
  bash "$HERE/oci-image.sh" --name "$PAUSE_IMAGE" --binary "$STATE/images/pause" --out "$STATE/images/pause.tar" >/dev/null
}

start() {
  # shellcheck disable=SC2310 # predicates: component_pid and node_ready return their own status
  if component_pid kube-apiserver >/dev/null && component_pid kubelet >/dev/null && [[ -f "$KUBECONFIG_OUT" ]] && node_ready; then
    log "already running; kubeconfig: $KUBECONFIG_OUT"
    echo "$KUBECONFIG_OUT"
    return 0
  fi
  [[ $EUID -eq 0 ]] || die "the local cluster needs root: run it as root"
  if [[ -d "$RUN" || -d "$RECORD" ]]; then
    log "a previous start left state behind; stopping it first"
    stop
  fi
  command -v go >/dev/null || die "Go is needed to build the cluster's binaries and pause image: put a Go toolchain on PATH"
  local bin
  bin="$(bash "$ROOT/tools/kubernetes/build.sh")"
  preflight
  local t0=$SECONDS

  # Everything below changes the machine: record it first, and undo a half-made start.
  mkdir -p "$STATE" "$RUN"
  chmod 0700 "$STATE" "$RUN"
  rm -rf "$LOGS"
  mkdir -p "$LOGS"
  machine_record
  if [[ "${GIN_DEPLOY_CLUSTER_KEEP_ON_FAILURE:-}" != 1 ]]; then
    trap 'rc=$?; if ((rc != 0)); then log "start failed; stopping what it started (logs kept in $LOGS; GIN_DEPLOY_CLUSTER_KEEP_ON_FAILURE=1 keeps it running)"; stop || true; fi' EXIT
  fi

  pki_make "$PKI"
  configs_write
  pki_kubeconfig "$PKI" admin "$API_SERVER" "$KUBECONFIG_OUT"
  local c
  for c in controller-manager scheduler kube-proxy; do pki_kubeconfig "$PKI" "$c" "$API_SERVER" "$CONF/$c.kubeconfig"; done
  pki_kubeconfig "$PKI" kubelet-client "$API_SERVER" "$CONF/kubelet.kubeconfig"
  build_pause_image

  # The pod network's bridge, made here with its address so that the CNI plugin needs no
  # isGateway (which would turn on ip_forward).
  ip link add "$BRIDGE" type bridge
  ip addr add "$BRIDGE_IP/${POD_CIDR#*/}" dev "$BRIDGE"
  ip link set "$BRIDGE" up

  launch etcd --name gin-deploy-local --data-dir "$STATE/etcd" \
    --listen-client-urls "https://127.0.0.1:$ETCD_PORT" --advertise-client-urls "https://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "gin-deploy-local=http://127.0.0.1:$ETCD_PEER_PORT" \
    --cert-file "$PKI/etcd-server.crt" --key-file "$PKI/etcd-server.key" \
    --client-cert-auth --trusted-ca-file "$PKI/ca.crt"
  wait_for etcd 60 etcd_healthy

  launch kube-apiserver --bind-address=127.0.0.1 --secure-port="$API_PORT" --advertise-address=127.0.0.1 \
    --etcd-servers="https://127.0.0.1:$ETCD_PORT" --etcd-cafile="$PKI/ca.crt" \
    --etcd-certfile="$PKI/apiserver-etcd-client.crt" --etcd-keyfile="$PKI/apiserver-etcd-client.key" \
    --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" --client-ca-file="$PKI/ca.crt" \
    --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority="$PKI/ca.crt" --kubelet-preferred-address-types=Hostname,InternalIP \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
    --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction --allow-privileged=false \
    --encryption-provider-config="$CONF/encryption.yaml" \
    --endpoint-reconciler-type=none --profiling=false
  # The endpoint reconciler is off: the "kubernetes" Service's endpoint would be 127.0.0.1, which
  # Endpoints refuse (loopback); nothing in the pods here talks to the API server.
  wait_for kube-apiserver 180 api_ready

  launch containerd --config "$CONF/containerd.toml"
  wait_for containerd 60 containerd_up
  # shellcheck disable=SC2310 # ctr_ is one command
  ctr_ -n k8s.io images import "$STATE/images/pause.tar" >/dev/null \
    || failed containerd "could not import the pause image into containerd"

  launch kube-controller-manager --kubeconfig="$CONF/controller-manager.kubeconfig" \
    --authentication-kubeconfig="$CONF/controller-manager.kubeconfig" --authorization-kubeconfig="$CONF/controller-manager.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$KCM_PORT" --leader-elect=false \
    --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
    --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
    --use-service-account-credentials=true --service-cluster-ip-range="$SERVICE_CIDR" --profiling=false
  launch kube-scheduler --kubeconfig="$CONF/scheduler.kubeconfig" \
    --authentication-kubeconfig="$CONF/scheduler.kubeconfig" --authorization-kubeconfig="$CONF/scheduler.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$SCHEDULER_PORT" --leader-elect=false --profiling=false

  # The kubelet refuses a loopback node IP, so the node is named localhost and the API server
  # reaches it by that name (--kubelet-preferred-address-types=Hostname,...).
  mkdir -p "$KUBELET_ROOT" "$POD_LOGS"
  launch kubelet --config="$CONF/kubelet.yaml" --kubeconfig="$CONF/kubelet.kubeconfig" \
    --hostname-override=localhost --root-dir="$KUBELET_ROOT"
  launch kube-proxy --config="$CONF/kube-proxy.yaml"

  wait_for kube-controller-manager 60 healthz "https://127.0.0.1:$KCM_PORT/healthz"
  wait_for kube-scheduler 60 healthz "https://127.0.0.1:$SCHEDULER_PORT/healthz"
  wait_for kubelet 120 healthz "http://127.0.0.1:$KUBELET_HEALTHZ_PORT/healthz"
  wait_for kube-proxy 60 healthz "http://127.0.0.1:$PROXY_HEALTHZ_PORT/healthz"
  wait_for kubelet 120 node_ready
  wait_for kube-controller-manager 60 default_sa
  trap - EXIT
  log "node localhost is Ready, default service account exists ($((SECONDS - t0))s); kubeconfig: $KUBECONFIG_OUT"
  echo "$KUBECONFIG_OUT"
}

# ---- stop ------------------------------------------------------------------------------------

# Kills and removes every container and sandbox of the node's containerd, with containerd's own
# API, so that the shims exit and remove their sockets; a shim left over is killed by pid.
remove_containers() {
  # shellcheck disable=SC2310 # a predicate: the socket is there and answers
  if containerd_up >/dev/null 2>&1; then
    local ids id
    # shellcheck disable=SC2310 # ctr_ is one command; a failed listing leaves only shims to kill below
    ids="$(ctr_ -n k8s.io containers list -q 2>/dev/null || true)"
    echo "$ids" >>"$RUN/container-ids"
    # Remember which shim sockets are this cluster's, in case a shim has to be killed below.
    for id in $ids; do
      printf '%s' "$CTRD_SOCK/k8s.io/$id" | sha256sum | cut -d' ' -f1
    done >>"$RUN/shim-sockets"
    for id in $ids; do
      # shellcheck disable=SC2310 # ctr_ is one command
      ctr_ -n k8s.io tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true
    done
    for id in $ids; do
      for _ in 1 2 3 4 5 6 7 8 9 10; do
        # shellcheck disable=SC2310 # ctr_ is one command
        ctr_ -n k8s.io tasks delete -f "$id" >/dev/null 2>&1 && break
        # shellcheck disable=SC2310 # ctr_ is one command
        ctr_ -n k8s.io tasks list -q 2>/dev/null | grep -qx "$id" || break
        sleep 0.3
      done
      # shellcheck disable=SC2310 # ctr_ is one command
      ctr_ -n k8s.io containers delete "$id" >/dev/null 2>&1 || true
    done
  fi
  local pid exe
  for pid in $(pgrep -f -- "-address $CTRD_SOCK" 2>/dev/null || true); do
    exe="$(readlink "/proc/$pid/exe" 2>/dev/null)" || continue # exited meanwhile
    [[ "$exe" == */containerd-shim* ]] || continue
    warn "killing a leftover containerd shim (pid $pid)"
    # Its socket in /run/containerd/s is named after sha256(<containerd address>/<namespace>/<id>).
    local id
    # || : it may have exited meanwhile, which must not end stop.
    id="$(tr '\0' '\n' <"/proc/$pid/cmdline" | sed -n '/^-id$/{n;p;}')" || id=""
    [[ -n "$id" ]] && printf '%s' "$CTRD_SOCK/k8s.io/$id" | sha256sum | cut -d' ' -f1 >>"$RUN/shim-sockets"
    kill -KILL "$pid" 2>/dev/null || true
  done
}

stop() {
  [[ $EUID -eq 0 ]] || die "stopping the local cluster needs root: run it as root"
  if [[ ! -d "$RUN" && ! -d "$RECORD" ]] && ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    log "not running; nothing to stop"
    return 0
  fi
  # shellcheck disable=SC2310 # returns its own status
  if [[ -d "$RECORD" ]] && ! machine_record_valid; then
    warn "the machine record is from an earlier boot; the kernel settings it holds are not replayed"
    rm -rf "$RECORD"
  fi
  local t0=$SECONDS
  mkdir -p "$LOGS"
  # The node first (so that nothing restarts containers), then its containers, then the control
  # plane; each group's members in parallel (each takes a second or two to exit on SIGTERM).
  stop_components kube-proxy kubelet
  remove_containers
  stop_components containerd kube-scheduler kube-controller-manager kube-apiserver
  stop_components etcd

  local bin
  # A failure here must not end stop: without the bin folder, the chains are removed directly below.
  # shellcheck disable=SC2310 # bin_dir is one command
  bin="$(bin_dir)" || { warn "could not find the bin folder (tools/kubernetes/build.sh --path)"; bin=""; }
  if [[ -n "$bin" && -x "$bin/kube-proxy" ]]; then
    "$bin/kube-proxy" --cleanup >>"$LOGS/kube-proxy-cleanup.log" 2>&1 || warn "kube-proxy --cleanup failed (see $LOGS/kube-proxy-cleanup.log); removing its chains directly"
  fi
  machine_remove_kube_chains
  machine_unmount
  machine_remove_netns
  if ip link show "$BRIDGE" >/dev/null 2>&1; then ip link delete "$BRIDGE" || warn "could not delete the bridge $BRIDGE"; fi
  machine_remove_cgroups
  machine_remove_files
  machine_restore_sysctls

  # The cluster's own state; the logs stay for a look after a failed run.
  rm -rf "$RUN" "$STATE/etcd" "$STATE/cni-ipam" "$KUBELET_ROOT" "$CTRD_ROOT" "$POD_LOGS" "$PKI" "$CONF" "$STATE/images" "$KUBECONFIG_OUT" "$KUBECACHEDIR"
  rm -rf "$RECORD"
  log "stopped; machine restored ($((SECONDS - t0))s)"
}

# ---- status, import-image --------------------------------------------------------------------

status() {
  local c pid procs="" running=true ready=false bin
  for c in "${COMPONENTS[@]}"; do
    # shellcheck disable=SC2310 # returns its own status
    if pid="$(component_pid "$c")"; then
      procs+="${procs:+,}\"$c\":$pid"
    else
      procs+="${procs:+,}\"$c\":null"
      running=false
    fi
  done
  # shellcheck disable=SC2310 # a predicate: returns its own status
  if $running && [[ -f "$KUBECONFIG_OUT" ]] && node_ready; then ready=true; fi
  # shellcheck disable=SC2310 # bin_dir is one command
  bin="$(bin_dir)" || die "could not find the bin folder (tools/kubernetes/build.sh --path)"
  printf '{"running":%s,"nodeReady":%s,"apiServer":"%s","kubeconfigPath":"%s","kubeCacheDir":"%s","binDir":"%s","stateDir":"%s","processes":{%s}}\n' \
    "$running" "$ready" "$API_SERVER" "$KUBECONFIG_OUT" "$KUBECACHEDIR" "$bin" "$STATE" "$procs"
}

import_image() {
  local file="${1:-}"
  [[ -n "$file" ]] || die "usage: bash local/cluster/cluster.sh import-image FILE.tar"
  [[ -f "$file" && -r "$file" ]] || die "import-image: '$file' is not a readable file (an OCI or docker image tar, e.g. from docker save or local/cluster/oci-image.sh)"
  # shellcheck disable=SC2310 # returns its own status
  component_pid containerd >/dev/null || die "import-image: the cluster is not running; start it first (bash local/cluster/cluster.sh start)"
  # shellcheck disable=SC2310 # ctr_ is one command
  ctr_ -n k8s.io images import "$file" >&2 \
    || die "import-image: containerd could not import '$file' (its message is above)"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  import-image) import_image "${2:-}" ;;
  kubectl)
    shift
    # shellcheck disable=SC2310 # bin_dir is one command
    bin="$(bin_dir)" || die "could not find the bin folder (tools/kubernetes/build.sh --path)"
    exec "$bin/kubectl" --kubeconfig "$KUBECONFIG_OUT" "$@"
    ;;
  *) die "usage: bash local/cluster/cluster.sh start|stop|status|import-image FILE|kubectl ARG..." ;;
esac
