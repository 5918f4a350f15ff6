// Through the real engine (the project's CLI, a throw-away file backend, dynamic resources through
// the pulumi-resource-pulumi-nodejs shim): `pulumi up` fails with the reachability diagnosis when
// the URL does not answer with the release, and an update killed midway recovers on the next run.
// Skips, saying what is missing, where there is no CLI. GIN_DEPLOY_RECORD_FIXTURES=1 also writes
// the interrupted update's lock and checkpoint into test/doctor/fixtures/interrupted/ (the files
// stackRecovery.test.ts reads).
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

import { ReachabilityCheck } from "../../components/reachability/reachabilityCheck";
import { engineFailureText } from "../../scripts/engineFailure";
import { localEnvironment, planRecovery, readStackState, recoverStack } from "../../scripts/stackRecovery";
import { repoRoot } from "../../scripts/localHost";
import { Engine, findEngine, inlineStack, makeEngine, removeEngine } from "../support/engine";

class Dynamic extends pulumi.dynamic.Resource {
    constructor(
        provider: pulumi.dynamic.ResourceProvider,
        name: string,
        props: Record<string, unknown>,
        opts?: pulumi.CustomResourceOptions,
    ) {
        super(provider, name, props, opts);
    }
}

function descendants(pid: number): number[] {
    const res = spawnSync("pgrep", ["-P", String(pid)], { encoding: "utf8" });
    const kids = res.stdout.split("\n").filter(Boolean).map(Number);
    return kids.flatMap((k) => [k, ...descendants(k)]);
}

describe("the release check and stack recovery through the real engine", function () {
    let engine: Engine;
    let server: http.Server;
    let url: string;
    let served = "v1";
    let requests = 0;

    before(async function () {
        const found = findEngine();
        if (!found.cli) {
            console.log(`    skipped: ${found.why}`);
            this.skip();
        }
        engine = makeEngine(found.cli as string, "doctor-engine");
        server = http.createServer((_req, res) => {
            requests++;
            res.setHeader("content-type", "application/json");
            res.end(JSON.stringify({ version: served }));
        });
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
        url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    });

    after(function () {
        server?.close();
        removeEngine(engine);
    });

    it("pulumi up passes on the release's version, re-runs only for a new release, fails with the diagnosis, and says when it is off", async function () {
        let expected = "v1";
        let enabled = true;
        const program = async () => {
            const check = new ReachabilityCheck("web", {
                url,
                expectedVersion: expected,
                attempts: 2,
                timeoutSeconds: 1,
                intervalSeconds: 0,
                appPort: 8080,
                enabled,
                disabledReason: "private subnet",
            });
            return { observed: check.observed, skipped: check.skipped };
        };
        const stack = await inlineStack(engine, "reach", program);
        const first = await stack.up();
        assert.match(String(first.outputs.observed.value), /HTTP 200, version v1/);
        const afterFirst = requests;

        const noop = await stack.up();
        assert.strictEqual(noop.summary.resourceChanges?.update ?? 0, 0);
        assert.strictEqual(requests, afterFirst, "an unchanged release requests nothing");

        expected = "v2"; // a new release, but the host still serves v1
        let stderr = "";
        await assert.rejects(stack.up({ onOutput: () => undefined }), (err: Error) => {
            stderr = engineFailureText(err, true);
            return true;
        });
        assert.match(stderr, /version "v1", expected "v2"/);
        assert.match(stderr, /cause: an older release answers .*\[old-release\]/);
        assert.match(stderr, /fix: /);
        assert.doesNotMatch(stderr, /^code: /m, "printed as the engine's lines, not the API's dump");

        served = "v2";
        const fixed = await stack.up();
        assert.match(String(fixed.outputs.observed.value), /version v2/);

        enabled = false;
        const off = await stack.up();
        assert.strictEqual(off.outputs.skipped.value, true);
        assert.match(String(off.outputs.observed.value), /not checked: private subnet/);
        await stack.destroy();
    });

    it("an update killed midway: locked and pending; recovery clears both, the next up converges without warnings", async function () {
        let sleepMs = 60000;
        const program = async () => {
            const provider: pulumi.dynamic.ResourceProvider = {
                async create(inputs: { sleepMs: number }) {
                    await new Promise((r) => setTimeout(r, inputs.sleepMs));
                    return { id: "slow", outs: inputs };
                },
            };
            const quick = new Dynamic(
                {
                    async create(i: object) {
                        return { id: "quick", outs: i };
                    },
                },
                "quick",
                { n: 1 },
            );
            new Dynamic(provider, "slow", { sleepMs }, { dependsOn: [quick] });
            return {};
        };
        const stack = await inlineStack(engine, "local", program);
        const running = stack.up({ onOutput: () => undefined }).catch((err: Error) => err);
        // Wait until the engine has recorded the slow create as pending, then kill it and its plugins.
        const backendDir = engine.backendUrl.slice("file://".length);
        let state = readStackState(backendDir, "gin-deploy", "local");
        for (let i = 0; i < 240 && !state.pending.some((p) => p.urn.endsWith("::slow")); i++) {
            await new Promise((r) => setTimeout(r, 250));
            state = readStackState(backendDir, "gin-deploy", "local");
        }
        assert.ok(
            state.pending.some((p) => p.urn.endsWith("::slow")),
            "the slow create is pending",
        );
        const victims = descendants(process.pid).filter((pid) => {
            const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
            return cmd.includes("pulumi") && !cmd.includes("mocha");
        });
        assert.ok(victims.length > 0, "found the engine's processes");
        for (const pid of victims) {
            try {
                process.kill(pid, "SIGKILL");
            } catch {
                /* already gone */
            }
        }
        assert.ok((await running) instanceof Error, "the killed update fails");

        state = readStackState(backendDir, "gin-deploy", "local");
        assert.strictEqual(state.locks.length, 1, "the dead update's lock is left");
        assert.deepStrictEqual(
            state.pending.map((p) => p.type),
            ["creating"],
        );
        if (process.env.GIN_DEPLOY_RECORD_FIXTURES === "1") recordFixtures(engine, state.locks[0].file, state.checkpointFile as string);

        // Without recovery the next update is refused, once, with the engine's own line.
        let refused = "";
        await assert.rejects(stack.up({ onOutput: () => undefined }), (err: Error) => {
            refused = engineFailureText(err, true);
            return true;
        });
        assert.match(refused, /the stack is currently locked by 1 lock\(s\)/);

        const steps = planRecovery(state, localEnvironment());
        assert.deepStrictEqual(
            steps.map((s) => s.kind),
            ["cancel", "clear-pending-creates"],
        );
        const log: string[] = [];
        const result = await recoverStack(
            {
                stack: "local",
                repoRoot,
                workDir: path.join(engine.dir, "work", "default"),
                log: (l) => log.push(l),
                run: (args, cwd) => {
                    const res = spawnSync(engine.cli, [...args, "--cwd", cwd], {
                        encoding: "utf8",
                        env: { ...process.env, ...engine.envVars },
                    });
                    return { status: res.status ?? 1, output: `${res.stdout}${res.stderr}` };
                },
            },
            engine.backendUrl,
        );
        assert.ok(result.ok, result.message);
        assert.match(log.join("\n"), /no longer runs on this host/);
        const clean = readStackState(backendDir, "gin-deploy", "local");
        assert.deepStrictEqual([clean.locks.length, clean.pending.length], [0, 0]);

        sleepMs = 10;
        let out = "";
        const next = await stack.up({
            onOutput: (o) => {
                out += o;
            },
        });
        assert.strictEqual(next.summary.result, "succeeded");
        assert.doesNotMatch(out, /pending CREATE/i);
        await stack.destroy();
    });
});

/** Writes the lock and the checkpoint as recorded, with the temp dir's and the checkout's paths replaced. */
function recordFixtures(engine: Engine, lockFile: string, checkpointFile: string): void {
    const out = path.join(repoRoot, "test", "doctor", "fixtures", "interrupted");
    const backendDir = engine.backendUrl.slice("file://".length);
    for (const file of [lockFile, checkpointFile]) {
        const rel = path.relative(backendDir, file);
        const text = fs
            .readFileSync(file, "utf8")
            .split(engine.dir)
            .join("/tmp/doctor-engine")
            .split(repoRoot.replace(/^\//, ""))
            .join("repo");
        fs.mkdirSync(path.dirname(path.join(out, rel)), { recursive: true });
        fs.writeFileSync(path.join(out, rel), text);
    }
}
