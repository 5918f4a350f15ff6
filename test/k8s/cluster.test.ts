// The kubernetes target for real: the local cluster (local/cluster, one node on 127.0.0.1), the
// app image built here and pushed to the local registry, and the real engine (the project's CLI,
// the Automation API with an inline program, pulumi-resource-kubernetes on PATH) running `up` of
// the suite's composition of KubernetesService (test/k8s/program.ts). Requests go only to the
// NodePort on 127.0.0.1. Figures go to reports/k8s.json.
import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { EngineEvent, Stack } from "@pulumi/pulumi/automation";

import { clusterStatus, ClusterHandle, providerBinDir, startCluster, stopCluster } from "../../local/cluster/cluster";
import { repoRoot } from "../../scripts/localHost";
import { engineEnv } from "../../scripts/localWorkspace";
import { ensureRegistry, standInImages, stopRegistryIfStartedHere, writeReport } from "../container/harness";
import { get as httpGet } from "../../scripts/loopbackHttp";
import { startLoad } from "../support/loopbackLoad";
import { digestFromEvents, renderSummary, StackSummary, summarize, violationsFromEvents } from "../../scripts/review/summary";
import { engineVars, K8sEngine, openStack, StackSettings } from "./engine";
import { buildAppImage, buildBrokenImage, hostPlatform, removeImages, REPOSITORY } from "./images";
import { diffMachine, localClusterPaths, machineBeforeCluster, MachineSnapshot, snapshotMachine } from "../support/machineSnapshot";
import { containerPid, kubectl, Kubectl, pods, processSecurity, waitForPods } from "./pods";
import { localK8sProgram, plantedProgram } from "./program";

const RUN_ID = crypto.randomBytes(3).toString("hex");
const NAMESPACE = `gin-k8s-${RUN_ID}`;
const NODE_PORT = Number(process.env.GIN_DEPLOY_K8S_NODE_PORT ?? 30480);
const URL_BASE = `http://127.0.0.1:${NODE_PORT}`;
const V1 = `k8s-${RUN_ID}-1`;
const V2 = `k8s-${RUN_ID}-2`;
const BAD = `k8s-${RUN_ID}-bad`;
const REPLICAS = 2;
const DB_PASSWORD = `pw-${crypto.randomBytes(12).toString("hex")}`;
const DB_PASSWORD_2 = `pw-${crypto.randomBytes(12).toString("hex")}`;

const figures: Record<string, unknown> = {};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (since: number) => Number(((performance.now() - since) / 1000).toFixed(2));

const get = (url: string) => httpGet(url, { timeoutMs: 3000 });

async function servedVersion(): Promise<string> {
    const res = await get(`${URL_BASE}/version`);
    assert.strictEqual(res.status, 200, `GET ${URL_BASE}/version answered ${res.status}`);
    return (JSON.parse(res.body) as { version: string }).version;
}

/** What an up changed, from the engine's events. */
function changes(events: EngineEvent[]): string[] {
    return events
        .filter((e) => e.resourcePreEvent && e.resourcePreEvent.metadata.op !== "same")
        .map((e) => `${e.resourcePreEvent!.metadata.op} ${e.resourcePreEvent!.metadata.urn.split("::").pop()}`);
}

/** Never prints the password: the suite's assertion messages may show an environment. */
function redact(text: string): string {
    return text.split(DB_PASSWORD).join("<DB_PASSWORD>").split(DB_PASSWORD_2).join("<DB_PASSWORD_2>");
}

describe("kubernetes target on the local cluster (real engine, real provider, real pods)", function () {
    let tmp = "";
    let cluster: ClusterHandle | undefined;
    let kc: Kubectl;
    let engine: K8sEngine;
    let stack: Stack;
    let kubeconfig: string;
    let machineBefore: { before: MachineSnapshot; unsteady: Set<string> } | undefined;
    const clusterPaths = localClusterPaths(path.join(__dirname, "..", ".."));
    let clusterStopped = false;
    // A cluster that was already running (a developer's, or another session's) is used and left running.
    let clusterStartedHere = false;
    const images: Record<string, string> = {};
    const settings: StackSettings = { plain: {}, secrets: {} };

    async function configure(plain: Record<string, string>, secrets: Record<string, string> = {}): Promise<void> {
        Object.assign(settings.plain, plain);
        stack = await openStack(engine, "local-k8s", async () => localK8sProgram(), { plain, secrets });
    }

    async function up(figure?: string): Promise<{ events: EngineEvent[]; seconds: number; stdout: string }> {
        const events: EngineEvent[] = [];
        const t = performance.now();
        const res = await stack.up({
            onEvent: (e) => events.push(e),
            onOutput: (o) => process.stdout.write(redact(o).replace(/^/gm, "      ")),
        });
        const s = seconds(t);
        if (figure) figures[figure] = s;
        return { events, seconds: s, stdout: res.stdout };
    }

    before(async function () {
        // Under the repository: the engine runs the reachability check's dynamic provider from the
        // workspace, and its shim resolves @pulumi/pulumi from there.
        fs.mkdirSync(path.join(repoRoot, ".gin-deploy"), { recursive: true });
        tmp = fs.mkdtempSync(path.join(repoRoot, ".gin-deploy", "k8s-suite-"));
        const passphraseFile = path.join(tmp, "passphrase");
        fs.writeFileSync(passphraseFile, crypto.randomBytes(24).toString("base64"), { mode: 0o600 });
        fs.mkdirSync(path.join(tmp, "state"));
        // The images, before the cluster starts: building them touches the machine (BuildKit mounts)
        // and must not be counted against the cluster's restore.
        ensureRegistry();
        const standIns = standInImages();
        const platform = await hostPlatform();
        images[V1] = await buildAppImage(V1, standIns, platform);
        images[V2] = await buildAppImage(V2, standIns, platform);
        images[BAD] = await buildBrokenImage(standIns.runtimeImage, BAD);

        // The CLI and the provider (each built once per pin; cached after the first run).
        const env = engineEnv({ PULUMI_BACKEND_URL: `file://${path.join(tmp, "state")}`, PULUMI_CONFIG_PASSPHRASE_FILE: passphraseFile });
        // The provider writes the kubeconfig it is given (client key included) to a temporary file
        // at every start and never removes it: in the suite's folder, not the machine's /tmp.
        const pluginTmp = path.join(tmp, "plugin-tmp");
        fs.mkdirSync(pluginTmp, { mode: 0o700 });
        engine = { env, providerBinDir: providerBinDir(), workDir: path.join(tmp, "workspace"), extraVars: { TMPDIR: pluginTmp } };
        figures.cli = env.pulumi;

        clusterStartedHere = !clusterStatus().running;
        if (clusterStartedHere) machineBefore = await machineBeforeCluster(clusterPaths);
        const t = performance.now();
        cluster = await startCluster();
        if (clusterStartedHere) figures.clusterStartSeconds = seconds(t);
        else console.log("    the local cluster was already running: using it, and leaving it running");
        kc = { kubectl: cluster.kubectl, kubeconfigPath: cluster.kubeconfigPath };
        kubeconfig = fs.readFileSync(cluster.kubeconfigPath, "utf8");
    });

    after(async function () {
        // Whatever failed: the stack's objects, the cluster, the images, the registry if started here.
        if (stack && cluster && !clusterStopped) {
            await stack
                .destroy({ onOutput: () => undefined })
                .catch((e: Error) => console.error(`    destroy after failure: ${redact(e.message).slice(0, 500)}`));
        }
        if (cluster && clusterStartedHere && !clusterStopped)
            await stopCluster().catch((e: Error) => console.error(`    cluster stop: ${e.message}`));
        await removeImages(Object.keys(images).map((v) => `${REPOSITORY}:${v}`));
        stopRegistryIfStartedHere();
        if (tmp && process.env.GIN_DEPLOY_KEEP_HOSTS !== "1") fs.rmSync(tmp, { recursive: true, force: true });
        if (Object.keys(figures).length > 0) {
            const file = writeReport("k8s.json", figures);
            console.log(`    figures (${path.relative(repoRoot, file)}): ${JSON.stringify(figures)}`);
        }
    });

    it("up from nothing: pods Ready, the Service answers on 127.0.0.1 with the release, outputs name the objects", async function () {
        await configure(
            {
                namespace: NAMESPACE,
                replicas: String(REPLICAS),
                maxReplicas: "4",
                cpuRequest: "50m",
                cpuLimit: "500m",
                memoryRequest: "32Mi",
                memoryLimit: "128Mi",
                serviceType: "NodePort",
                nodePort: String(NODE_PORT),
                nodeAddress: "127.0.0.1",
                target: "kubernetes",
                environment: "dev",
                dbHost: "db.invalid",
                image: images[V1],
                release: V1,
                logLevel: "info",
                rolloutTimeoutSeconds: "180",
            },
            { kubeconfig, dbPassword: DB_PASSWORD },
        );
        const { seconds: upSeconds } = await up("firstUpSeconds");
        // The provider's await returned: the rollout is complete, so the pods are Ready now.
        const ready = pods(kc, NAMESPACE).filter((p) => p.ready && !p.deleting);
        assert.strictEqual(ready.length, REPLICAS, `after up, ${ready.length} of ${REPLICAS} pods are Ready`);
        figures.podsReadySeconds = upSeconds;
        const outputs = await stack.outputs();
        assert.strictEqual(outputs.url.value, URL_BASE);
        assert.strictEqual(outputs.deploymentName.value, "gin-app");
        assert.strictEqual(outputs.namespace.value, NAMESPACE);
        assert.strictEqual(new URL(String(outputs.url.value)).port, String(NODE_PORT));
        assert.strictEqual(await servedVersion(), V1);
        assert.deepStrictEqual(JSON.parse((await get(`${URL_BASE}/healthz`)).body), { status: "ok" });
        for (const p of ready) assert.strictEqual(p.image, images[V1], "the pod does not run the image by digest");
    });

    it("the pods' processes run as uid 65532 with no new privileges, no capabilities, seccomp filtering, a read-only root (/proc)", function () {
        const ready = pods(kc, NAMESPACE).filter((p) => p.ready && !p.deleting);
        const seen: Record<string, string>[] = [];
        for (const p of ready) {
            assert.ok(p.containerId, `pod ${p.name} has no container id`);
            const sec = processSecurity(containerPid(p.containerId));
            seen.push({ pod: p.name, uid: sec.uid, noNewPrivs: sec.noNewPrivs, capEff: sec.capEff, seccomp: sec.seccomp });
            assert.strictEqual(sec.uid, "65532 65532 65532 65532", `${p.name}: Uid ${sec.uid}`);
            assert.strictEqual(sec.gid, "65532 65532 65532 65532", `${p.name}: Gid ${sec.gid}`);
            assert.strictEqual(sec.noNewPrivs, "1", `${p.name}: NoNewPrivs ${sec.noNewPrivs}`);
            assert.strictEqual(sec.capEff, "0000000000000000", `${p.name}: CapEff ${sec.capEff}`);
            assert.strictEqual(sec.capBnd, "0000000000000000", `${p.name}: CapBnd ${sec.capBnd}`);
            assert.strictEqual(sec.seccomp, "2", `${p.name}: Seccomp ${sec.seccomp} (2 = filter)`);
            assert.ok(sec.rootReadOnly, `${p.name}: the root filesystem is mounted read-write`);
            assert.strictEqual(sec.environ.SHUTDOWN_DELAY, "5s");
            assert.strictEqual(
                sec.environ.DB_PASSWORD === DB_PASSWORD,
                true,
                `${p.name}: the Secret's DB_PASSWORD did not reach the process`,
            );
        }
        figures.procStatus = seen;
    });

    it("a second up changes nothing", async function () {
        const { events } = await up("noopUpSeconds");
        assert.deepStrictEqual(changes(events), [], "an unchanged stack changed resources");
    });

    it("the real engine's preview shows a replicas, a limits and a setting change old -> new, and the review summary says the same", async function () {
        // One change at a time, each undone before the next: the text is what a pull request shows
        // (`preview --diff`), the summary what `npm run review` computes from the same preview's events.
        const cases: { change: Record<string, string>; text: RegExp; summary: (s: StackSummary) => boolean }[] = [
            {
                change: { replicas: "3" },
                text: /~ minReplicas: 2 => 3/,
                summary: (s: StackSummary) =>
                    s.other.some((c) => c.resource === "gin-app-hpa" && c.path === "spec.minReplicas" && c.old === 2 && c.new === 3),
            },
            {
                change: { memoryLimit: "256Mi" },
                text: /~ memory: "128Mi" => "256Mi"/,
                summary: (s: StackSummary) =>
                    s.other.some(
                        (c) =>
                            c.resource === "gin-app-deployment" &&
                            c.path === "spec.template.spec.containers[0].resources.limits.memory" &&
                            c.old === "128Mi" &&
                            c.new === "256Mi",
                    ),
            },
            {
                change: { logLevel: "debug" },
                text: /~ LOG_LEVEL: "info" => "debug"/,
                summary: (s: StackSummary) => s.settings.some((c) => c.name === "LOG_LEVEL" && c.old === "info" && c.new === "debug"),
            },
        ];
        const seen: Record<string, string[]> = {};
        for (const c of cases) {
            const saved = Object.fromEntries(Object.keys(c.change).map((k) => [k, settings.plain[k]]));
            await configure(c.change);
            const events: EngineEvent[] = [];
            let text: string;
            try {
                text = (await stack.preview({ diff: true, onEvent: (e) => events.push(e) })).stdout;
            } finally {
                await configure(saved);
            }
            const summary = summarize("local-k8s", digestFromEvents(events as never), violationsFromEvents(events as never));
            const name = Object.entries(c.change).map(([k, v]) => `${k}=${v}`)[0];
            seen[name] = text
                .split("\n")
                .filter((l) => /^\s+[~+-] /.test(l) && / => /.test(l))
                .map((l) => l.trim());
            assert.match(text, c.text, `${name}: the preview does not show it old -> new:\n${redact(text)}`);
            assert.ok(c.summary(summary), `${name}: the summary does not say it:\n${redact(renderSummary(summary, "text"))}`);
            assert.ok(!text.includes(DB_PASSWORD), `${name}: the password is in the preview`);
        }
        figures.previewLines = seen;
        // Undone: nothing left to change.
        const { events } = await up();
        assert.deepStrictEqual(changes(events), [], "the previews' config was not undone");
    });

    it("npm run logs -- --stack local-k8s shows the live pods' log lines, a request's among them", async function () {
        const marker = `/logs-check-${RUN_ID}`;
        for (let i = 0; i < 6; i++) assert.strictEqual((await get(`${URL_BASE}${marker}`)).status, 404);
        const live = pods(kc, NAMESPACE)
            .filter((p) => p.ready && !p.deleting)
            .map((p) => p.name);
        // As a user runs it, with the suite's backend and passphrase where the user's would be:
        // the namespace comes from the stack's outputs, the kubeconfig from the local cluster.
        const res = spawnSync("npm", ["run", "--silent", "logs", "--", "--stack", "local-k8s", "-n", "500"], {
            cwd: repoRoot,
            encoding: "utf8",
            timeout: 120000,
            env: { ...process.env, ...engineVars(engine) },
        });
        const out = redact(res.stdout ?? "");
        assert.strictEqual(res.status, 0, `logs exited ${res.status}:\n${redact(res.stderr ?? "")}\n${out.slice(-2000)}`);
        assert.match(res.stderr, new RegExp(`pods of gin-app in namespace ${NAMESPACE}`));
        const podsSeen = new Set([...out.matchAll(/^\[pod\/([^/\]]+)\//gm)].map((m) => m[1]));
        for (const name of live) assert.ok(podsSeen.has(name), `no line of live pod ${name}; saw ${[...podsSeen].join(", ")}`);
        const requestLines = out.split("\n").filter((l) => l.includes(`"path":"${marker}"`));
        assert.ok(requestLines.length > 0, `no log line of the request to ${marker}:\n${out.slice(-2000)}`);
        figures.logsLines = out.split("\n").filter(Boolean).length;
        figures.logsRequestLine = requestLines[0].replace(/^\[pod\/[^\]]+\] /, "");
    });

    it("a settings change (LOG_LEVEL, then the password) rolls every pod through the checksum, the password never in plain text", async function () {
        const before = pods(kc, NAMESPACE).filter((p) => !p.deleting);
        await configure({ logLevel: "debug" });
        const { events } = await up("configRollUpSeconds");
        const changed = changes(events);
        assert.ok(
            changed.some((c) => /gin-app-deployment$/.test(c)),
            `the Deployment did not change: ${changed.join(", ")}`,
        );
        assert.ok(
            changed.some((c) => /gin-app-config$/.test(c)),
            `the ConfigMap did not change: ${changed.join(", ")}`,
        );
        assert.ok(!changed.some((c) => /gin-app-secret$/.test(c)), `the Secret changed with LOG_LEVEL: ${changed.join(", ")}`);
        const after = await waitForPods(
            kc,
            NAMESPACE,
            60,
            "rolled",
            (ps) => ps.length === REPLICAS && ps.every((p) => p.ready && !p.deleting),
        );
        assert.ok(
            after.every((p) => !before.some((b) => b.uid === p.uid)),
            "a pod survived the settings change",
        );
        assert.notStrictEqual(after[0].checksum, before[0].checksum, "the checksum annotation did not change");
        for (const p of after) assert.strictEqual(processSecurity(containerPid(p.containerId!)).environ.LOG_LEVEL, "debug");

        await configure({}, { dbPassword: DB_PASSWORD_2 });
        const second = changes((await up("secretRollUpSeconds")).events);
        assert.ok(
            second.some((c) => /gin-app-secret$/.test(c)),
            `the Secret did not change: ${second.join(", ")}`,
        );
        const rolled = await waitForPods(
            kc,
            NAMESPACE,
            60,
            "rolled",
            (ps) => ps.length === REPLICAS && ps.every((p) => p.ready && !p.deleting),
        );
        assert.ok(
            rolled.every((p) => !after.some((b) => b.uid === p.uid)),
            "a pod survived the password change",
        );
        for (const p of rolled) {
            assert.ok(
                processSecurity(containerPid(p.containerId!)).environ.DB_PASSWORD === DB_PASSWORD_2,
                `${p.name} runs with the old password`,
            );
            for (const secret of [DB_PASSWORD, DB_PASSWORD_2]) {
                assert.ok(
                    !String(p.checksum).includes(crypto.createHash("sha256").update(secret).digest("hex")),
                    "the checksum is a plain hash of the password",
                );
            }
        }
        // The state (exported) and the Deployment as the API server has it carry no password.
        const state = JSON.stringify(await stack.exportStack());
        if (state.includes(DB_PASSWORD_2) || state.includes(DB_PASSWORD)) {
            const at = Math.max(state.indexOf(DB_PASSWORD_2), state.indexOf(DB_PASSWORD));
            console.log("LEAK CONTEXT: " + state.slice(Math.max(0, at - 1500), at + 200));
        }
        assert.ok(!state.includes(DB_PASSWORD_2) && !state.includes(DB_PASSWORD), "the password is in the state in plain text");
        const live = kubectl(kc, ["get", "deployment", "gin-app", "-n", NAMESPACE, "-o", "json"]).stdout;
        assert.ok(!live.includes(DB_PASSWORD_2), "the password is in the live Deployment");
    });

    it("a new release rolls out under a bounded loopback load with 0 lost of at least 1 000 requests", async function () {
        await configure({ image: images[V2], release: V2 });
        const load = startLoad({
            url: `${URL_BASE}/version`,
            freshConnectionWorkers: 4,
            keepAliveWorkers: 2,
            maxRequests: 60000,
            maxSeconds: 300,
        });
        await sleep(1000);
        const t = performance.now();
        await up();
        // The rollout is complete; old pods may still be draining: keep the load on until they are gone.
        await waitForPods(
            kc,
            NAMESPACE,
            90,
            `all on ${V2}`,
            (ps) => ps.length === REPLICAS && ps.every((p) => p.version === V2 && p.ready && !p.deleting),
        );
        figures.rolloutSeconds = seconds(t);
        await sleep(1000);
        const result = await load.stop();
        figures.requestsSent = result.sent;
        figures.lostDuringRollout = result.lost;
        figures.rolloutVersionsSeen = result.versions;
        figures.rolloutMaxLatencyMs = result.maxLatencyMs;
        assert.ok(result.sent >= 1000, `only ${result.sent} requests were sent during the rollout`);
        assert.strictEqual(
            result.lost,
            0,
            `lost ${result.lost} of ${result.sent}: ${JSON.stringify(result.lostBy)} ${result.failures.join("; ")}`,
        );
        assert.ok(
            (result.versions[V1] ?? 0) > 0 && (result.versions[V2] ?? 0) > 0,
            `the load did not span the release: ${JSON.stringify(result.versions)}`,
        );
        assert.strictEqual(await servedVersion(), V2);
    });

    it("a release whose pods never get ready makes up fail with the provider's message, and the old pods keep serving", async function () {
        await configure({ image: images[BAD], release: BAD, rolloutTimeoutSeconds: "40" });
        const load = startLoad({ url: `${URL_BASE}/version`, freshConnectionWorkers: 2, maxRequests: 60000, maxSeconds: 300 });
        let output = "";
        const t = performance.now();
        const err = await stack.up({ onOutput: (o) => (output += o) }).then(
            () => undefined,
            (e: Error) => e,
        );
        figures.failedUpSeconds = seconds(t);
        const result = await load.stop();
        assert.ok(err, "up succeeded with a release that cannot start");
        const message = redact(`${err.message}\n${output}`);
        // The provider's own account: the Deployment did not become ready, with the pods' reason.
        assert.match(message, /gin-app-deployment/, message.slice(-3000));
        assert.match(
            message,
            /timed out waiting to be Ready|become live|become ready|minimum availability|not attained/i,
            message.slice(-3000),
        );
        // The Deployment's own await failed: not a later check that noticed the old release answer
        // (which is what a wait fooled into reporting the rollout done would leave to catch it).
        assert.doesNotMatch(message, /\[old-release\]/, message.slice(-3000));
        // The provider's own lines: each error it listed ("* ..."), shortened.
        figures.failedUpMessage = (message.match(/^\s*\* .*$/gm) ?? []).slice(0, 5).map((l) => l.trim().slice(0, 240));
        figures.failedReleaseRequests = result.sent;
        figures.failedReleaseLost = result.lost;
        assert.strictEqual(
            result.lost,
            0,
            `the old pods stopped serving: lost ${result.lost} of ${result.sent}: ${result.failures.join("; ")}`,
        );
        assert.deepStrictEqual(Object.keys(result.versions), [V2], `answers came from ${JSON.stringify(result.versions)}`);
        const serving = pods(kc, NAMESPACE).filter((p) => p.version === V2 && p.ready);
        assert.strictEqual(serving.length, REPLICAS, "the old ReplicaSet lost pods to the broken release");
        assert.strictEqual(await servedVersion(), V2);

        // Back to the good release: the next up completes the rollout it failed.
        await configure({ image: images[V2], release: V2, rolloutTimeoutSeconds: "180" });
        await up("recoveryUpSeconds");
        await waitForPods(
            kc,
            NAMESPACE,
            90,
            "back on the good release",
            (ps) => ps.length === REPLICAS && ps.every((p) => p.version === V2 && p.ready && !p.deleting),
        );
    });

    it("objects planted wrong (selector that misses its pods, HPA max below min) are refused with the API server's message", async function () {
        const planted = async (which: string) => {
            const s = await openStack(engine, "planted", async () => plantedProgram(), {
                plain: { namespace: NAMESPACE, plant: which, image: images[V2] },
                secrets: { kubeconfig },
            });
            let output = "";
            const err = await s.up({ onOutput: (o) => (output += o) }).then(
                () => undefined,
                (e: Error) => e,
            );
            assert.ok(err, `up of a ${which} planted wrong succeeded`);
            await s.destroy({ onOutput: () => undefined });
            return `${err.message}\n${output}`;
        };
        const selector = await planted("selector");
        assert.match(selector, /`selector` does not match template `labels`/, selector.slice(-2000));
        const hpa = await planted("hpa");
        assert.match(hpa, /maxReplicas: Invalid value: 1: must be greater than or equal to .?minReplicas/, hpa.slice(-2000));
        figures.plantedSelectorMessage = (/[^\n]*does not match template[^\n]*/.exec(selector)?.[0] ?? "").trim().slice(0, 300);
        figures.plantedHpaMessage = (/[^\n]*must be greater than or equal to .?minReplicas[^\n]*/.exec(hpa)?.[0] ?? "")
            .trim()
            .slice(0, 300);
        const left = kubectl(kc, ["get", "deployments,hpa", "-n", NAMESPACE, "-o", "name"]).stdout.split("\n").filter(Boolean).sort();
        assert.deepStrictEqual(left, ["deployment.apps/gin-app", "horizontalpodautoscaler.autoscaling/gin-app"]);
    });

    it("destroy removes every object, the namespace included", async function () {
        const t = performance.now();
        await stack.destroy({ onOutput: () => undefined });
        figures.destroySeconds = seconds(t);
        const ns = kubectl(kc, ["get", "namespace", NAMESPACE], { allowFailure: true });
        assert.notStrictEqual(ns.status, 0, `namespace ${NAMESPACE} still exists: ${ns.stdout}`);
        assert.match(ns.stderr, /NotFound|not found/);
        const left = kubectl(kc, [
            "get",
            "deployments,services,configmaps,secrets,pdb,hpa,pods",
            "-A",
            "-l",
            "app.kubernetes.io/part-of=gin-deploy",
            "-o",
            "name",
        ]).stdout.trim();
        assert.strictEqual(left, "", `left behind: ${left}`);
        // kube-proxy drops the node port's rules within its next sync.
        const deadline = performance.now() + 15000;
        let answered = true;
        while (answered && performance.now() < deadline) {
            answered = await get(`${URL_BASE}/version`).then(
                () => true,
                () => false,
            );
            if (answered) await sleep(500);
        }
        assert.ok(!answered, "the node port still answers 15 s after destroy");
    });

    it("cluster stop leaves the machine as it was before start", async function () {
        if (!clusterStartedHere) {
            figures.machineRestored = "not checked: the cluster was running before the suite started";
            this.skip();
        }
        const t = performance.now();
        await stopCluster();
        clusterStopped = true;
        figures.clusterStopSeconds = seconds(t);
        const diffs = diffMachine(machineBefore!.before, snapshotMachine(clusterPaths), machineBefore!.unsteady);
        figures.machineRestored = diffs.length === 0;
        if (diffs.length) figures.machineDifferences = diffs;
        assert.deepStrictEqual(diffs, [], `the machine differs after stop:\n${diffs.join("\n")}`);
    });
});
