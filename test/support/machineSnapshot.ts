// What a Kubernetes node changes on the machine, read straight from the kernel and the tools (not
// from local/cluster's own record), so that the cluster and k8s suites can check that the local
// cluster's stop put it all back. Only what a node touches is read: other work on the machine
// (another suite's containers) does not count.
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface MachineSnapshot {
    /** Every readable sysctl (path under /proc/sys with dots) and its value. */
    sysctls: Record<string, string>;
    /** iptables-save and ip6tables-save lines that name a KUBE-* or CNI-* chain. */
    kubeIptablesLines: string[];
    /** Mount points under the cluster's folders or pod network namespaces. */
    clusterMounts: string[];
    /** Processes of the cluster: its binaries, its containerd's shims, anything in a kubepods cgroup. */
    clusterProcesses: string[];
    /** /var/log/containers entries (links to pod logs), or null when the folder does not exist. */
    varLogContainers: string[] | null;
    /** kubepods cgroup folders. */
    kubepodsCgroups: string[];
    /** /run/netns entries, or null when the folder does not exist. */
    netns: string[] | null;
    /** Whether the pod network's bridge exists. */
    bridge: boolean;
    /** Every file under the places a node writes outside its own folders when left at their defaults. */
    nodeFiles: string[];
}

// Where a kubelet, containerd and the CNI plugins write by default; the cluster moves most of them
// into its own folders, and what remains here must be gone after stop.
const NODE_PATHS = [
    "/var/lib/cni",
    "/var/log/pods",
    "/var/log/containers",
    "/etc/cni",
    "/opt/cni",
    "/var/lib/kubelet",
    "/etc/kubernetes",
    "/var/lib/containerd",
    "/opt/containerd",
    "/etc/containerd",
    "/run/netns",
    "/var/run/netns",
    "/run/containerd/runc",
    path.join(os.homedir(), ".kube"),
];

function listTree(root: string): string[] {
    const out: string[] = [];
    const walk = (p: string) => {
        let st: fs.Stats;
        try {
            st = fs.lstatSync(p);
        } catch {
            return;
        }
        out.push(p);
        if (st.isDirectory()) for (const e of fs.readdirSync(p).sort()) walk(path.join(p, e));
    };
    walk(root);
    return out;
}

// Counters and other values the kernel changes on its own from one read to the next.
const VOLATILE =
    /^(kernel\.random\.|kernel\.ns_last_pid|kernel\.pty\.nr|fs\.(dentry-state|file-nr|inode-nr|inode-state|aio-nr|quota\.)|net\.netfilter\.nf_conntrack_count|kernel\.sched_domain\.|fs\.binfmt_misc\.|net\.ipv4\.route\.gc_|vm\.stat_refresh)/;

function readSysctls(): Record<string, string> {
    const out: Record<string, string> = {};
    const walk = (dir: string) => {
        let entries: fs.Dirent[];
        try {
            entries = fs.readdirSync(dir, { withFileTypes: true });
        } catch {
            return;
        }
        for (const e of entries) {
            const p = path.join(dir, e.name);
            if (e.isDirectory()) {
                walk(p);
                continue;
            }
            const key = p.slice("/proc/sys/".length).replace(/\//g, ".");
            if (VOLATILE.test(key)) continue;
            try {
                out[key] = fs.readFileSync(p, "utf8").trim();
            } catch {
                // write-only or permission-denied entries
            }
        }
    };
    walk("/proc/sys");
    return out;
}

function lines(cmd: string, args: string[]): string[] {
    const res = spawnSync(cmd, args, { encoding: "utf8" });
    return res.status === 0 ? res.stdout.split("\n").filter((l) => l.length > 0) : [];
}

function listDir(dir: string): string[] | null {
    try {
        return fs.readdirSync(dir).sort();
    } catch {
        return null;
    }
}

/** Where the local cluster (local/cluster) keeps its state, runtime files and binaries, and its bridge. */
export function localClusterPaths(repoRoot: string): ClusterPaths {
    return {
        stateDir: path.join(repoRoot, ".gin-deploy", "cluster"),
        runDir: "/run/gin-deploy-cluster",
        binDir: execFileSync("bash", [path.join(repoRoot, "tools", "kubernetes", "build.sh"), "--path"], { encoding: "utf8" }).trim(),
        bridge: "gin-deploy0",
    };
}

export interface ClusterPaths {
    stateDir: string;
    runDir: string;
    binDir: string;
    bridge: string;
}

/** The machine before a cluster starts: two snapshots a second apart, and the sysctls that moved between them on their own. */
export async function machineBeforeCluster(paths: ClusterPaths): Promise<{ before: MachineSnapshot; unsteady: Set<string> }> {
    const first = snapshotMachine(paths);
    await new Promise((r) => setTimeout(r, 1000));
    const before = snapshotMachine(paths);
    return { before, unsteady: unsteadySysctls(first, before) };
}

export function snapshotMachine(clusterPaths: ClusterPaths): MachineSnapshot {
    const kubeIptablesLines = ["iptables-save", "ip6tables-save"]
        .flatMap((tool) => lines(tool, []).map((l) => `${tool}: ${l}`))
        .filter((l) => /KUBE-|CNI-/.test(l));

    const clusterMounts = lines("findmnt", ["-rn", "-o", "TARGET"]).filter(
        (t) => t.startsWith(clusterPaths.stateDir) || t.startsWith(clusterPaths.runDir) || t.startsWith("/run/netns/"),
    );

    const clusterProcesses: string[] = [];
    for (const pid of fs.readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
        try {
            const exe = fs.readlinkSync(`/proc/${pid}/exe`);
            const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim();
            const cgroup = fs.readFileSync(`/proc/${pid}/cgroup`, "utf8");
            if (
                exe.startsWith(clusterPaths.binDir + "/") ||
                cmdline.includes(clusterPaths.runDir) ||
                cmdline.includes(clusterPaths.stateDir) ||
                cgroup.includes("kubepods")
            ) {
                clusterProcesses.push(`${pid} ${exe} ${cmdline.slice(0, 120)}`);
            }
        } catch {
            // gone, or a kernel thread
        }
    }

    const kubepodsCgroups: string[] = [];
    for (const hierarchy of listDir("/sys/fs/cgroup") ?? []) {
        const p = path.join("/sys/fs/cgroup", hierarchy, "kubepods");
        if (fs.existsSync(p)) kubepodsCgroups.push(p);
    }
    if (fs.existsSync("/sys/fs/cgroup/kubepods")) kubepodsCgroups.push("/sys/fs/cgroup/kubepods");

    return {
        sysctls: readSysctls(),
        kubeIptablesLines,
        clusterMounts,
        clusterProcesses,
        varLogContainers: listDir("/var/log/containers"),
        kubepodsCgroups,
        netns: listDir("/run/netns"),
        bridge: spawnSync("ip", ["link", "show", clusterPaths.bridge], { stdio: "ignore" }).status === 0,
        nodeFiles: NODE_PATHS.flatMap(listTree),
    };
}

/**
 * The differences between two snapshots, as readable lines (empty when the machine is as before).
 * A sysctl counts when it exists in both and its value differs, except the keys listed in
 * `unsteady` (they changed between two reads before the cluster started, or belong to network
 * interfaces that come and go with other work on the machine).
 */
export function diffMachine(before: MachineSnapshot, after: MachineSnapshot, unsteady: Set<string>): string[] {
    const diffs: string[] = [];
    for (const [key, value] of Object.entries(before.sysctls)) {
        if (unsteady.has(key) || !(key in after.sysctls)) continue;
        if (after.sysctls[key] !== value)
            diffs.push(`sysctl ${key}: ${JSON.stringify(value)} before, ${JSON.stringify(after.sysctls[key])} after`);
    }
    const sameList = (what: string, a: string[] | null, b: string[] | null) => {
        if (JSON.stringify(a) !== JSON.stringify(b)) diffs.push(`${what}: ${JSON.stringify(a)} before, ${JSON.stringify(b)} after`);
    };
    sameList("iptables lines naming KUBE-/CNI- chains", before.kubeIptablesLines, after.kubeIptablesLines);
    sameList("mounts under the cluster's folders and /run/netns", before.clusterMounts, after.clusterMounts);
    sameList("cluster processes", before.clusterProcesses, after.clusterProcesses);
    sameList("/var/log/containers", before.varLogContainers, after.varLogContainers);
    sameList("kubepods cgroups", before.kubepodsCgroups, after.kubepodsCgroups);
    sameList("/run/netns", before.netns, after.netns);
    sameList("files under the node's default folders", before.nodeFiles, after.nodeFiles);
    if (before.bridge !== after.bridge) diffs.push(`bridge: ${before.bridge} before, ${after.bridge} after`);
    return diffs;
}

/** Sysctls whose values differ between two snapshots taken with no cluster running. */
export function unsteadySysctls(a: MachineSnapshot, b: MachineSnapshot): Set<string> {
    const keys = new Set<string>();
    for (const key of new Set([...Object.keys(a.sysctls), ...Object.keys(b.sysctls)])) {
        if (a.sysctls[key] !== b.sysctls[key]) keys.add(key);
    }
    return keys;
}
