// test:reuse — an ordinary Gin app, unmodified, deployed by another team's project from the packed
// package, on a real host, in systemd mode and in container mode.
//
// The app is test/fixtures/plain-gin-app: r.Run() on PORT (it binds the port itself), data in a
// SQLite file through the cgo driver go-sqlite3 (in systemd mode at ./../app.db, relative to its
// working directory, and one file per item in ./files/items, a folder it creates), no /healthz, no
// /version, no version stamps, no READY=1, and it exits at once on SIGTERM. The consumer is a scratch project outside the repository that installs the
// tarball of `npm run pack:components` with the peer SDKs; its program (consumerProgram.ts) is
// compiled by its own TypeScript and run under its own @pulumi/pulumi's mocks (scratchRecorder.ts);
// the remote commands and copies it registers are carried out over real SSH on a real host as the
// command provider would, the image as the docker provider would (test/contract's executor and
// handlers; the provider binaries are not available here). Per mode: first deploy, items written,
// a release under a loopback load (0 lost of at least 1 000), the items still there after the
// release, after a release that changes the state layout on the used host (systemd mode: another
// stateDirectory and workingDirectory) and after a host restart; the app's log read through
// `npm run logs` (its --ssh form: this consumer's stack lives under mocks, so there is no stack
// state to name; the host, user, key and pinned host key are the ones the program deploys with)
// and through the component's logsCommand output; and destroy leaves nothing but the data, which
// is kept by default. Figures: reports/reuse.json.
import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { APP_PORT_IN_HOST, HostSettings, HostStatus, onHost, startHost, stopHost } from "../../scripts/localHost";
import { commandHandlers } from "../contract/commandHandlers";
import { imageHandlers } from "../contract/dockerImageHandler";
import { ContractExecutor, Step } from "../contract/executor";
import { leftovers, snapshot, HostSnapshot } from "../contract/hostInspection";
import type { RecordedResource } from "../support/programRecorder";
import {
    CONTAINER_HOST,
    containerHost,
    ensureRegistry,
    REGISTRY,
    standInImages,
    stopContainerHost,
    stopRegistryIfStartedHere,
    writeReport,
} from "../container/harness";
import { mustRun, NPM_CACHE, packComponents, pinned, REPO } from "../package/consumerProject";
import { startLoad } from "../support/loopbackLoad";
import { CONSUMER_PROGRAM } from "./consumerProgram";
import { evaluateInProject } from "./scratchRecorder";
import { suiteHost } from "../support/hosts";
import { request } from "../../scripts/loopbackHttp";

const FIXTURE = path.join(REPO, "test", "fixtures", "plain-gin-app");
const SYSTEMD_HOST: HostSettings = suiteHost("reuse");
const ITEMS = 25;
/** systemd mode's state layouts: the first deploy's, then another on the same host (the data stays in /var/lib/items). */
const LAYOUTS = {
    first: { stateDirectory: "items", workingDirectory: "run" },
    changed: { stateDirectory: "items/run/cache", workingDirectory: "/var/lib/items/run" },
};
const isImage = (r: RecordedResource) => r.type === "docker:index/image:Image";
const GOARCH = process.arch === "arm64" ? "arm64" : "amd64";

const figures: Record<string, Record<string, unknown>> = {};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (x: number) => Math.round(x * 100) / 100;

/** The items in the database, and the item files the app wrote beside it. */
async function itemCounts(base: string): Promise<{ count: number; files: number }> {
    const res = await request("GET", `${base}/items`);
    assert.strictEqual(res.status, 200, `GET /items answered ${res.status}: ${res.body}`);
    return JSON.parse(res.body) as { count: number; files: number };
}

async function itemCount(base: string): Promise<number> {
    const counts = await itemCounts(base);
    assert.strictEqual(counts.files, counts.count, `${counts.count} items in the database, ${counts.files} item files`);
    return counts.count;
}

async function waitForAnswer(base: string, seconds: number): Promise<number> {
    const started = performance.now();
    let last = "";
    while (performance.now() - started < seconds * 1000) {
        try {
            const res = await request("GET", `${base}/`);
            if (res.status === 200 && res.body.includes("plain-gin-app")) return (performance.now() - started) / 1000;
            last = `status ${res.status}`;
        } catch (e) {
            last = (e as Error).message;
        }
        await sleep(250);
    }
    throw new Error(`${base}/ did not answer within ${seconds} s (last: ${last})`);
}

function describeSteps(steps: Step[]): string {
    return steps.map((s) => `${s.op} ${s.type} ${s.name}`).join("; ");
}

/** The scratch consumer project: the packed package, its peers at this repository's pins, our program. */
function createConsumer(tarball: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gd-reuse-"));
    const manifest = {
        name: "items-deploy",
        version: "0.0.0",
        private: true,
        dependencies: {
            "@gin-deploy/components": `file:${tarball}`,
            "@pulumi/pulumi": pinned("@pulumi/pulumi"),
            "@pulumi/command": pinned("@pulumi/command"),
            "@pulumi/docker": pinned("@pulumi/docker"),
        },
        devDependencies: { typescript: pinned("typescript"), "@types/node": pinned("@types/node") },
    };
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(manifest, null, 2) + "\n");
    fs.writeFileSync(path.join(dir, "index.ts"), CONSUMER_PROGRAM);
    const tsconfig = {
        compilerOptions: { strict: true, target: "ES2022", module: "commonjs", moduleResolution: "node", types: ["node"], outDir: "out" },
        files: ["index.ts"],
    };
    fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2) + "\n");
    fs.mkdirSync(NPM_CACHE, { recursive: true });
    mustRun("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", "--cache", NPM_CACHE], dir);
    mustRun(path.join(dir, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.json"], dir);
    return dir;
}

interface ModeSetup {
    host: () => HostStatus;
    /** Removes the app's kept data (a run that failed before its destroy leaves it). */
    removeData: () => void;
    settings: HostSettings;
    stop: () => void;
    extraConfig: () => Record<string, string>;
    /** Whether the engine would build an image first (container mode). */
    buildsImage: boolean;
}

const MODES: Record<"systemd" | "container", ModeSetup> = {
    systemd: {
        host: () => startHost(SYSTEMD_HOST),
        settings: SYSTEMD_HOST,
        stop: () => {
            if (process.env.GIN_DEPLOY_KEEP_HOSTS !== "1") stopHost(SYSTEMD_HOST);
        },
        removeData: () => {
            onHost(SYSTEMD_HOST, "rm -rf /var/lib/private/items /var/lib/items");
        },
        extraConfig: () => ({}),
        buildsImage: false,
    },
    container: {
        host: () => {
            ensureRegistry();
            return containerHost();
        },
        settings: CONTAINER_HOST,
        stop: () => {
            stopContainerHost();
            stopRegistryIfStartedHere();
        },
        // The volume is on the machine's engine (the host reaches it through the socket).
        removeData: () => {
            execFileSync("docker", ["volume", "rm", "--force", "items-state"], { stdio: "ignore" });
        },
        extraConfig: () => ({ "items-deploy:registry": REGISTRY, "items-deploy:runtimeImage": standInImages().runtimeImage }),
        buildsImage: true,
    },
};

describe("reuse: an ordinary Gin app, unmodified, deployed from the packed package by another project", function () {
    this.timeout(30 * 60 * 1000);
    let project: string;

    before(function () {
        const packed = packComponents();
        project = createConsumer(packed.tarball);
        assert.ok(path.relative(REPO, project).startsWith(".."), `${project} is inside the repository`);
    });

    after(function () {
        if (project && !process.env.GD_KEEP_SCRATCH) fs.rmSync(project, { recursive: true, force: true });
        const file = writeReport("reuse.json", { date: new Date().toISOString(), fixture: "test/fixtures/plain-gin-app", ...figures });
        console.log(`    figures: ${file}`);
    });

    for (const [mode, setup] of Object.entries(MODES) as Array<[keyof typeof MODES, ModeSetup]>) {
        describe(`${mode} mode`, function () {
            let host: HostStatus;
            let clean: HostSnapshot;
            let executor: ContractExecutor;
            // The image's own state, apart: an apply of the image alone must not delete the rest.
            let imageExecutor: ContractExecutor;
            let base: string;
            let deployed = false;
            /** What the program returned at its last evaluation: its outputs for what the host runs now. */
            let latest: Record<string, unknown> = {};
            const f: Record<string, unknown> = (figures[mode] = {});

            /** The resources of the program with this config, and what it returned (its outputs). */
            async function evaluate(
                note: string,
                layout: (typeof LAYOUTS)[keyof typeof LAYOUTS] = LAYOUTS.first,
            ): Promise<{ resources: RecordedResource[]; outputs: Record<string, unknown> }> {
                const config: Record<string, string> = {
                    "items-deploy:mode": mode,
                    "items-deploy:port": String(APP_PORT_IN_HOST),
                    "items-deploy:sshHost": host.sshHost,
                    "items-deploy:sshPort": String(host.sshPort),
                    "items-deploy:sshUser": host.user,
                    "items-deploy:sshPrivateKey": fs.readFileSync(host.privateKeyPath, "utf8"),
                    "items-deploy:sshHostKey": host.hostKey,
                    "items-deploy:moduleDir": FIXTURE,
                    "items-deploy:goarch": GOARCH,
                    "items-deploy:note": note,
                    "items-deploy:stateDirectory": layout.stateDirectory,
                    "items-deploy:workingDirectory": layout.workingDirectory,
                    ...setup.extraConfig(),
                };
                const opts = { project: "items-deploy", stack: "reuse", config, secretKeys: ["items-deploy:sshPrivateKey"] };
                // Before the image is built its digest is not known: the first pass answers a stand-in,
                // and only the image is taken from it.
                const standIn = { "docker:index/image:Image": { repoDigest: `${REGISTRY}/items@sha256:${"0".repeat(64)}` } };
                let evaluation = await evaluateInProject<Record<string, unknown>>(project, path.join(project, "out", "index.js"), {
                    ...opts,
                    providerOutputs: setup.buildsImage ? standIn : undefined,
                });
                latest = evaluation.result;
                if (!setup.buildsImage) return { resources: evaluation.resources, outputs: evaluation.result };
                // As the engine does: build and push first; what depends on the digest sees it after.
                await imageExecutor.apply(evaluation.resources.filter(isImage));
                const pushed = imageExecutor.resources().find((r) => isImage(r.resource))?.outputs.repoDigest;
                assert.match(String(pushed), /^127\.0\.0\.1:5000\/items@sha256:[0-9a-f]{64}$/);
                evaluation = await evaluateInProject(project, path.join(project, "out", "index.js"), {
                    ...opts,
                    providerOutputs: { "docker:index/image:Image": { repoDigest: pushed } },
                });
                latest = evaluation.result;
                return { resources: evaluation.resources.filter((r) => !isImage(r)), outputs: evaluation.result };
            }

            before(function () {
                host = setup.host();
                setup.removeData();
                base = `http://127.0.0.1:${host.appPort}`;
                clean = snapshot(setup.settings);
                executor = new ContractExecutor({ projectDir: project, log: (line) => console.log(`        ${line}`) });
                for (const [type, h] of Object.entries(commandHandlers)) executor.handle(type, h);
                imageExecutor = new ContractExecutor({ projectDir: project, log: (line) => console.log(`        ${line}`) });
                for (const [type, h] of Object.entries(imageHandlers)) imageExecutor.handle(type, h);
            });

            after(async function () {
                if (deployed) await executor.destroy().catch((e: Error) => console.log(`        cleanup destroy failed: ${e.message}`));
                // A before hook that failed early (the registry taken, say) made no executor: one failure, not two.
                await imageExecutor?.destroy();
                setup.removeData();
                setup.stop();
            });

            it("first deploy: the app answers on the host's port, and keeps what it is sent", async function () {
                const started = performance.now();
                const steps = await executor.apply((await evaluate("first")).resources);
                deployed = true;
                assert.ok(
                    steps.some((s) => s.op === "create"),
                    "nothing was created",
                );
                await waitForAnswer(base, 60);
                f.firstDeploySeconds = round((performance.now() - started) / 1000);
                for (let i = 0; i < ITEMS; i++) {
                    const res = await request("POST", `${base}/items`, { body: JSON.stringify({ name: `item-${i}` }) });
                    assert.strictEqual(res.status, 201, `POST /items answered ${res.status}: ${res.body}`);
                }
                assert.strictEqual(await itemCount(base), ITEMS);
                f.itemsWritten = ITEMS;
            });

            it("a release under load loses none of at least 1 000 requests, and the data is still there", async function () {
                // Without a first deploy there is nothing to check (its failure says why).
                if (!deployed) this.skip();
                const { resources } = await evaluate("second");
                const load = startLoad({ url: `${base}/`, freshConnectionWorkers: 4, maxRequests: 200000, maxSeconds: 600 });
                await sleep(1000);
                const started = performance.now();
                const steps = await executor.apply(resources);
                f.releaseSeconds = round((performance.now() - started) / 1000);
                await sleep(1500);
                const result = await load.stop();
                console.log(`        release steps: ${describeSteps(steps.filter((s) => s.op !== "same"))}`);
                assert.ok(
                    steps.some((s) => s.op !== "same" && /release/.test(s.name)),
                    `the release command did not run: ${describeSteps(steps)}`,
                );
                f.requestsSent = result.sent;
                f.lostDuringRelease = result.lost;
                f.maxLatencyMs = result.maxLatencyMs;
                assert.ok(result.sent >= 1000, `only ${result.sent} requests were sent during the release`);
                assert.strictEqual(
                    result.lost,
                    0,
                    `lost ${result.lost} of ${result.sent}: ${JSON.stringify(result.lostBy)} ${result.failures.join("; ")}`,
                );
                const count = await itemCount(base);
                f.dataKeptAfterRelease = count === ITEMS;
                assert.strictEqual(count, ITEMS, "the items written before the release are gone");
            });

            if (mode === "systemd") {
                it("a release that changes the state layout on the used host keeps the data, and says where it is", async function () {
                    // Without a first deploy there is nothing to check (its failure says why).
                    if (!deployed) this.skip();
                    const { resources, outputs } = await evaluate("third", LAYOUTS.changed);
                    assert.strictEqual(outputs.stateDirectory, "/var/lib/items/run/cache");
                    const started = performance.now();
                    const steps = await executor.apply(resources);
                    f.layoutChangeSeconds = round((performance.now() - started) / 1000);
                    assert.ok(
                        steps.some((s) => s.op !== "same" && /release/.test(s.name)),
                        `the release command did not run: ${describeSteps(steps)}`,
                    );
                    const unit = onHost(
                        setup.settings,
                        "systemctl cat items-slot-blue.service | grep -E '^(StateDirectory|WorkingDirectory)=' | sort",
                    );
                    assert.strictEqual(
                        unit.stdout.trim(),
                        "StateDirectory=items items/run items/run/cache\nWorkingDirectory=/var/lib/items/run",
                        unit.stderr,
                    );
                    const count = await itemCount(base);
                    f.dataKeptAfterLayoutChange = count === ITEMS;
                    assert.strictEqual(count, ITEMS, "the items written before the layout changed are gone");
                    // ./../app.db from /var/lib/items/run, and the app's own nested folder beside it.
                    const files = onHost(
                        setup.settings,
                        "ls /var/lib/private/items/app.db && ls /var/lib/private/items/run/files/items | wc -l",
                    );
                    assert.strictEqual(files.stdout.trim(), `/var/lib/private/items/app.db\n${ITEMS}`, files.stderr);
                });
            }

            it("reads the live release's log through npm run logs, and the outputs name the units and where the log is", async function () {
                // Without a first deploy there is nothing to check (its failure says why).
                if (!deployed) this.skip();
                const outputs = latest;
                // The request every log below must show: the last one before reading.
                assert.strictEqual(await itemCount(base), ITEMS);
                await sleep(1000); // journald reads a service's output asynchronously
                const live = onHost(setup.settings, String(mode === "systemd" ? outputs.liveUnitCommand : outputs.liveContainerCommand));
                assert.strictEqual(live.status, 0, live.stderr);
                const liveName = live.stdout.trim();
                if (mode === "systemd") {
                    assert.deepStrictEqual(outputs.appUnits, ["items-slot-blue.service", "items-slot-green.service"]);
                    assert.match(liveName, /^items-slot-(blue|green)\.service$/);
                } else {
                    assert.deepStrictEqual(outputs.appUnits, ["items-container@blue.service", "items-container@green.service"]);
                    assert.deepStrictEqual(outputs.containers, ["items-blue", "items-green"]);
                    assert.match(liveName, /^items-(blue|green)$/);
                }

                // As a user would run it: npm run logs, over SSH with the host's key pinned.
                const started = performance.now();
                const logs = spawnSync(
                    "npm",
                    [
                        "run",
                        "--silent",
                        "logs",
                        "--",
                        "--ssh",
                        `${host.sshHost}:${host.sshPort}`,
                        "--user",
                        host.user,
                        "--key",
                        host.privateKeyPath,
                        "--host-key",
                        host.hostKey,
                        "--mode",
                        mode,
                        "--service",
                        "items",
                        "-n",
                        "50",
                    ],
                    { cwd: REPO, encoding: "utf8", timeout: 120_000 },
                );
                f.logsSeconds = round((performance.now() - started) / 1000);
                assert.strictEqual(logs.status, 0, `npm run logs exited ${logs.status}: ${logs.stderr}`);
                const named = mode === "systemd" ? `logs: ${liveName} on ` : `logs: container ${liveName} on `;
                assert.ok(logs.stderr.includes(named), `npm run logs did not read ${liveName}: ${logs.stderr}`);
                assert.match(
                    logs.stdout,
                    /\[GIN\].*\| 200 \|.*GET\s+"\/items"/,
                    `the app's last request is not in its log:\n${logs.stdout}`,
                );
                f.logsLines = logs.stdout.trim().split("\n").length;

                // The component's logsCommand output, run on the host: the same request in the units' journal.
                const journal = onHost(setup.settings, `${String(outputs.logsCommand)} -n 200 --no-pager`);
                assert.strictEqual(journal.status, 0, journal.stderr);
                assert.match(journal.stdout, /\[GIN\].*GET\s+"\/items"/, `logsCommand shows no request:\n${journal.stdout.slice(-2000)}`);
            });

            it("the data is still there after the host restarts", async function () {
                // Without a first deploy there is nothing to check (its failure says why).
                if (!deployed) this.skip();
                const started = performance.now();
                execFileSync("docker", ["restart", setup.settings.name], { stdio: "ignore" });
                await waitForAnswer(base, 120);
                f.hostRestartSeconds = round((performance.now() - started) / 1000);
                const count = await itemCount(base);
                f.dataKeptAfterHostRestart = count === ITEMS;
                assert.strictEqual(count, ITEMS, "the items written before the host restart are gone");
            });

            it("destroy removes the app and keeps only its data (kept by default)", async function () {
                // Without a first deploy there is nothing to check (its failure says why).
                if (!deployed) this.skip();
                await executor.destroy();
                deployed = false;
                const left = leftovers(clean, snapshot(setup.settings));
                const data = left.files.filter((p) => /(^|\/)items(\/|$)|items-state/.test(p) && /\/var\/lib\//.test(p));
                const rest = { ...left, files: left.files.filter((p) => !data.includes(p)) };
                f.leftAfterDestroy = { data: data.length, other: rest };
                assert.deepStrictEqual(rest, { files: [], users: [], units: [], listening: [] }, "destroy left more than the data behind");
                if (mode === "systemd") {
                    assert.ok(data.length > 0, "the state directory was removed although removeStateOnDestroy is off");
                } else {
                    const volume = onHost(setup.settings, "docker volume ls -q --filter name=items-state").stdout.trim();
                    assert.ok(volume.includes("items-state"), "the state volume was removed although removeStateOnDestroy is off");
                }
                // The test's own clean-up of the data a user would keep.
                setup.removeData();
                f.destroyClean = true;
            });
        });
    }
});
