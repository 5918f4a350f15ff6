// The local Kubernetes cluster (local/cluster/cluster.sh) as seen from TypeScript: start it, read
// its status, import an image into its containerd, stop it, and find the provider plugin to put on
// PATH. Everything the cluster serves listens on 127.0.0.1 only.
import { execFileSync, spawn, spawnSync } from "child_process";
import * as path from "path";

const repoRoot = path.resolve(__dirname, "..", "..");
const clusterScript = path.join(repoRoot, "local", "cluster", "cluster.sh");

export interface ClusterHandle {
    /** Admin kubeconfig (0600) for https://127.0.0.1:6443: .gin-deploy/cluster/kubeconfig. */
    kubeconfigPath: string;
    /** The kubectl built with the cluster (same version as the API server). */
    kubectl: string;
    /** Folder holding kube-apiserver, kubelet, kubectl, ... (tools/kubernetes/build.sh). */
    binDir: string;
    /**
     * Environment for kubectl runs: KUBECONFIG, and KUBECACHEDIR inside the cluster's folder (else
     * kubectl writes its discovery cache to ~/.kube, which stop would not remove).
     */
    env: { KUBECONFIG: string; KUBECACHEDIR: string };
}

/** What `cluster.sh status` prints (JSON). */
export interface ClusterStatus {
    running: boolean;
    /** Each component's pid, or null when it is not running. */
    processes: Record<string, number | null>;
    apiServer: string;
    kubeconfigPath: string;
    kubeCacheDir: string;
    binDir: string;
    nodeReady: boolean;
    stateDir: string;
}

/** Runs cluster.sh without blocking the event loop (start takes tens of seconds). */
function run(args: string[], what: string): Promise<void> {
    return new Promise((resolve, reject) => {
        const child = spawn("bash", [clusterScript, ...args], { stdio: ["ignore", "inherit", "inherit"] });
        child.on("error", reject);
        child.on("exit", (code, signal) => {
            if (code === 0) resolve();
            else reject(new Error(`local/cluster/cluster.sh ${what} failed (exit ${code ?? signal}); its messages are above`));
        });
    });
}

export function clusterStatus(): ClusterStatus {
    const out = execFileSync("bash", [clusterScript, "status"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    return JSON.parse(out) as ClusterStatus;
}

/**
 * Builds the Kubernetes binaries once (cached), starts etcd, the control plane, containerd, the
 * kubelet and kube-proxy on loopback, and waits until the node is Ready and the default service
 * account exists. Needs root. Progress goes to stderr.
 */
export async function startCluster(): Promise<ClusterHandle> {
    await run(["start"], "start");
    const status = clusterStatus();
    return {
        kubeconfigPath: status.kubeconfigPath,
        kubectl: path.join(status.binDir, "kubectl"),
        binDir: status.binDir,
        env: { KUBECONFIG: status.kubeconfigPath, KUBECACHEDIR: status.kubeCacheDir },
    };
}

/** Stops everything start started and puts the machine back as start found it. Idempotent. */
export async function stopCluster(): Promise<void> {
    await run(["stop"], "stop");
}

/** Imports an OCI/docker image tar into the cluster's containerd (namespace k8s.io). */
export async function importImage(tarPath: string): Promise<void> {
    await run(["import-image", path.resolve(tarPath)], `import-image ${tarPath}`);
}

/**
 * Builds pulumi-resource-kubernetes once (tools/pulumi-kubernetes/build.sh, cached) and returns the
 * folder to put first on PATH, where the engine finds it whatever version the SDK asks for.
 */
export function providerBinDir(): string {
    const script = path.join(repoRoot, "tools", "pulumi-kubernetes", "build.sh");
    const res = spawnSync("bash", [script], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    if (res.status !== 0) {
        throw new Error(`tools/pulumi-kubernetes/build.sh failed (exit ${res.status ?? res.signal}); its messages are above`);
    }
    return res.stdout.trim();
}
