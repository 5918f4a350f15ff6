# shellcheck shell=bash
# The local cluster's configuration files (sourced by cluster.sh, which sets the variables used
# here). Each file keeps the component on 127.0.0.1 and inside the cluster's own folders.

# cluster.sh's setting already (a no-op here); stated for shellcheck, which checks this file alone.
set -o pipefail

configs_write() {
  mkdir -p "$CONF" "$CONF/cni" "$CONF/certs.d/127.0.0.1:5000" "$CONF/certs.d/localhost:5000"
  _containerd_toml >"$CONF/containerd.toml"
  _cni_conflist >"$CONF/cni/10-$CNI_NET.conflist"
  _registry_hosts "127.0.0.1:5000" >"$CONF/certs.d/127.0.0.1:5000/hosts.toml"
  _registry_hosts "localhost:5000" >"$CONF/certs.d/localhost:5000/hosts.toml"
  _kubelet_yaml >"$CONF/kubelet.yaml"
  _kube_proxy_yaml >"$CONF/kube-proxy.yaml"
  (umask 077; _encryption_yaml >"$CONF/encryption.yaml")
}

# containerd 1.6, config version 2: its own socket, root and state; CRI with the pause image made
# here, cgroupfs (no systemd as PID 1), the CNI config below, and registry hosts for the local
# plain-http registry.
_containerd_toml() {
  cat <<TOML
version = 2
root = "$CTRD_ROOT"
state = "$CTRD_STATE"
oom_score = 0
# The snapshotters this machine cannot use only add errors to the log.
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs"]

[grpc]
  address = "$CTRD_SOCK"

[ttrpc]
  address = ""

[debug]
  address = ""

[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = "$CTRD_ROOT/opt"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  # Root lacks CAP_SYS_RESOURCE here: without this the sandbox's oom_score_adj of -998 fails with
  # "can't get final child's PID from pipe: EOF".
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_selinux = false
  # Pod network namespaces under containerd's own state folder, not /run/netns.
  netns_mounts_under_state_dir = true
  max_concurrent_downloads = 3

  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"

    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"

      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        # runc's state beside containerd's, not in the default /run/containerd/runc.
        Root = "$RUN/runc"

  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$CNI_BIN_DIR"
    conf_dir = "$CONF/cni"
    max_conf_num = 1

  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$CONF/certs.d"
TOML
}

# The bridge exists before the plugin runs (cluster.sh makes it with its address), so the plugin
# needs no isGateway, which would turn on ip_forward; no ipMasq either (no iptables rules of its
# own). Pods reach only the bridge's address; the host reaches them through kube-proxy's NodePort
# rules on 127.0.0.1.
_cni_conflist() {
  cat <<JSON
{
  "cniVersion": "1.0.0",
  "name": "$CNI_NET",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$BRIDGE",
      "isGateway": false,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$STATE/cni-ipam",
        "ranges": [[{ "subnet": "$POD_CIDR", "gateway": "$BRIDGE_IP" }]]
      }
    },
    { "type": "loopback" }
  ]
}
JSON
}

_registry_hosts() { # HOST:PORT
  cat <<TOML
# The local registry (local/registry.sh) serves plain HTTP on loopback only.
server = "http://$1"

[host."http://$1"]
  capabilities = ["pull", "resolve"]
TOML
}

_kubelet_yaml() {
  cat <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# Everything on loopback; no read-only port.
address: 127.0.0.1
port: $KUBELET_PORT
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $KUBELET_HEALTHZ_PORT
tlsCertFile: $PKI/kubelet-server.crt
tlsPrivateKeyFile: $PKI/kubelet-server.key
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: true
  x509:
    clientCAFile: $PKI/ca.crt
authorization:
  mode: Webhook
# cgroup v1 and no systemd as PID 1 on these machines.
failCgroupV1: false
cgroupDriver: cgroupfs
containerRuntimeEndpoint: unix://$CTRD_SOCK
podLogsDir: $POD_LOGS
staticPodPath: ""
resolvConf: /etc/resolv.conf
clusterDomain: cluster.local
failSwapOn: false
# Root cannot lower oom_score_adj here (no CAP_SYS_RESOURCE).
oomScoreAdj: 0
# A shared build machine's disk and memory come and go; evict only when really short.
evictionHard:
  memory.available: 100Mi
  nodefs.available: 2%
  nodefs.inodesFree: 2%
  imagefs.available: 2%
imageGCHighThresholdPercent: 99
imageGCLowThresholdPercent: 98
serializeImagePulls: false
rotateCertificates: false
serverTLSBootstrap: false
YAML
}

_kube_proxy_yaml() {
  cat <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection:
  kubeconfig: $CONF/kube-proxy.kubeconfig
hostnameOverride: localhost
mode: iptables
bindAddress: 127.0.0.1
healthzBindAddress: 127.0.0.1:$PROXY_HEALTHZ_PORT
metricsBindAddress: 127.0.0.1:$PROXY_METRICS_PORT
# NodePorts answer on 127.0.0.1 (kube-proxy turns on route_localnet for it; stop turns it back).
nodePortAddresses: ["127.0.0.0/8"]
clusterCIDR: $POD_CIDR
detectLocalMode: ClusterCIDR
# 0 leaves the kernel's conntrack settings (nf_conntrack_max, timeouts) as they are.
conntrack:
  maxPerCore: 0
  min: 0
  tcpEstablishedTimeout: 0s
  tcpCloseWaitTimeout: 0s
oomScoreAdj: 0
YAML
}

# Secrets are encrypted at rest in etcd with a key made on each start (never printed).
_encryption_yaml() {
  local key
  key="$(head -c 32 /dev/urandom | base64 -w0)" || die "could not make the encryption key (head -c 32 /dev/urandom | base64)"
  cat <<YAML
apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: ["secrets"]
    providers:
      - aescbc:
          keys:
            - name: local
              secret: $key
      - identity: {}
YAML
}
