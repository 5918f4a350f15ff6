// What a local Kubernetes node changes on this machine, read independently of local/cluster (so
// the suite checks the cluster's own restore rather than trusting it): the sysctls the kubelet,
// kube-proxy and the CNI plugin write, the iptables chains of every table, the mount points, the
// network links and namespaces, the kubelet's log links, the kubepods cgroups, containerd's shim
// sockets, and any process of the node still running.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const SYSCTLS = [
    "vm.overcommit_memory",
    "vm.panic_on_oom",
    "kernel.panic",
    "kernel.panic_on_oops",
    "kernel.keys.root_maxkeys",
    "kernel.keys.root_maxbytes",
    "net.ipv4.ip_forward",
    "net.ipv6.conf.all.forwarding",
    "net.bridge.bridge-nf-call-iptables",
    "net.bridge.bridge-nf-call-ip6tables",
    "net.netfilter.nf_conntrack_max",
    "net.netfilter.nf_conntrack_tcp_timeout_established",
    "net.netfilter.nf_conntrack_tcp_timeout_close_wait",
];
const NODE_PROCESSES = [
    "etcd",
    "kube-apiserver",
    "kube-controller-manager",
    "kube-scheduler",
    "kubelet",
    "kube-proxy",
    "containerd-shim-runc-v2",
];

function readSysctl(key: string): string | undefined {
    try {
        return fs
            .readFileSync(path.join("/proc/sys", key.replace(/\./g, "/")), "utf8")
            .trim()
            .replace(/\s+/g, " ");
    } catch {
        return undefined;
    }
}

function lines(cmd: string, args: string[]): string[] {
    const res = spawnSync(cmd, args, { encoding: "utf8" });
    if (res.error || res.status !== 0) return [];
    return res.stdout
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean);
}

function list(dir: string): string[] {
    try {
        return fs.readdirSync(dir).sort();
    } catch {
        return [];
    }
}

export type MachineSnapshot = Record<string, string[] | Record<string, string | undefined>>;

export function snapshotMachine(): MachineSnapshot {
    const sysctls: Record<string, string | undefined> = {};
    for (const key of SYSCTLS) sysctls[key] = readSysctl(key);
    for (const iface of list("/proc/sys/net/ipv4/conf")) {
        for (const leaf of ["route_localnet", "forwarding"])
            sysctls[`net.ipv4.conf.${iface}.${leaf}`] = readSysctl(`net.ipv4.conf.${iface}.${leaf}`);
    }
    const chains: string[] = [];
    for (const tool of ["iptables-save", "ip6tables-save"]) {
        for (const table of ["filter", "nat", "mangle", "raw"]) {
            for (const line of lines(tool, ["-t", table]))
                if (line.startsWith(":")) chains.push(`${tool} ${table} ${line.slice(1).split(" ")[0]}`);
        }
    }
    const processes: string[] = [];
    for (const pid of list("/proc").filter((p) => /^\d+$/.test(p))) {
        let comm = "";
        try {
            comm = fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim();
        } catch {
            continue;
        }
        if (NODE_PROCESSES.some((n) => n.startsWith(comm))) processes.push(comm);
    }
    const kubepods = list("/sys/fs/cgroup").flatMap((c) =>
        list(path.join("/sys/fs/cgroup", c))
            .filter((d) => d.startsWith("kubepods"))
            .map((d) => `${c}/${d}`),
    );
    if (list("/sys/fs/cgroup").some((d) => d.startsWith("kubepods"))) kubepods.push("kubepods (unified)");
    return {
        sysctls,
        iptablesChains: chains.sort(),
        mounts: lines("findmnt", ["-rn", "-o", "TARGET"]).sort(),
        links: lines("ip", ["-o", "link", "show"])
            .map((l) => l.split(":")[1].trim().split("@")[0])
            .sort(),
        netns: list("/run/netns"),
        containerLogs: [...list("/var/log/containers"), ...list("/var/log/pods")],
        kubepods: kubepods.sort(),
        shimSockets: list("/run/containerd/s"),
        nodeProcesses: processes.sort(),
    };
}

/** The differences of `after` from `before`, one line each; empty when the machine is as it was. */
export function machineDifferences(before: MachineSnapshot, after: MachineSnapshot): string[] {
    const diffs: string[] = [];
    for (const key of Object.keys(before)) {
        const b = before[key];
        const a = after[key];
        if (Array.isArray(b) && Array.isArray(a)) {
            const added = a.filter((x) => !b.includes(x));
            const removed = b.filter((x) => !a.includes(x));
            if (added.length) diffs.push(`${key}: left behind ${added.join(", ")}`);
            if (removed.length) diffs.push(`${key}: missing ${removed.join(", ")}`);
        } else if (!Array.isArray(b) && !Array.isArray(a)) {
            for (const k of new Set([...Object.keys(b), ...Object.keys(a)])) {
                if (b[k] !== a[k]) diffs.push(`${key}: ${k} was ${JSON.stringify(b[k])}, now ${JSON.stringify(a[k])}`);
            }
        }
    }
    return diffs;
}
