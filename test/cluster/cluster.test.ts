// The local cluster for real (local/cluster/cluster.sh): from nothing to a Ready node, a 2-replica
// Deployment of a server image made here reached ONLY through 127.0.0.1:<nodePort>, then stop, and
// the machine is as before (sysctls, iptables, mounts, processes, /var/log/containers, cgroups).
// A proof of the cluster; the product's own Kubernetes suite reuses local/cluster/cluster.ts.
//
// Figures go to reports/cluster.json.
import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { ClusterHandle, clusterStatus, importImage, startCluster, stopCluster } from "../../local/cluster/cluster";
import { diffMachine, localClusterPaths, machineBeforeCluster, MachineSnapshot, snapshotMachine } from "../support/machineSnapshot";
import { get as httpGet, HttpAnswer } from "../../scripts/loopbackHttp";

const repoRoot = path.resolve(__dirname, "..", "..");
const clusterPaths = localClusterPaths(repoRoot);
const REQUESTS = 60;

const figures: Record<string, unknown> = {};
const seconds = (since: number) => Number(((performance.now() - since) / 1000).toFixed(1));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let cluster: ClusterHandle | undefined;
let imageDir: string | undefined;
let machineBefore: MachineSnapshot;
let unsteady: Set<string>;

function kubectl(args: string[], input?: string): string {
    if (!cluster) throw new Error("the cluster is not started");
    const res = spawnSync(cluster.kubectl, args, { encoding: "utf8", input, env: { ...process.env, ...cluster.env } });
    if (res.status !== 0) throw new Error(`kubectl ${args.join(" ")} failed (exit ${res.status}): ${res.stderr}`);
    return res.stdout;
}

/** One GET on a fresh connection to 127.0.0.1 (never to a pod or node address). */
function get(port: number, urlPath: string): Promise<HttpAnswer> {
    return httpGet(`http://127.0.0.1:${port}${urlPath}`);
}

/** The test server, built here and packed as an OCI image (no image can be pulled). */
function buildHelloImage(): { tar: string; ref: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cluster-hello-"));
    imageDir = dir;
    const binary = path.join(dir, "hello");
    execFileSync("go", ["build", "-trimpath", "-ldflags", "-s -w", "-o", binary, "."], {
        cwd: path.join(__dirname, "hello"),
        env: { ...process.env, CGO_ENABLED: "0" },
        stdio: ["ignore", "inherit", "inherit"],
    });
    const tar = path.join(dir, "hello.tar");
    const ref = "gin-deploy.local/hello:cluster-suite";
    execFileSync(
        "bash",
        [
            path.join(repoRoot, "local", "cluster", "oci-image.sh"),
            "--name",
            ref,
            "--binary",
            binary,
            "--out",
            tar,
            "--user",
            "65532:65532",
            "--port",
            "8080",
        ],
        { stdio: ["ignore", "pipe", "inherit"] },
    );
    return { tar, ref };
}

function manifests(image: string): string {
    const container = {
        name: "hello",
        image,
        imagePullPolicy: "Never",
        ports: [{ containerPort: 8080 }],
        readinessProbe: { httpGet: { path: "/healthz", port: 8080 }, periodSeconds: 1 },
        resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "200m", memory: "64Mi" } },
        securityContext: {
            runAsNonRoot: true,
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
        },
    };
    const deployment = {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "hello", namespace: "default" },
        spec: {
            replicas: 2,
            selector: { matchLabels: { app: "hello" } },
            template: { metadata: { labels: { app: "hello" } }, spec: { automountServiceAccountToken: false, containers: [container] } },
        },
    };
    const service = {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "hello", namespace: "default" },
        spec: { type: "NodePort", selector: { app: "hello" }, ports: [{ port: 80, targetPort: 8080 }] },
    };
    return JSON.stringify({ apiVersion: "v1", kind: "List", items: [deployment, service] });
}

describe("local cluster (etcd, control plane, containerd, kubelet, kube-proxy on 127.0.0.1)", function () {
    before(async function () {
        assert.strictEqual(
            process.getuid?.(),
            0,
            "the cluster suite needs root (containerd, the kubelet and kube-proxy run on this machine): run it as root",
        );
        // A cluster left by an aborted run would make "from nothing" untrue: stop it (idempotent).
        await stopCluster();
        ({ before: machineBefore, unsteady } = await machineBeforeCluster(clusterPaths));
    });

    after(async function () {
        if (clusterStatus().processes["kube-apiserver"] !== null || fs.existsSync(clusterPaths.runDir)) {
            await stopCluster();
        }
        if (imageDir) fs.rmSync(imageDir, { recursive: true, force: true });
        fs.mkdirSync(path.join(repoRoot, "reports"), { recursive: true });
        fs.writeFileSync(path.join(repoRoot, "reports", "cluster.json"), JSON.stringify(figures, null, 2) + "\n");
        console.log(`    figures (reports/cluster.json): ${JSON.stringify(figures)}`);
    });

    it("starts from nothing to a Ready node with the default service account, v1.37.2 in the API server and kubectl", async function () {
        assert.strictEqual(clusterStatus().running, false, "a cluster component is still running before start");
        const started = performance.now();
        cluster = await startCluster();
        figures.startSeconds = seconds(started);

        const version = JSON.parse(kubectl(["version", "-o", "json"]));
        assert.strictEqual(version.serverVersion.gitVersion, "v1.37.2");
        assert.strictEqual(version.clientVersion.gitVersion, "v1.37.2");
        const node = JSON.parse(kubectl(["get", "node", "localhost", "-o", "json"]));
        const ready = node.status.conditions.find((c: { type: string }) => c.type === "Ready");
        assert.strictEqual(ready?.status, "True", `node not Ready: ${JSON.stringify(node.status.conditions)}`);
        assert.strictEqual(node.status.nodeInfo.kubeletVersion, "v1.37.2");
        kubectl(["get", "serviceaccount", "default", "-n", "default"]);
        const status = clusterStatus();
        assert.strictEqual(status.running, true);
        assert.strictEqual(status.nodeReady, true);
    });

    it("runs a 2-replica Deployment of an image built here and serves both pods on 127.0.0.1:<nodePort>", async function () {
        const image = buildHelloImage();
        await importImage(image.tar);
        const started = performance.now();
        kubectl(["apply", "-f", "-"], manifests(image.ref));
        kubectl(["rollout", "status", "deployment/hello", "-n", "default", "--timeout=180s"]);
        figures.podsReadySeconds = seconds(started);

        const pods = JSON.parse(kubectl(["get", "pods", "-n", "default", "-l", "app=hello", "-o", "json"])).items;
        const podNames = pods.map((p: { metadata: { name: string } }) => p.metadata.name).sort();
        assert.strictEqual(podNames.length, 2, `pods: ${podNames}`);
        for (const p of pods) {
            assert.strictEqual(p.status.containerStatuses[0].ready, true, `${p.metadata.name} not ready`);
        }

        const svc = JSON.parse(kubectl(["get", "service", "hello", "-n", "default", "-o", "json"]));
        const nodePort: number = svc.spec.ports[0].nodePort;
        assert.ok(nodePort >= 30000 && nodePort <= 32767, `nodePort ${nodePort}`);
        // kube-proxy may still be writing the Service's rules when the pods turn Ready.
        const deadline = performance.now() + 30_000;
        for (;;) {
            try {
                if ((await get(nodePort, "/healthz")).status === 200) break;
            } catch (err) {
                if (performance.now() > deadline) throw err;
            }
            await sleep(250);
        }

        // kube-proxy writes the second endpoint's rules a moment after the pod turns Ready: ask
        // (fresh connection each time) until both pods have answered, then a fixed batch.
        const served = new Map<string, number>();
        const ask = async (i: number) => {
            const res = await get(nodePort, "/");
            assert.strictEqual(res.status, 200, `request ${i}: ${res.status} ${res.body}`);
            const match = /^hello from (\S+)\n$/.exec(res.body);
            assert.ok(match, `unexpected body: ${JSON.stringify(res.body)}`);
            served.set(match[1], (served.get(match[1]) ?? 0) + 1);
        };
        const bothBy = performance.now() + 30_000;
        let untilBoth = 0;
        while (served.size < 2 && performance.now() < bothBy) {
            await ask(untilBoth++);
            if (served.size < 2) await sleep(100);
        }
        figures.requestsUntilBothPodsAnswered = untilBoth;
        assert.deepStrictEqual(
            [...served.keys()].sort(),
            podNames,
            `both replicas answer behind the NodePort within 30 s (${untilBoth} requests)`,
        );
        served.clear();
        for (let i = 0; i < REQUESTS; i++) await ask(i);
        figures.nodePortRequests = REQUESTS;
        figures.servedByPod = Object.fromEntries(served);
        for (const name of podNames)
            assert.ok((served.get(name) ?? 0) > 0, `${name} served none of ${REQUESTS} requests: ${JSON.stringify(figures.servedByPod)}`);
    });

    it("stops and leaves the machine as it was before start", async function () {
        const started = performance.now();
        await stopCluster();
        figures.stopSeconds = seconds(started);
        cluster = undefined;
        const diffs = diffMachine(machineBefore, snapshotMachine(clusterPaths), unsteady);
        figures.machineRestored = diffs.length === 0;
        if (diffs.length > 0) figures.machineDiffs = diffs;
        assert.deepStrictEqual(diffs, [], "the machine differs from before start");
        assert.strictEqual(clusterStatus().running, false);
    });
});
