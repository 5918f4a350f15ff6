# shellcheck shell=bash
# What the local cluster changes on the machine, recorded before start changes anything and put
# back by stop (sourced by cluster.sh, which sets the variables used here). The record lives in
# $RECORD and carries the boot id: after a reboot the kernel has already forgotten the changes,
# so a stale record is not replayed.

# cluster.sh's setting already (a no-op here); stated for shellcheck, which checks this file alone.
set -o pipefail

# The sysctls the kubelet (setupKernelTunables), kube-proxy (route_localnet, conntrack) and the
# CNI bridge plugin (forwarding) are known to write.
_machine_sysctl_keys() {
  local k
  for k in vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops \
    kernel.keys.root_maxkeys kernel.keys.root_maxbytes net.ipv4.ip_forward \
    net.ipv6.conf.all.forwarding net.ipv6.conf.default.forwarding \
    net.bridge.bridge-nf-call-iptables net.bridge.bridge-nf-call-ip6tables \
    net.netfilter.nf_conntrack_max net.netfilter.nf_conntrack_tcp_timeout_established \
    net.netfilter.nf_conntrack_tcp_timeout_close_wait net.netfilter.nf_conntrack_tcp_be_liberal; do
    [[ -e "/proc/sys/${k//.//}" ]] && echo "$k"
  done
  for k in /proc/sys/net/ipv4/conf/*/route_localnet /proc/sys/net/ipv4/conf/*/forwarding; do
    [[ -e "$k" ]] || continue
    k="${k#/proc/sys/}"
    echo "${k//\//.}"
  done
}

_machine_read_sysctl() { tr '\t' ' ' 2>/dev/null <"/proc/sys/${1//.//}"; }

machine_record() {
  mkdir -p "$RECORD"
  cat /proc/sys/kernel/random/boot_id >"$RECORD/boot_id"
  local k v
  for k in $(_machine_sysctl_keys); do
    # shellcheck disable=SC2310 # one command
    v="$(_machine_read_sysctl "$k")" || die "could not read the sysctl $k to record it"
    printf '%s=%s\n' "$k" "$v"
  done >"$RECORD/sysctls"
  local tool table
  for tool in iptables ip6tables; do
    for table in filter nat mangle raw; do
      "$tool-save" -t "$table" 2>/dev/null | awk '/^:/ { print substr($1, 2) }' >"$RECORD/chains.$tool.$table" || true
    done
  done
  findmnt -rn -o TARGET >"$RECORD/mounts"
  local p
  for p in /var/log/containers /var/log/pods /var/lib/cni /run/netns /var/lib/kubelet; do
    if [[ -e "$p" ]]; then echo "$p"; fi
  done >"$RECORD/paths"
  ls -1 /run/netns 2>/dev/null >"$RECORD/netns" || true
  ls -1 /run/containerd/s 2>/dev/null >"$RECORD/shim-sockets" || true
  find /sys/fs/cgroup -maxdepth 2 -name kubepods -type d 2>/dev/null >"$RECORD/kubepods" || true
}

# Returns each step's status itself: it is called in a condition, where set -e is off.
machine_record_valid() {
  local recorded now
  [[ -f "$RECORD/boot_id" ]] || return 1
  recorded="$(cat "$RECORD/boot_id")" || return 1
  now="$(cat /proc/sys/kernel/random/boot_id)" || return 1
  [[ "$recorded" == "$now" ]]
}

# Refuses to start over another Kubernetes node on this machine: its chains, cgroups and links
# would be indistinguishable from this cluster's, and stop would take them away.
machine_preflight() {
  local tool table saved found=""
  for tool in iptables ip6tables; do
    for table in filter nat mangle; do
      # Read whole, then searched: grep -q in a pipe can end iptables-save with SIGPIPE, which
      # pipefail would turn into "no KUBE- chains". A table this kernel lacks has none.
      saved="$("$tool-save" -t "$table" 2>/dev/null)" || continue
      if grep -q '^:KUBE-' <<<"$saved"; then found+=" $tool/$table"; fi
    done
  done
  [[ -z "$found" ]] || die "KUBE-* iptables chains exist already ($found ): another Kubernetes node (or a cluster this script did not record) runs on this machine. Stop it first (bash local/cluster/cluster.sh stop, or that node's own tooling)."
  local kubepods
  # || true: find fails on a folder it cannot read; what it found still counts.
  kubepods="$(find /sys/fs/cgroup -maxdepth 2 -name kubepods -type d 2>/dev/null)" || true
  if [[ -n "$kubepods" ]]; then
    die "kubepods cgroups exist already under /sys/fs/cgroup: another kubelet runs (or ran) on this machine; stop it first."
  fi
}

# Deletes the KUBE-* chains (and the rules that jump to them from other chains) that were not
# there before start, in one iptables-restore transaction per table. kube-proxy --cleanup removes
# its own chains; the kubelet's (KUBE-FIREWALL, KUBE-KUBELET-CANARY, KUBE-IPTABLES-HINT) remain.
machine_remove_kube_chains() {
  local tool table chains list before script
  for tool in iptables ip6tables; do
    command -v "$tool-save" >/dev/null || continue
    for table in filter nat mangle raw; do
      before="$RECORD/chains.$tool.$table"
      # A table this kernel lacks has no chains to remove (and must not end stop).
      chains="$("$tool-save" -t "$table" 2>/dev/null | awk '/^:KUBE-/ { print substr($1, 2) }')" || continue
      if [[ -f "$before" ]]; then
        chains="$(comm -23 <(sort <<<"$chains") <(sort "$before") | grep . || true)"
      fi
      [[ -n "$chains" ]] || continue
      list="${chains//$'\n'/ }"
      script="$(
        echo "*$table"
        local c
        for c in $chains; do echo ":$c - [0:0]"; done
        # Rules of other chains (INPUT, FORWARD, OUTPUT, ...) that jump to a chain being removed.
        # || true: without this listing the jumps stay, and the restore below fails and warns.
        { "$tool-save" -t "$table" || true; } | awk -v list=" $list " '
          /^-A / { split($0, f, " "); if (index(list, " " f[2] " ") > 0) next
                   for (i = 3; i <= NF; i++) if (($i == "-j" || $i == "-g") && index(list, " " $(i + 1) " ") > 0) { sub(/^-A /, "-D "); print; next } }'
        for c in $chains; do echo "-X $c"; done
        echo "COMMIT"
      )"
      if ! "$tool-restore" --noflush <<<"$script"; then
        warn "could not remove the $tool $table chains: $list"
      fi
    done
  done
}

# Unmounts everything mounted under the cluster's folders and the pod network namespaces made
# since start (the kubelet's bind mount of its root dir, pod volumes, container root filesystems,
# sandbox shm), deepest first.
machine_unmount() {
  local mounts recorded targets t
  for _ in 1 2 3 4 5; do
    # A failure of these two listings leaves the mounts in place but must not end stop.
    mounts="$(findmnt -rn -o TARGET)" || { warn "findmnt failed; the cluster's mounts are left in place"; return 0; }
    targets="$(awk -v a="$STATE/" -v b="$RUN/" -v s="$STATE" -v r="$RUN" \
      '$0 == s || $0 == r || index($0, a) == 1 || index($0, b) == 1 || index($0, "/run/netns/cni-") == 1' <<<"$mounts" | sort -r -u)"
    if [[ -f "$RECORD/mounts" && -n "$targets" ]]; then
      recorded="$(sort -u "$RECORD/mounts")" || { warn "could not read $RECORD/mounts; the cluster's mounts are left in place"; return 0; }
      # shellcheck disable=SC2312 # sorting a string cannot fail
      targets="$(comm -23 <(sort <<<"$targets") <(printf '%s\n' "$recorded") | sort -r)"
    fi
    [[ -n "$targets" ]] || return 0
    while read -r t; do
      [[ -n "$t" ]] || continue
      umount "$t" 2>/dev/null || umount -l "$t" 2>/dev/null || true
    done <<<"$targets"
  done
  warn "some mounts remain: ${targets//$'\n'/ }"
}

machine_remove_netns() {
  local p n
  [[ -d /run/netns ]] || return 0
  for p in /run/netns/*; do
    [[ -e "$p" || -L "$p" ]] || continue
    n="${p##*/}"
    [[ "$n" == cni-* ]] || continue
    if [[ -f "$RECORD/netns" ]] && grep -qxF "$n" "$RECORD/netns"; then continue; fi
    umount "/run/netns/$n" 2>/dev/null || true
    rm -f "/run/netns/$n"
  done
  if [[ -f "$RECORD/paths" ]] && ! grep -qxF /run/netns "$RECORD/paths"; then
    rmdir /run/netns 2>/dev/null || true
  fi
}

# /var/log/containers links into this cluster's pod logs, and the folders the kubelet and the CNI
# plugins made when they were not there before.
machine_remove_files() {
  local l
  if [[ -d /var/log/containers ]]; then
    for l in /var/log/containers/*; do
      [[ -L "$l" ]] || continue
      case "$(readlink "$l")" in "$POD_LOGS"/*) rm -f "$l" ;; esac
    done
  fi
  # libcni's cached results: this network's, and containerd's built-in loopback network's for
  # this cluster's sandboxes (named cni-loopback-<sandbox id>-lo).
  rm -f /var/lib/cni/results/"$CNI_NET"-* 2>/dev/null || true
  local id
  for id in $(cat "$RUN/container-ids" 2>/dev/null; ls -1 "$CTRD_ROOT/io.containerd.grpc.v1.cri/sandboxes" 2>/dev/null); do
    rm -f /var/lib/cni/results/cni-loopback-"$id"-* 2>/dev/null || true
  done
  rm -rf /var/lib/cni/networks/"$CNI_NET" 2>/dev/null || true
  # The device-plugin registration socket: the kubelet makes it in /var/lib/kubelet whatever its
  # --root-dir is.
  rm -f /var/lib/kubelet/device-plugins/kubelet.sock
  local p
  for p in /var/log/containers /var/log/pods /var/lib/cni /var/lib/kubelet; do
    [[ -e "$p" ]] || continue
    if [[ -f "$RECORD/paths" ]] && ! grep -qxF "$p" "$RECORD/paths"; then
      # Only folders left empty: anything else in them is not this cluster's.
      find "$p" -depth -type d -empty -delete 2>/dev/null || true
      [[ -e "$p" ]] && warn "$p was made while the cluster ran and still holds files not of this cluster; left in place"
    fi
  done
  # Sockets of shims that were killed rather than shut down (containerd 1.6 keeps them in
  # /run/containerd/s whatever its own state folder is).
  if [[ -f "$RECORD/shim-sockets" && -d /run/containerd/s ]]; then
    local s
    for s in /run/containerd/s/*; do
      [[ -e "$s" || -L "$s" ]] || continue
      s="${s##*/}"
      # Not there before start, and this cluster's.
      grep -qxF "$s" "$RECORD/shim-sockets" && continue
      if grep -qxF "$s" "$RUN/shim-sockets" 2>/dev/null; then rm -f "/run/containerd/s/$s"; fi
    done
  fi
  return 0
}

# Empties and removes the kubepods cgroup trees (every v1 hierarchy, and the unified one), deepest
# first, killing any process still in them.
machine_remove_cgroups() {
  local tops top d
  # || true: find fails on a folder it cannot read; what it found still counts.
  tops="$(find /sys/fs/cgroup -maxdepth 2 -name kubepods -type d 2>/dev/null)" || true
  while IFS= read -r top <&3; do
    [[ -n "$top" ]] || continue
    if [[ -f "$RECORD/kubepods" ]] && grep -qxF "$top" "$RECORD/kubepods"; then continue; fi
    local procs
    # Containers whose shim was killed keep running: kill them, and wait until the kernel has
    # emptied their cgroups (a cgroup with a dying process cannot be removed yet).
    for _ in $(seq 1 25); do
      # || true: a cgroup can go away while find reads it, which must not end stop.
      procs="$(find "$top" -name cgroup.procs -exec cat {} + 2>/dev/null | sort -u)" || true
      [[ -n "$procs" ]] || break
      # shellcheck disable=SC2086
      kill -KILL $procs 2>/dev/null || true
      sleep 0.2
    done
    for _ in 1 2 3 4 5; do
      # || true: as above; what is left is retried, then reported below.
      find "$top" -depth -type d 2>/dev/null | while read -r d; do rmdir "$d" 2>/dev/null || true; done || true
      [[ -d "$top" ]] || break
      sleep 0.3
    done
    if [[ -d "$top" ]]; then warn "could not remove the cgroup $top"; fi
  done 3<<<"$tops"
  return 0
}

machine_restore_sysctls() {
  [[ -f "$RECORD/sysctls" ]] || return 0
  local line k v now
  while IFS= read -r line; do
    k="${line%%=*}" v="${line#*=}"
    [[ -e "/proc/sys/${k//.//}" ]] || continue
    # shellcheck disable=SC2310 # one command
    now="$(_machine_read_sysctl "$k")" || now="" # unreadable: put the recorded value back anyway
    if [[ "$now" != "$v" ]]; then
      printf '%s' "$v" >"/proc/sys/${k//.//}" 2>/dev/null || warn "could not put $k back to $v (it is $now)"
    fi
  done <"$RECORD/sysctls"
}
