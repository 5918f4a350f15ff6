// The real engine: the project's Pulumi CLI and the Automation API run the local stack's program
// (the same stackProgram() as index.ts) against a local host (test/support/hosts.ts: e2e),
// with the command provider plugin. Where the plugin or the CLI is missing it says
// `skipped: <what is missing>` and passes nothing.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EngineEvent, OpType, Stack } from "@pulumi/pulumi/automation";

import { HostSettings, HostStatus, onHost, repoRoot, startHost, stopHost } from "../../scripts/localHost";
import { generatePassword, settingsForHost } from "../../scripts/localStackConfig";
import { availableCli, EngineEnv, engineEnv, hostArchitecture, openStack } from "../../scripts/localWorkspace";
import { commandPlugin, findPlugin } from "../../scripts/providerPlugins";
import { getJson, HostSnapshot, injectStartFailure, leftovers, snapshot, waitForVersion } from "../contract/hostInspection";
import { suiteHost } from "../support/hosts";
import { startLoad } from "../support/loopbackLoad";

const HOST: HostSettings = suiteHost("e2e");
const STACK = "e2e";

interface Figures {
    [name: string]: number | string | Record<string, number>;
}

/** The ops of a preview or update, per resource, from the engine's events. */
function stepsOf(events: EngineEvent[]): { op: OpType; urn: string; type: string; diffs: string[] }[] {
    return events
        .filter((e) => e.resourcePreEvent)
        .map((e) => e.resourcePreEvent!.metadata)
        .map((m) => ({ op: m.op, urn: m.urn, type: m.type, diffs: m.diffs ?? [] }));
}

const changed = (steps: ReturnType<typeof stepsOf>) => steps.filter((s) => s.op !== "same");

/** Unix time on the host, in seconds with milliseconds (the container shares the machine's clock). */
const hostNow = () => Date.now() / 1000;

/** SSH logins the host's sshd accepted between two times. The journal's own microsecond timestamps
 *  are compared, not whole seconds: a login in the last second of the previous test must not count. */
function sshLoginsBetween(from: number, to: number): number {
    const out = onHost(
        HOST,
        `journalctl --no-pager -q _COMM=sshd -o short-unix --since @${Math.floor(from) - 1} | grep 'Accepted publickey' || true`,
    ).stdout;
    return out.split("\n").filter((line) => {
        const at = Number(line.split(" ", 1)[0]);
        return line !== "" && at >= from && at <= to;
    }).length;
}

describe("e2e: the real Pulumi engine on the local stack (CLI + Automation API + command provider)", function () {
    this.timeout(20 * 60 * 1000);

    let env: EngineEnv;
    let host: HostStatus;
    let stack: Stack;
    let clean: HostSnapshot;
    let tmp: string;
    let url: string;
    const dbPassword = generatePassword();
    const figures: Figures = {};
    const release = (tag: string) => `e2e-${tag}`;

    async function configure(overrides: Record<string, string>): Promise<void> {
        stack = await openStack({
            stackName: STACK,
            workDir: path.join(tmp, "workspace"),
            env,
            // A database host, so that the password travels (the service does not connect to it at start).
            settings: settingsForHost(host, { dbPassword }, { hostArch: hostArchitecture(host), dbHost: "127.0.0.1", ...overrides }),
        });
    }

    async function timedUp(name: string): Promise<{ events: EngineEvent[]; seconds: number }> {
        const events: EngineEvent[] = [];
        const started = performance.now();
        await stack.up({ onEvent: (e) => events.push(e), onOutput: (o) => process.stdout.write(o.replace(/^/gm, "      ")) });
        const seconds = (performance.now() - started) / 1000;
        figures[name] = Number(seconds.toFixed(1));
        return { events, seconds };
    }

    before(function () {
        // Cheapest first: without the provider nothing can run, so do not build a CLI for nothing.
        const skipFor = (missing: string) => {
            // CI that installs the engine sets this, so that a missing part fails there instead of skipping.
            if (process.env.GIN_DEPLOY_REQUIRE_ENGINE === "1") throw new Error(`GIN_DEPLOY_REQUIRE_ENGINE=1 but missing: ${missing}`);
            console.log(`    skipped: ${missing}`);
            this.skip();
        };
        const plugin = commandPlugin();
        if (!findPlugin(plugin)) {
            skipFor(
                `the Pulumi resource plugin "${plugin.name}" v${plugin.version} (not in $PULUMI_HOME/plugins, ` +
                    `no pulumi-resource-${plugin.name} on PATH; install it with: npm run pulumi -- plugin install resource ${plugin.name} ${plugin.version} [--file <binary>])`,
            );
        }
        if (!availableCli()) {
            console.log("    no pulumi CLI on PATH or in the cache: building the pinned one first (tools/pulumi-cli)");
        }
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "gin-deploy-e2e-"));
        const passphraseFile = path.join(tmp, "passphrase");
        fs.writeFileSync(passphraseFile, generatePassword(), { mode: 0o600 });
        try {
            env = engineEnv({ PULUMI_BACKEND_URL: `file://${path.join(tmp, "state")}`, PULUMI_CONFIG_PASSPHRASE_FILE: passphraseFile });
        } catch (err) {
            fs.rmSync(tmp, { recursive: true, force: true });
            tmp = "";
            skipFor(`the Pulumi CLI (none on PATH, and building the pinned one failed: ${(err as Error).message})`);
        }
        fs.mkdirSync(path.join(tmp, "state"), { recursive: true });
        host = startHost(HOST);
        clean = snapshot(HOST);
        url = `http://${host.sshHost}:${host.appPort}`;
        figures.cli = env.pulumi;
    });

    after(async function () {
        if (!tmp) return;
        fs.mkdirSync(path.join(repoRoot, "reports"), { recursive: true });
        fs.writeFileSync(path.join(repoRoot, "reports", "e2e.json"), `${JSON.stringify(figures, null, 2)}\n`);
        console.log(`    figures (reports/e2e.json): ${JSON.stringify(figures)}`);
        if (process.env.GIN_DEPLOY_KEEP_HOSTS !== "1") {
            stopHost(HOST);
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });

    it("up from nothing gives a healthy service at the exported URL, reporting the exported version", async function () {
        await configure({ release: release("a") });
        const from = hostNow();
        await timedUp("firstUpSeconds");
        // The login count the no-op test relies on does see the engine's SSH work.
        assert.ok(sshLoginsBetween(from, hostNow()) > 0, "no SSH login seen in the host's journal during the first up");
        const outputs = await stack.outputs();
        assert.strictEqual(outputs.url?.value, url, "the exported url is not the local host's published app port");
        assert.strictEqual(outputs.version?.value, release("a"));
        const body = await waitForVersion(outputs.url.value as string, release("a"), 5000);
        assert.strictEqual(body.version, release("a"));
        assert.deepStrictEqual(await getJson(`${url}/healthz`), { status: "ok" });
    });

    it("a second up reports no changes and runs nothing on the host", async function () {
        const from = hostNow();
        const { events } = await timedUp("noopUpSeconds");
        const to = hostNow();
        assert.deepStrictEqual(changed(stepsOf(events)), [], "an unchanged stack changed resources");
        assert.strictEqual(sshLoginsBetween(from, to), 0, "the no-op up logged in to the host");
    });

    it("a LOG_LEVEL change previews as exactly the env update, and up applies it", async function () {
        await configure({ release: release("a"), logLevel: "debug" });
        const events: EngineEvent[] = [];
        const preview = await stack.preview({ diff: true, onEvent: (e) => events.push(e) });
        // LOG_LEVEL lives in the env file, which is secret as a whole: the diff names the release
        // command's stdin (the env file) and triggers (its hash), never their values. Nothing else moves.
        const steps = changed(stepsOf(events));
        const resources = [...new Set(steps.map((s) => s.urn.split("::").pop()))];
        assert.deepStrictEqual(resources, ["gin-app-release"], `a LOG_LEVEL change touches ${JSON.stringify(steps)}`);
        for (const s of steps) {
            assert.ok(["replace", "create-replacement", "delete-replaced"].includes(s.op), `unexpected ${s.op} of ${s.urn}`);
        }
        // The engine reports the changed inputs on the replace step (the others of the trio carry none).
        const diffs = [...new Set(steps.flatMap((s) => s.diffs))].sort();
        assert.deepStrictEqual(diffs, ["stdin", "triggers"], `the release command changes for ${diffs.join(", ")}`);
        assert.deepStrictEqual(Object.keys(preview.changeSummary).sort(), ["replace", "same"], JSON.stringify(preview.changeSummary));
        assert.strictEqual(preview.changeSummary.replace, 1);
        assert.match(preview.stdout, /gin-app-release/, "the diff does not show the release command");
        assert.ok(!preview.stdout.includes(dbPassword), "the preview diff shows the database password");
        await timedUp("oneChangeUpSeconds");
        // The running process's own environment (the request starts it if the socket has not yet).
        await getJson(`${url}/version`);
        const seen = onHost(
            HOST,
            "tr '\\0' '\\n' < /proc/$(systemctl show -p MainPID --value gin-app.service)/environ | grep '^LOG_LEVEL='",
        ).stdout.trim();
        assert.strictEqual(seen, "LOG_LEVEL=debug");
    });

    it("a new release rolls out with zero lost requests under a bounded loopback load", async function () {
        await configure({ release: release("b"), logLevel: "debug" });
        const load = startLoad({ url: `${url}/version`, freshConnectionWorkers: 4, maxRequests: 20000, maxSeconds: 600 });
        await timedUp("releaseUpSeconds");
        await waitForVersion(url, release("b"), 10000);
        await new Promise((r) => setTimeout(r, 500));
        const result = await load.stop();
        figures.releaseRequestsSent = result.sent;
        figures.releaseRequestsLost = result.lost;
        figures.releaseVersionsSeen = result.versions;
        assert.strictEqual(result.lost, 0, `lost ${result.lost} of ${result.sent} requests: ${result.failures.join("; ")}`);
        assert.ok(
            (result.versions[release("a")] ?? 0) > 0 && (result.versions[release("b")] ?? 0) > 0,
            `the load did not span the release: ${JSON.stringify(result.versions)}`,
        );
    });

    it("a release that fails its health check makes up exit non-zero with the journal lines, and the old version keeps answering", async function () {
        // The fault: a systemd drop-in on the host that refuses to start this one release.
        const removeFault = injectStartFailure(HOST, "gin-app", release("bad"));
        let output = "";
        try {
            await configure({ release: release("bad"), logLevel: "debug" });
            await assert.rejects(stack.up({ onOutput: (o) => (output += o) }), /gin-app-release/);
            assert.match(output, /journal/i, "the failed up does not show the service's journal");
            assert.match(output, /test fault: release e2e-bad refuses to start/, "the journal lines shown are not the service's");
            assert.ok(!output.includes(dbPassword), "the failed up shows the database password");
            assert.strictEqual((await getJson(`${url}/version`)).version, release("b"), "the old version does not answer");
        } finally {
            removeFault();
        }
        // Back to the release that works: the stack converges again.
        await configure({ release: release("b"), logLevel: "debug" });
        await stack.up({ onOutput: (o) => process.stdout.write(o.replace(/^/gm, "      ")) });
        assert.strictEqual((await getJson(`${url}/version`)).version, release("b"));
    });

    it("neither a stack output nor the state file shows the database password in plain text", async function () {
        const outputs = await stack.outputs();
        for (const [name, out] of Object.entries(outputs)) {
            if (JSON.stringify(out.value).includes(dbPassword))
                assert.ok(out.secret, `stack output ${name} holds the database password unencrypted`);
        }
        const stateFiles: string[] = [];
        const walk = (d: string) =>
            fs
                .readdirSync(d, { withFileTypes: true })
                .forEach((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : stateFiles.push(path.join(d, e.name))));
        walk(path.join(tmp, "state"));
        assert.ok(
            stateFiles.some((f) => f.endsWith(`${STACK}.json`)),
            `no state file for ${STACK} under ${path.join(tmp, "state")}`,
        );
        for (const f of stateFiles)
            assert.ok(!fs.readFileSync(f, "utf8").includes(dbPassword), `${f} holds the database password in plain text`);
        // `pulumi stack export` as a user runs it (the Automation API's exportStack adds --show-secrets).
        const exported = spawnSync(env.pulumi, ["stack", "export", "--stack", STACK, "--cwd", path.join(tmp, "workspace")], {
            encoding: "utf8",
            env: { ...process.env, PULUMI_BACKEND_URL: env.backendUrl, PULUMI_CONFIG_PASSPHRASE_FILE: env.passphraseFile ?? "" },
        });
        assert.strictEqual(exported.status, 0, exported.stderr);
        assert.ok(
            exported.stdout.includes('"secure"') || exported.stdout.includes("ciphertext"),
            "the export holds no encrypted value at all",
        );
        assert.ok(!exported.stdout.includes(dbPassword), "pulumi stack export shows the database password in plain text");
    });

    it("destroy leaves the host with no unit, user, files or open port of the app", async function () {
        const started = performance.now();
        await stack.destroy({ onOutput: (o) => process.stdout.write(o.replace(/^/gm, "      ")) });
        figures.destroySeconds = Number(((performance.now() - started) / 1000).toFixed(1));
        assert.deepStrictEqual(leftovers(clean, snapshot(HOST)), { files: [], users: [], units: [], listening: [] });
        await assert.rejects(getJson(`${url}/version`, 2000));
    });
});
