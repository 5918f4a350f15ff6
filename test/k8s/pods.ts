// The pods as the cluster and the kernel see them: kubectl (the cluster's own, with its admin
// kubeconfig) for their state, and /proc of this machine for the app process each container runs
// (found through the container id in its cgroup path), whose status shows what the security
// context really did. No request goes to a pod or node address.
import { spawnSync } from "child_process";
import * as fs from "fs";

export interface Kubectl {
    kubectl: string;
    kubeconfigPath: string;
}

export function kubectl(
    k: Kubectl,
    args: string[],
    opts: { allowFailure?: boolean } = {},
): { status: number; stdout: string; stderr: string } {
    const res = spawnSync(k.kubectl, ["--kubeconfig", k.kubeconfigPath, "--request-timeout=20s", ...args], {
        encoding: "utf8",
        maxBuffer: 64 << 20,
    });
    const out = { status: res.status ?? -1, stdout: res.stdout ?? "", stderr: res.stderr ?? "" };
    if (out.status !== 0 && !opts.allowFailure)
        throw new Error(`kubectl ${args.join(" ")} failed (exit ${out.status}): ${out.stderr.trim()}`);
    return out;
}

export interface PodView {
    name: string;
    uid: string;
    ready: boolean;
    deleting: boolean;
    containerId?: string;
    version?: string;
    checksum?: string;
    image?: string;
}

export function pods(k: Kubectl, namespace: string): PodView[] {
    const list = JSON.parse(kubectl(k, ["get", "pods", "-n", namespace, "-l", "app.kubernetes.io/name=gin-app", "-o", "json"]).stdout) as {
        items: Array<{
            metadata: { name: string; uid: string; deletionTimestamp?: string; annotations?: Record<string, string> };
            spec: { containers: Array<{ image: string }> };
            status: { conditions?: Array<{ type: string; status: string }>; containerStatuses?: Array<{ containerID?: string }> };
        }>;
    };
    return list.items.map((p) => ({
        name: p.metadata.name,
        uid: p.metadata.uid,
        ready: (p.status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True"),
        deleting: p.metadata.deletionTimestamp !== undefined,
        containerId: p.status.containerStatuses?.[0]?.containerID?.replace(/^containerd:\/\//, ""),
        version: p.metadata.annotations?.["gin-deploy.io/version"],
        checksum: p.metadata.annotations?.["gin-deploy.io/config-checksum"],
        image: p.spec.containers[0]?.image,
    }));
}

/** Polls until `done` holds for the pods (or throws after `seconds`, with the last view). */
export async function waitForPods(
    k: Kubectl,
    namespace: string,
    seconds: number,
    what: string,
    done: (ps: PodView[]) => boolean,
): Promise<PodView[]> {
    const deadline = performance.now() + seconds * 1000;
    for (;;) {
        const last = pods(k, namespace);
        if (done(last)) return last;
        if (performance.now() > deadline) throw new Error(`pods not ${what} within ${seconds}s: ${JSON.stringify(last)}`);
        await new Promise((r) => setTimeout(r, 500));
    }
}

/** The pid of the container's main process: the one whose cgroup path names the container id. */
export function containerPid(containerId: string): number {
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        let cgroup: string;
        try {
            cgroup = fs.readFileSync(`/proc/${entry}/cgroup`, "utf8");
        } catch {
            continue;
        }
        if (!cgroup.includes(containerId)) continue;
        // The shim is not in the container's cgroup; the app is PID 1 of its pid namespace, the first found with the binary.
        const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0")[0];
        if (cmdline === "/gin-app") return Number(entry);
    }
    throw new Error(`no /gin-app process in the cgroup of container ${containerId}`);
}

export interface ProcessSecurity {
    uid: string;
    gid: string;
    noNewPrivs: string;
    capEff: string;
    capBnd: string;
    seccomp: string;
    rootReadOnly: boolean;
    environ: Record<string, string>;
}

export function processSecurity(pid: number): ProcessSecurity {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, "m").exec(status)?.[1].trim().replace(/\s+/g, " ") ?? "";
    // mountinfo: "id parent major:minor root mountpoint options ..."; the container's root is "/".
    const rootMount = fs
        .readFileSync(`/proc/${pid}/mountinfo`, "utf8")
        .split("\n")
        .find((l) => l.split(" ")[4] === "/");
    const environ = Object.fromEntries(
        fs
            .readFileSync(`/proc/${pid}/environ`, "utf8")
            .split("\0")
            .filter(Boolean)
            .map((kv) => {
                const i = kv.indexOf("=");
                return [kv.slice(0, i), kv.slice(i + 1)];
            }),
    );
    return {
        uid: field("Uid"),
        gid: field("Gid"),
        noNewPrivs: field("NoNewPrivs"),
        capEff: field("CapEff"),
        capBnd: field("CapBnd"),
        seccomp: field("Seccomp"),
        rootReadOnly: (rootMount?.split(" ")[5] ?? "").split(",").includes("ro"),
        environ,
    };
}
