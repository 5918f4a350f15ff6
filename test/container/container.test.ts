// Container mode for real, on this machine: the image from app/Dockerfile built with the stand-in
// base images, pushed to the local registry and run by digest under systemd on the local host.
//
// AppImage and ContainerService (and then the local stack's whole program, deployStack(loadConfig())
// with mode container) are evaluated under Pulumi mocks and what they register is carried
// out for real by the contract executor: the Image with docker against 127.0.0.1:5000, the
// commands over SSH on the host (gd-container, 127.0.0.1:2234, app port 127.0.0.1:18134). The
// app containers run on the machine's engine through the socket mounted into the host, in the
// host's network namespace, so their slot ports are the host's loopback ports. Figures go to
// reports/container.json.
import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";

import { GoBinary } from "../../components/build/goBinary";
import { AppImage } from "../../components/container/appImage";
import { ContainerService } from "../../components/container/containerService";
import { containerLayout } from "../../components/container/layout";
import { renderContainerCloudInit } from "../../components/container/renderers/cloudInit";
import { renderContainerCommands } from "../../components/container/renderers/commands";
import { renderBinaryDockerfile } from "../../components/container/renderers/binaryDockerfile";
import { renderContainerUnits } from "../../components/container/renderers/units";
import { APP_PORT_IN_HOST, onHost, repoRoot } from "../../scripts/localHost";
import { registryRunning } from "../../scripts/localRegistry";
import { commandHandlers } from "../contract/commandHandlers";
import { reachabilityHandlers } from "../contract/reachabilityHandler";
import { docker, imageHandlers } from "../contract/dockerImageHandler";
import { ContractExecutor, Step } from "../contract/executor";
import { evaluateProgram, RecordedResource } from "../support/programRecorder";
import { settingsForHost } from "../../scripts/localStackConfig";
import {
    CONTAINER_HOST,
    connectionFor,
    containerHost,
    ensureDocker,
    ensureRegistry,
    hostRun,
    installTools,
    REGISTRY,
    registryStartedHere,
    run,
    standInImages,
    stopContainerHost,
    stopRegistryIfStartedHere,
    writeReport,
} from "./harness";
import { LoadResult, startLoad } from "../support/loopbackLoad";
import { get as httpGet, request } from "../../scripts/loopbackHttp";

const SERVICE = "gin-app";
const PUBLIC_URL = `http://127.0.0.1:${CONTAINER_HOST.appPort}`;
const RUN_ID = crypto.randomBytes(3).toString("hex");
const V1 = `ctest-${RUN_ID}-1`;
const V2 = `ctest-${RUN_ID}-2`;
const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const DATE = "2026-01-01T00:00:00Z";
const DB_PASSWORD = `pw-${crypto.randomBytes(12).toString("hex")}`;
const LOAD = { freshConnectionWorkers: 8, maxRequests: 50000, maxSeconds: 120 };
// The ordinary Gin app (test/fixtures/plain-gin-app): no Dockerfile, no /healthz or /version, SQLite
// in DATA_DIR, exits at once on SIGTERM. It is served on the same public port once gin-app is gone.
const PLAIN = "plain-app";
const PLAIN_REPOSITORY = `${REGISTRY}/plain-gin-app`;
const PLAIN_VOLUME = `${PLAIN}-state`;
const PLAIN_ARGS = ["--ignored", "a b", "50%", "$HOME", '"quoted"'];

const figures: Record<string, number> = {};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const get = (url: string) => httpGet(url, { timeoutMs: 3000 });

async function servedVersion(): Promise<string> {
    const res = await get(`${PUBLIC_URL}/version`);
    assert.strictEqual(res.status, 200, `GET /version answered ${res.status}`);
    return (JSON.parse(res.body) as { version: string }).version;
}

function hostPlatform(): string {
    const arch = run("docker", ["info", "--format", "{{.Architecture}}"]);
    return arch === "aarch64" || arch === "arm64" ? "linux/arm64" : "linux/amd64";
}

function describeSteps(steps: Step[]): string {
    return steps.map((s) => `${s.op} ${s.name}`).join(", ");
}

describe("container mode on the local host (real image, registry, systemd host)", function () {
    let standIns: { builderImage: string; runtimeImage: string };
    let platform: string;
    const imageExec = new ContractExecutor({ projectDir: repoRoot });
    const serviceExec = new ContractExecutor({ projectDir: repoRoot });
    for (const [type, h] of Object.entries(imageHandlers)) imageExec.handle(type, h);
    for (const [type, h] of Object.entries(commandHandlers)) serviceExec.handle(type, h);
    const refs: Record<string, string> = {};
    let deployed = false;
    const plainImageExec = new ContractExecutor({ projectDir: repoRoot });
    const plainExec = new ContractExecutor({ projectDir: repoRoot });
    for (const [type, h] of Object.entries(imageHandlers)) plainImageExec.handle(type, h);
    for (const [type, h] of Object.entries(commandHandlers)) plainExec.handle(type, h);
    const plainRefs: string[] = [];
    let plainDeployed = false;

    async function imageResources(version: string): Promise<RecordedResource[]> {
        const { resources } = await evaluateProgram(
            () => {
                const image = new AppImage("app", {
                    context: "app",
                    platform,
                    version,
                    commit: COMMIT,
                    date: DATE,
                    registry: { server: REGISTRY, repository: `${REGISTRY}/${SERVICE}` },
                    builderImage: standIns.builderImage,
                    runtimeImage: standIns.runtimeImage,
                });
                return { imageName: image.imageName };
            },
            { project: "gin-deploy", stack: "container", config: {}, secretKeys: [] },
        );
        return resources;
    }

    async function buildRelease(version: string): Promise<string> {
        await imageExec.apply(await imageResources(version));
        const image = imageExec.resources().find((r) => r.resource.type === "docker:index/image:Image");
        const ref = image?.outputs.repoDigest as string | undefined;
        assert.ok(ref && /^127\.0\.0\.1:5000\/gin-app@sha256:[0-9a-f]{64}$/.test(ref), `AppImage did not yield a digest reference: ${ref}`);
        refs[version] = ref;
        return ref;
    }

    async function serviceResources(imageRef: string, version: string, extraEnv: Record<string, string> = {}): Promise<RecordedResource[]> {
        const connection = connectionFor(containerHost());
        const { resources } = await evaluateProgram(
            () => {
                const svc = new ContainerService("app", {
                    connection,
                    imageRef,
                    version,
                    port: APP_PORT_IN_HOST,
                    environment: { APP_ENV: "dev", LOG_LEVEL: "info", SHUTDOWN_TIMEOUT: "20s", ...extraEnv },
                    secretEnvironment: { DB_PASSWORD },
                    healthTimeoutSeconds: 30,
                    // As the stack gives the reference app, which drains itself on SIGTERM.
                    drainTimeoutSeconds: 0,
                });
                return { imageRef: svc.imageRef };
            },
            { project: "gin-deploy", stack: "container", config: {}, secretKeys: [] },
        );
        return resources;
    }

    /** Runs `action` under the bounded loopback load; returns what the load saw. */
    async function underLoad(action: () => Promise<void>): Promise<LoadResult & { actionSeconds: number }> {
        const load = startLoad({ url: `${PUBLIC_URL}/version`, ...LOAD });
        await sleep(1000);
        const t = performance.now();
        try {
            await action();
        } finally {
            await sleep(1000);
        }
        const actionSeconds = (performance.now() - t) / 1000;
        return { ...(await load.stop()), actionSeconds };
    }

    before(function () {
        installTools();
        ensureDocker();
        platform = hostPlatform();
        ensureRegistry();
        standIns = standInImages();
        containerHost();
    });

    after(async function () {
        // Clean up even after a failure: the service, the host, the registry if started here.
        if (deployed) await serviceExec.destroy().catch((e: Error) => console.error(`destroy failed: ${e.message}`));
        if (plainDeployed) await plainExec.destroy().catch((e: Error) => console.error(`destroy of ${PLAIN} failed: ${e.message}`));
        // The plain app's volume lives on the machine's engine (the host uses its socket).
        await docker(["volume", "rm", "--force", PLAIN_VOLUME]).catch(() => undefined);
        for (const ref of plainRefs) {
            await docker(["image", "rm", ref]).catch(() => undefined);
        }
        for (const version of [V1, V2]) await docker(["image", "rm", `${PLAIN_REPOSITORY}:${version}`]).catch(() => undefined);
        for (const [version, ref] of Object.entries(refs)) {
            await docker(["image", "rm", ref, `${REGISTRY}/${SERVICE}:${version}`]).catch(() => undefined);
        }
        stopContainerHost();
        stopRegistryIfStartedHere();
        if (Object.keys(figures).length > 0) {
            const file = writeReport("container.json", figures);
            console.log(`    figures (${path.relative(repoRoot, file)}): ${JSON.stringify(figures)}`);
        }
    });

    it("app/Dockerfile is hadolint-clean", function () {
        run("hadolint", ["app/Dockerfile"]);
    });

    it("the container units pass systemd-analyze verify, and their services score at most 2.0 on systemd-analyze security", function () {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gd-units-"));
        try {
            const units = renderContainerUnits({
                serviceName: SERVICE,
                port: APP_PORT_IN_HOST,
                slotPorts: { blue: 8081, green: 8082 },
                stopTimeoutSeconds: 30,
            });
            const files = units.map((u) => {
                const file = path.join(dir, path.basename(u.path).replace("@.", "@blue."));
                fs.writeFileSync(file, u.content);
                return file;
            });
            run("systemd-analyze", ["verify", ...files]);
            for (const file of files.filter((f) => f.endsWith(".service"))) {
                const out = run("systemd-analyze", ["security", "--offline=true", "--no-pager", file]);
                const score = Number(/Overall exposure level for \S+: ([0-9.]+)/.exec(out)?.[1]);
                assert.ok(score <= 2.0, `${path.basename(file)} scores ${score}`);
            }
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("plain app: its container unit (state volume, working directory, quoted arguments) passes systemd-analyze verify", function () {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gd-units-plain-"));
        try {
            const units = renderContainerUnits({
                serviceName: PLAIN,
                port: APP_PORT_IN_HOST,
                slotPorts: { blue: 8081, green: 8082 },
                stopTimeoutSeconds: 30,
                stateVolume: { name: PLAIN_VOLUME, mountPath: "/data" },
                workingDirectory: "/srv",
                args: PLAIN_ARGS,
            });
            const files = units.map((u) => {
                const file = path.join(dir, path.basename(u.path).replace("@.", "@blue."));
                fs.writeFileSync(file, u.content);
                return file;
            });
            run("systemd-analyze", ["verify", ...files]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("the AWS user data passes cloud-init schema", function () {
        const file = path.join(os.tmpdir(), `gd-user-data-${RUN_ID}.yaml`);
        fs.writeFileSync(
            file,
            renderContainerCloudInit({
                region: "eu-west-1",
                registryServer: "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
                units: renderContainerUnits({
                    serviceName: SERVICE,
                    port: APP_PORT_IN_HOST,
                    slotPorts: { blue: 8081, green: 8082 },
                    stopTimeoutSeconds: 30,
                }),
            }),
        );
        try {
            const out = run("cloud-init", ["schema", "--config-file", file]);
            assert.match(out, /Valid cloud-config/);
        } finally {
            fs.rmSync(file, { force: true });
        }
    });

    it("the image builds with the stand-ins and AppImage pushes it by digest", async function () {
        const ref = await buildRelease(V1);
        const digest = ref.split("@")[1];
        // The registry itself serves that manifest under that digest.
        const manifest = await httpGet(`http://${REGISTRY}/v2/${SERVICE}/manifests/${digest}`, {
            headers: { Accept: "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json" },
        });
        assert.deepStrictEqual({ status: manifest.status, digest: manifest.headers["docker-content-digest"] }, { status: 200, digest });

        figures.imageBytes = Number(run("docker", ["image", "inspect", "--format", "{{.Size}}", ref]));
        const probe = run("docker", ["create", ref]);
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "gd-bin-"));
        try {
            run("docker", ["cp", `${probe}:/gin-app`, path.join(out, "gin-app")]);
            figures.binaryBytes = fs.statSync(path.join(out, "gin-app")).size;
        } finally {
            run("docker", ["rm", probe]);
            fs.rmSync(out, { recursive: true, force: true });
        }
    });

    it("the image runs healthy as its non-root user, with its OCI labels", async function () {
        const ref = refs[V1];
        assert.ok(ref, "needs the image from the previous test");
        const name = `gd-container-probe-${RUN_ID}`;
        run("docker", ["run", "-d", "--name", name, "--read-only", "--cap-drop", "ALL", "-p", "127.0.0.1::8080", ref]);
        try {
            let health = "";
            for (let i = 0; i < 60 && health !== "healthy"; i++) {
                await sleep(500);
                health = run("docker", ["inspect", "--format", "{{.State.Health.Status}}", name]);
            }
            assert.strictEqual(health, "healthy", `the image's HEALTHCHECK reports ${health}`);
            assert.strictEqual(run("docker", ["inspect", "--format", "{{.Config.User}}", name]), "65532:65532");
            const uids = run("docker", ["top", name, "-eo", "pid,uid"])
                .split("\n")
                .slice(1)
                .map((line) => line.trim().split(/\s+/)[1]);
            assert.deepStrictEqual([...new Set(uids)], ["65532"], "every process of the container runs as uid 65532");
            const labels = JSON.parse(run("docker", ["inspect", "--format", "{{json .Config.Labels}}", name])) as Record<string, string>;
            assert.strictEqual(labels["org.opencontainers.image.version"], V1);
            assert.strictEqual(labels["org.opencontainers.image.revision"], COMMIT);
            assert.strictEqual(labels["org.opencontainers.image.created"], DATE);
        } finally {
            run("docker", ["rm", "--force", name]);
        }
    });

    it("on a host with its own engine, the container unit runs the app on its own bridge network, reached only on its published loopback port", async function () {
        // The local host shares the machine's engine, so a port that engine publishes lands on the
        // machine, not in the host: there the slots join the host container's namespace. The bridge
        // form a host with its own engine gets (AWS) is run here on the machine, as systemd would run
        // the rendered unit with the slot file install-container.sh writes for --network bridge.
        const ref = refs[V1];
        assert.ok(ref, "needs the image from the build test");
        // A loopback port free on this machine, for both sides of the published port.
        const slotPort = await new Promise<number>((resolve, reject) => {
            const probe = net.createServer().listen(0, "127.0.0.1", () => {
                const { port } = probe.address() as net.AddressInfo;
                probe.close(() => resolve(port));
            });
            probe.on("error", reject);
        });
        const name = `gd-bridge-probe-${RUN_ID}`;
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gd-bridge-"));
        const envFile = path.join(dir, "slot.env");
        fs.writeFileSync(envFile, "APP_ENV=dev\n", { mode: 0o600 });
        const unit = renderContainerUnits({
            serviceName: SERVICE,
            port: APP_PORT_IN_HOST,
            slotPorts: { blue: slotPort, green: slotPort + 10 },
            stopTimeoutSeconds: 30,
        }).find((f) => f.path.endsWith("-container@.service"));
        const execStart = /^ExecStart=(.*)$/m.exec((unit?.content ?? "").replace(/\\\n/g, " "))?.[1] ?? "";
        // The slot file's network lines, from the script's own network_conf.
        const conf = run("bash", [
            "-c",
            `die() { echo "$*" >&2; exit 1; }; eval "$(sed -n '/^network_conf() {/,/^}/p' components/container/host/install-container.sh)"; network=bridge; network_conf ${slotPort}`,
        ]);
        const vars: Record<string, string> = { IMAGE: ref, SLOT_PORT: String(slotPort) };
        for (const line of conf.split("\n")) vars[line.slice(0, line.indexOf("="))] = line.slice(line.indexOf("=") + 1);
        // systemd's expansion: an unbraced $VAR word is split into zero or more words, ${VAR} is substituted in place.
        const words = execStart
            .split(/\s+/)
            .filter(Boolean)
            .flatMap((w) =>
                /^\$\w+$/.test(w)
                    ? (vars[w.slice(1)] ?? "").split(/\s+/).filter(Boolean)
                    : [w.replace(/\$\{(\w+)\}/g, (_, v: string) => vars[v] ?? "")],
            )
            .map((w) => w.replace(`/etc/gin-deploy/${SERVICE}/slot-%i.env`, envFile).replace(`${SERVICE}-%i`, name).replace(/%i/g, "blue"));
        assert.deepStrictEqual(words.slice(0, 3), ["docker", "run", "--rm"]);
        const at = words.indexOf("--network");
        assert.deepStrictEqual(words.slice(at, at + 3), ["--network", "bridge", `--publish=127.0.0.1:${slotPort}:${slotPort}`]);
        run("docker", ["run", "--detach", ...words.slice(3)]);
        try {
            let status = 0;
            for (let i = 0; i < 60 && status !== 200; i++) {
                await sleep(250);
                status = await get(`http://127.0.0.1:${slotPort}/healthz`).then(
                    (r) => r.status,
                    () => 0,
                );
            }
            assert.strictEqual(status, 200, `the app did not answer on its published port 127.0.0.1:${slotPort}`);
            assert.strictEqual(run("docker", ["inspect", "--format", "{{.HostConfig.NetworkMode}}", name]), "bridge");
            const published = run("docker", ["inspect", "--format", "{{json .HostConfig.PortBindings}}", name]);
            assert.deepStrictEqual(JSON.parse(published), { [`${slotPort}/tcp`]: [{ HostIp: "127.0.0.1", HostPort: String(slotPort) }] });
        } finally {
            run("docker", ["rm", "--force", name]);
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("is pulled back by digest once removed from the engine", async function () {
        const ref = refs[V1];
        const id = run("docker", ["image", "inspect", "--format", "{{.Id}}", ref]);
        run("docker", ["image", "rm", ref, `${REGISTRY}/${SERVICE}:${V1}`]);
        assert.throws(() => run("docker", ["image", "inspect", ref]), "the image should be gone from the engine");
        run("docker", ["pull", "--quiet", ref]);
        assert.strictEqual(run("docker", ["image", "inspect", "--format", "{{.Id}}", ref]), id);
    });

    it("ContainerService deploys the image by digest: the app answers with the release version", async function () {
        deployed = true;
        await serviceExec.apply(await serviceResources(refs[V1], V1));
        assert.strictEqual(await servedVersion(), V1);
        // Secrets: only in 0600 env files on the host, never printed by a command.
        const modes = hostRun(`stat -c '%a %U' /etc/gin-deploy/${SERVICE}/*.env`).split("\n");
        assert.ok(modes.length >= 1 && modes.every((m) => m === "600 root"), `env files: ${modes.join(", ")}`);
        assert.ok(!serviceExec.printed.some((l) => l.includes(DB_PASSWORD)), "a command printed the database password");
        const unitText = hostRun(`cat /etc/systemd/system/${SERVICE}*`);
        assert.ok(!unitText.includes(DB_PASSWORD), "the password is in a unit file");
        assert.strictEqual(hostRun(`systemctl is-enabled ${SERVICE}.socket`), "enabled");
    });

    it("an unchanged release runs nothing", async function () {
        const steps = await serviceExec.apply(await serviceResources(refs[V1], V1));
        assert.deepStrictEqual(steps, [], `expected no step, got: ${describeSteps(steps)}`);
    });

    it("never gives the app the host's network: the slot joins the local host's namespace, and a release asked for --network host is refused with nothing changed", async function () {
        const slotConf = hostRun(`cat /etc/gin-deploy/${SERVICE}/slot-*.conf`);
        const hostId = run("docker", ["inspect", "--format", "{{.Id}}", CONTAINER_HOST.name]);
        assert.match(slotConf, new RegExp(`^NETWORK=container:${hostId}$`, "m"));
        const running = run("docker", ["ps", "--filter", `label=io.gin-deploy.service=${SERVICE}`, "--format", "{{.Names}}"]).split("\n");
        assert.strictEqual(running.length, 1, `one slot runs: ${running.join(", ")}`);
        assert.strictEqual(run("docker", ["inspect", "--format", "{{.HostConfig.NetworkMode}}", running[0]]), `container:${hostId}`);
        const res = onHost(
            CONTAINER_HOST,
            `bash ${containerLayout(SERVICE).stagingDir}/install-container.sh release --image ${refs[V1]} --version ${V1} --port ${APP_PORT_IN_HOST} --slot-ports ${APP_PORT_IN_HOST + 1},${APP_PORT_IN_HOST + 2} --network host`,
        );
        assert.notStrictEqual(res.status, 0);
        assert.match(res.stderr, /--network 'host' is not bridge or container:ID \(the host's network is never used/);
        assert.strictEqual(hostRun(`cat /etc/gin-deploy/${SERVICE}/slot-*.conf`), slotConf);
        assert.strictEqual(await servedVersion(), V1);
    });

    it("a second release under load loses zero requests", async function () {
        await buildRelease(V2);
        const resources = await serviceResources(refs[V2], V2);
        const seen = await underLoad(async () => {
            await serviceExec.apply(resources);
        });
        assert.strictEqual(await servedVersion(), V2);
        figures.requestsSent = seen.sent;
        figures.lostDuringRelease = seen.lost;
        figures.releaseSeconds = Number(seen.actionSeconds.toFixed(2));
        figures.maxLatencyMsDuringRelease = seen.maxLatencyMs;
        assert.ok(seen.sent >= 200, `the load sent only ${seen.sent} requests: too few to judge`);
        assert.strictEqual(seen.lost, 0, `lost ${seen.lost} of ${seen.sent}: ${seen.failures.join("; ")}`);
    });

    it("for comparison, the naive stop-then-start in place stalls clients far longer than the release did", async function () {
        const layout = containerLayout(SERVICE);
        // The article's way, by hand on the same host and front: rewrite the running slot's image and
        // restart its container, so nothing listens until the new process is up.
        const slot = hostRun(`basename "$(readlink ${layout.slotLink})" .sock`);
        assert.match(slot, /^(blue|green)$/);
        const conf = `${layout.configDir}/slot-${slot}.conf`;
        const seen = await underLoad(async () => {
            hostRun(
                `sed -i -e 's|^IMAGE=.*|IMAGE=${refs[V1]}|' -e 's|^VERSION=.*|VERSION=${V1}|' ${conf} && ` +
                    `systemctl restart ${SERVICE}-container@${slot}.service && ` +
                    `for i in $(seq 100); do curl -fsS --max-time 1 http://127.0.0.1:${APP_PORT_IN_HOST}/version | grep -q '"version":"${V1}"' && exit 0; sleep 0.1; done; exit 1`,
            );
        });
        figures.lostNaive = seen.lost;
        figures.requestsSentNaive = seen.sent;
        figures.maxLatencyMsNaive = seen.maxLatencyMs;
        console.log(
            `      naive stop-then-start: lost ${seen.lost} of ${seen.sent}, longest wait ${seen.maxLatencyMs} ms (${seen.failures.slice(0, 3).join("; ")})`,
        );
        const naiveVersion = await servedVersion();
        // Back to what ContainerService last released, the product's way, before judging, so that a
        // failed judgement leaves the next test the host it expects.
        hostRun(
            renderContainerCommands({
                serviceName: SERVICE,
                imageRef: refs[V2],
                version: V2,
                port: APP_PORT_IN_HOST,
                slotPorts: { blue: 8081, green: 8082 },
                healthTimeoutSeconds: 30,
                healthPath: "/healthz",
                versionCheck: true,
                drainTimeoutSeconds: 0,
            }).release,
        );
        assert.strictEqual(await servedVersion(), V2);
        assert.strictEqual(naiveVersion, V1);
        // What the two-slot release saves: while no container listens, every client waits (or fails).
        // The container's stop and start take a second or more; the release's switch takes none.
        const released = figures.maxLatencyMsDuringRelease as number;
        assert.ok(
            seen.lost > 0 || (seen.maxLatencyMs >= 1000 && seen.maxLatencyMs > 2 * released),
            `the naive restart lost nothing and its longest wait (${seen.maxLatencyMs} ms) is neither 1 s nor twice the release's (${released} ms)`,
        );
    });

    it("a bad release is rolled back: the update fails with the container's last log lines and the old digest keeps answering", async function () {
        // DB_POOL_SIZE=0 is refused by the app at start: the new container exits at once.
        const resources = await serviceResources(refs[V2], V2, { DB_POOL_SIZE: "0" });
        let failure: Error | undefined;
        const seen = await underLoad(async () => {
            await serviceExec.apply(resources).catch((e: Error) => (failure = e));
        });
        assert.ok(failure, "the release with a broken setting should have failed");
        assert.match(failure.message, /health check: GET http:\/\/127\.0\.0\.1:\d+\/healthz did not answer 2xx or 3xx within \d+s/);
        assert.match(failure.message, /DB_POOL_SIZE/, "the failure should carry the container's log lines naming the bad setting");
        assert.ok(!failure.message.includes(DB_PASSWORD), "the failure message shows the password");
        assert.strictEqual(await servedVersion(), V2);
        const running = hostRun(
            `docker ps --filter label=io.gin-deploy.service=${SERVICE} --format '{{.Names}}' | xargs docker inspect --format '{{.Config.Image}}'`,
        ).split("\n");
        assert.deepStrictEqual(running, [refs[V2]], "only the previous digest runs");
        assert.strictEqual(seen.lost, 0, `the failed release lost ${seen.lost} requests: ${seen.failures.join("; ")}`);
    });

    it("runs the app as its image's user, and refuses an image that runs as root, naming it and the fix, with the old release still serving", async function () {
        const name = hostRun(`docker ps --filter label=io.gin-deploy.service=${SERVICE} --format '{{.Names}}'`);
        assert.strictEqual(run("docker", ["inspect", "--format", "{{.Config.User}}", name]), "65532:65532");
        assert.match(hostRun(`cat /etc/gin-deploy/${SERVICE}/slot-*.conf`), /^APP_USER=65532:65532$/m);
        // The same app, its USER reset to root: as an image built elsewhere might be.
        const tag = `${REGISTRY}/${SERVICE}:${V2}-root`;
        run("docker", ["build", "--quiet", "--tag", tag, "-"], { input: `FROM ${refs[V2]}\nUSER root\n` });
        let rootRef = "";
        try {
            run("docker", ["push", "--quiet", tag]);
            rootRef = run("docker", ["image", "inspect", "--format", "{{index .RepoDigests 0}}", tag]);
            let failure: Error | undefined;
            await serviceExec.apply(await serviceResources(rootRef, V2)).catch((e: Error) => (failure = e));
            assert.ok(failure, "the release of an image that runs as root should have failed");
            assert.match(
                failure.message,
                new RegExp(`image ${rootRef.replace(/[.]/g, "\\.")} runs as root \\(its USER is root\\); nothing was started`),
            );
            assert.match(
                failure.message,
                /Fix: end its Dockerfile with a non-root USER \(e\.g\. USER 65532:65532\), or set allowRootUser: true/,
            );
            assert.strictEqual(await servedVersion(), V2);
            assert.strictEqual(
                hostRun(`docker ps --filter label=io.gin-deploy.service=${SERVICE} --format '{{.Names}}'`),
                name,
                "the running slot was touched",
            );
        } finally {
            await docker(["image", "rm", tag, ...(rootRef ? [rootRef] : [])]).catch(() => undefined);
        }
    });

    it("systemd brings the app container back within 5 s after it is killed", async function () {
        const name = hostRun(`docker ps --filter label=io.gin-deploy.service=${SERVICE} --format '{{.Names}}'`);
        assert.match(name, new RegExp(`^${SERVICE}-(blue|green)$`));
        run("docker", ["kill", name]);
        const t = performance.now();
        let up = false;
        while (!up && performance.now() - t < 15000) {
            await sleep(100);
            up = await get(`${PUBLIC_URL}/healthz`).then(
                (r) => r.status === 200,
                () => false,
            );
        }
        const seconds = (performance.now() - t) / 1000;
        figures.recoverySeconds = Number(seconds.toFixed(2));
        assert.ok(up, "the app did not come back within 15 s");
        assert.ok(seconds < 5, `recovered after ${seconds} s`);
        assert.strictEqual(await servedVersion(), V2);
    });

    function assertHostClean(service = SERVICE): void {
        assert.strictEqual(hostRun(`docker ps -a --filter label=io.gin-deploy.service=${service} --format '{{.Names}}'`), "");
        assert.strictEqual(hostRun(`ls /etc/systemd/system | grep -c '^${service}' || true`), "0");
        assert.strictEqual(hostRun(`systemctl list-units --all --plain --no-legend '${service}*' | wc -l`), "0");
        assert.strictEqual(hostRun(`test -e /etc/gin-deploy/${service} && echo present || echo absent`), "absent");
        assert.strictEqual(hostRun(`test -e /var/lib/gin-deploy/${service} && echo present || echo absent`), "absent");
    }

    it("destroy leaves no container, unit or env file on the host", async function () {
        await serviceExec.destroy();
        deployed = false;
        assertHostClean();
    });

    it('refuses serviceName "ssh", whose units the host already has, and a destroy of it leaves them as they were', async function () {
        const connection = connectionFor(containerHost());
        const { resources } = await evaluateProgram(
            () => {
                const svc = new ContainerService("ssh-named", {
                    connection,
                    serviceName: "ssh",
                    imageRef: refs[V2] ?? `127.0.0.1:5000/gin-app@sha256:${"0".repeat(64)}`,
                    version: V2,
                    port: APP_PORT_IN_HOST,
                    environment: { APP_ENV: "dev" },
                    healthTimeoutSeconds: 30,
                    drainTimeoutSeconds: 0,
                });
                return { imageRef: svc.imageRef };
            },
            { project: "gin-deploy", stack: "container", config: {}, secretKeys: [] },
        );
        const fingerprint =
            "sha256sum /lib/systemd/system/ssh.service /lib/systemd/system/ssh.socket /etc/ssh/sshd_config; ls /etc/systemd/system; systemctl is-active ssh; systemctl is-enabled ssh";
        const before = hostRun(fingerprint);
        const exec = new ContractExecutor({ projectDir: repoRoot });
        for (const [type, h] of Object.entries(commandHandlers)) exec.handle(type, h);
        await assert.rejects(exec.apply(resources), (err: Error) => {
            assert.match(err.message, /serviceName 'ssh' names units this host already has and gin-deploy did not install/);
            assert.match(err.message, /nothing was changed/);
            return true;
        });
        assert.strictEqual(hostRun(fingerprint), before, "the refused release changed the host's own units");
        await exec.destroy();
        assert.strictEqual(hostRun(fingerprint), before, "the destroy changed the host's own units");
        assert.strictEqual(hostRun("test -e /var/lib/gin-deploy/ssh && echo present || echo absent"), "absent");
    });

    it("the local stack's own program in container mode builds, pushes, deploys by digest and destroys on the host", async function () {
        // Loaded here: the program reads its config when it runs.
        const { loadConfig } = await import("../../config");
        const { deployStack } = await import("../../stack");
        const settings = settingsForHost(containerHost(), { dbPassword: DB_PASSWORD }, { mode: "container" });
        let digest = `sha256:${"0".repeat(64)}`;
        const evaluate = () =>
            evaluateProgram(() => deployStack(loadConfig(), { builderImage: standIns.builderImage, runtimeImage: standIns.runtimeImage }), {
                project: "gin-deploy",
                stack: "local",
                config: settings.config,
                secretKeys: settings.secretKeys,
                providerState: (type, _name, inputs) =>
                    type === "docker:index/image:Image"
                        ? { repoDigest: `${String(inputs.imageName).replace(/:[^:/]+$/, "")}@${digest}` }
                        : undefined,
            });
        const stackExec = new ContractExecutor({ projectDir: repoRoot });
        for (const [type, h] of Object.entries({ ...imageHandlers, ...commandHandlers, ...reachabilityHandlers }))
            stackExec.handle(type, h);
        // As the engine does: build and push first, then the digest is known to what depends on it.
        const first = await evaluate();
        await stackExec.apply(first.resources.filter((r) => r.type === "docker:index/image:Image"));
        const pushed = stackExec.resources().find((r) => r.resource.type === "docker:index/image:Image")?.outputs.repoDigest as string;
        assert.match(pushed, /^127\.0\.0\.1:5000\/gin-app@sha256:[0-9a-f]{64}$/);
        digest = pushed.slice(pushed.indexOf("@") + 1);
        const second = await evaluate();
        try {
            const steps = await stackExec.apply(second.resources);
            assert.ok(!steps.some((st) => st.type === "docker:index/image:Image"), `the image was built again: ${describeSteps(steps)}`);
            const out = second.result as unknown as { url: string; version: string; imageRef: string; mode: string };
            assert.strictEqual(out.mode, "container");
            assert.strictEqual(out.imageRef, pushed);
            assert.strictEqual(out.url, PUBLIC_URL);
            assert.strictEqual(await servedVersion(), out.version);
            assert.ok(!stackExec.printed.some((l) => l.includes(DB_PASSWORD)), "a command printed the database password");
        } finally {
            await stackExec.destroy();
            await docker(["image", "rm", pushed]).catch(() => undefined);
        }
        assertHostClean();
    });

    // An ordinary Gin app, unmodified (test/fixtures/plain-gin-app). Plain tests of this suite, not a
    // nested one: mocha would run a nested suite after the last test here, which stops the registry.
    async function plainImage(version: string): Promise<string> {
        const { resources } = await evaluateProgram(
            () => {
                // go-sqlite3 needs cgo; "static" links it so the minimal base can run it.
                const binary = new GoBinary("plain", {
                    moduleDir: path.join(repoRoot, "test/fixtures/plain-gin-app"),
                    goarch: "amd64",
                    version,
                    commit: COMMIT,
                    date: DATE,
                    binaryName: "plain-gin-app",
                    cgo: "static",
                });
                const image = new AppImage("plain", {
                    binaryPath: binary.path,
                    platform,
                    version,
                    commit: COMMIT,
                    date: DATE,
                    registry: { server: REGISTRY, repository: PLAIN_REPOSITORY },
                    runtimeImage: standIns.runtimeImage,
                });
                return { imageName: image.imageName };
            },
            { project: "gin-deploy", stack: "container", config: {}, secretKeys: [] },
        );
        await plainImageExec.apply(resources);
        const ref = plainImageExec.resources().find((r) => r.resource.type === "docker:index/image:Image")?.outputs.repoDigest as string;
        assert.match(ref, /^127\.0\.0\.1:5000\/plain-gin-app@sha256:[0-9a-f]{64}$/);
        plainRefs.push(ref);
        return ref;
    }

    async function plainResources(imageRef: string, removeStateOnDestroy = false): Promise<RecordedResource[]> {
        const connection = connectionFor(containerHost());
        const { resources } = await evaluateProgram(
            () => {
                const svc = new ContainerService("plain", {
                    connection,
                    serviceName: PLAIN,
                    imageRef,
                    port: APP_PORT_IN_HOST,
                    environment: { DATA_DIR: "/data", GIN_MODE: "release" },
                    secretEnvironment: {},
                    healthCheck: { path: "/", timeoutSeconds: 30 },
                    versionCheck: false,
                    stateVolume: { removeStateOnDestroy },
                    drainTimeoutSeconds: 20,
                    // The app reads no arguments: they are here to show they arrive literally.
                    args: PLAIN_ARGS,
                    workingDir: "/data",
                });
                return { imageRef: svc.imageRef };
            },
            { project: "gin-deploy", stack: "container", config: {}, secretKeys: [] },
        );
        return resources;
    }

    const call = (method: string, route: string, body?: string) => request(method, `${PUBLIC_URL}${route}`, { body, timeoutMs: 3000 });
    const itemCount = async () => {
        const res = await call("GET", "/items");
        assert.strictEqual(res.status, 200, `GET /items answered ${res.status}: ${res.body}`);
        return (JSON.parse(res.body) as { count: number }).count;
    };
    // cgo "static" builds natively only (no cross C toolchain here).
    const plainBuildsHere = () => process.arch === "x64" && platform === "linux/amd64";
    const runningImages = () =>
        hostRun(
            `docker ps --filter label=io.gin-deploy.service=${PLAIN} --format '{{.Names}}' | xargs docker inspect --format '{{.Config.Image}} {{.HostConfig.ReadonlyRootfs}}'`,
        ).split("\n");

    it("plain app: the generated Dockerfile for a prebuilt binary is hadolint-clean", function () {
        if (!plainBuildsHere()) this.skip();
        const file = path.join(os.tmpdir(), `gd-binary-dockerfile-${RUN_ID}`);
        fs.writeFileSync(file, renderBinaryDockerfile("plain-gin-app"));
        try {
            run("hadolint", [file]);
        } finally {
            fs.rmSync(file, { force: true });
        }
    });

    it("plain app: deploys from its static binary with its own health path, no version check and its data in a volume on a read-only root", async function () {
        if (!plainBuildsHere()) this.skip();
        const ref = await plainImage(V1);
        plainDeployed = true;
        await plainExec.apply(await plainResources(ref));
        assert.strictEqual((await call("GET", "/")).status, 200);
        for (const name of ["a", "b", "c"]) {
            const res = await call("POST", "/items", JSON.stringify({ name }));
            assert.strictEqual(res.status, 201, `POST /items answered ${res.status}: ${res.body}`);
        }
        assert.strictEqual(await itemCount(), 3);
        assert.deepStrictEqual(runningImages(), [`${ref} true`], "one container, by digest, read-only root");
        assert.strictEqual(run("docker", ["volume", "inspect", "--format", "{{.Name}}", PLAIN_VOLUME]), PLAIN_VOLUME);
        const name = hostRun(`docker ps --filter label=io.gin-deploy.service=${PLAIN} --format '{{.Names}}'`);
        assert.deepStrictEqual(JSON.parse(run("docker", ["inspect", "--format", "{{json .Args}}", name])), PLAIN_ARGS);
        assert.strictEqual(run("docker", ["inspect", "--format", "{{.Config.WorkingDir}}", name]), "/data");
    });

    it("plain app: a release under load (fresh connections, no graceful drain in the app) loses nothing and keeps the data", async function () {
        if (!plainBuildsHere()) this.skip();
        const ref = await plainImage(V2);
        const resources = await plainResources(ref);
        const load = startLoad({ url: `${PUBLIC_URL}/items`, ...LOAD });
        const waitSent = async (n: number) => {
            while (load.progress().sent < n) await sleep(100);
        };
        await waitSent(300);
        const t = performance.now();
        await plainExec.apply(resources);
        const releaseSeconds = (performance.now() - t) / 1000;
        await waitSent(load.progress().sent + 300);
        await waitSent(1100);
        const seen = await load.stop();
        figures.plainRequestsSent = seen.sent;
        figures.plainLostDuringRelease = seen.lost;
        figures.plainReleaseSeconds = Number(releaseSeconds.toFixed(2));
        figures.plainMaxLatencyMsDuringRelease = seen.maxLatencyMs;
        assert.deepStrictEqual(runningImages(), [`${ref} true`], "the new digest alone serves");
        assert.ok(seen.sent >= 1000, `the load sent only ${seen.sent} requests`);
        assert.strictEqual(seen.lost, 0, `lost ${seen.lost} of ${seen.sent}: ${seen.failures.join("; ")}`);
        assert.strictEqual(await itemCount(), 3, "the items written before the release");
        // The old slot was stopped only once its connections had closed (the app itself does not drain).
        assert.ok(
            plainExec.printed.some((l) => /slot on port \d+ drained/.test(l)),
            "the release did not report the old slot drained",
        );
    });

    it("plain app: destroy keeps the state volume unless removeStateOnDestroy: a redeploy finds the data, and then destroy removes it", async function () {
        if (!plainBuildsHere()) this.skip();
        await plainExec.destroy();
        plainDeployed = false;
        assertHostClean(PLAIN);
        assert.strictEqual(run("docker", ["volume", "inspect", "--format", "{{.Name}}", PLAIN_VOLUME]), PLAIN_VOLUME);
        plainDeployed = true;
        await plainExec.apply(await plainResources(plainRefs[plainRefs.length - 1], true));
        assert.strictEqual(await itemCount(), 3, "the data outlived the service");
        await plainExec.destroy();
        plainDeployed = false;
        assertHostClean(PLAIN);
        assert.throws(() => run("docker", ["volume", "inspect", PLAIN_VOLUME]), "the state volume should be gone");
    });

    it("stops the registry it started", function () {
        if (!registryStartedHere()) this.skip();
        stopRegistryIfStartedHere();
        assert.strictEqual(registryRunning(), false, "the registry this suite started still runs");
    });
});
