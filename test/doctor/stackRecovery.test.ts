// Stack recovery on recorded state files: the lock and checkpoint a real update left when its
// engine was killed midway (test/doctor/fixtures/interrupted/, recorded by engine.test.ts with
// GIN_DEPLOY_RECORD_FIXTURES=1; only the temp dir and checkout paths were replaced). Runs everywhere: no CLI.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";

import { engineFailureText } from "../../scripts/engineFailure";
import { Environment, planRecovery, readStackState, recoverStack } from "../../scripts/stackRecovery";

const recorded = path.join(__dirname, "fixtures", "interrupted");

function copyRecorded(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gin-deploy-recovery-"));
    fs.cpSync(recorded, dir, { recursive: true });
    return dir;
}

describe("stack recovery (recorded state of an interrupted update)", function () {
    const dirs: string[] = [];
    after(() => {
        for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    });
    const fresh = () => {
        const d = copyRecorded();
        dirs.push(d);
        return d;
    };

    const state = readStackState(recorded, "gin-deploy", "local");
    const lock = state.locks[0];
    const lockedAt = Date.parse(lock?.timestamp ?? "");
    const env = (over: Partial<Environment>): Environment => ({
        hostname: lock.hostname,
        now: new Date(lockedAt + 60_000),
        pidAlive: () => false,
        ...over,
    });

    it("reads the recorded lock (pid, user, host, time) and the pending create", () => {
        assert.strictEqual(state.locks.length, 1);
        assert.ok(lock.pid > 0 && lock.hostname !== "?" && Number.isFinite(lockedAt), JSON.stringify(lock));
        assert.deepStrictEqual(
            state.pending.map((p) => [p.type, p.urn.split("::").pop()]),
            [["creating", "slow"]],
        );
    });

    it("a lock of a process that is gone from this host: cancel; then clear the pending creates", () => {
        const steps = planRecovery(state, env({}));
        assert.deepStrictEqual(
            steps.map((s) => s.kind),
            ["cancel", "clear-pending-creates"],
        );
        assert.match(steps[0].reason, new RegExp(`pid ${lock.pid}\\) .*no longer runs on this host`));
        assert.match(steps[1].reason, /1 pending create\(s\) \(slow\)/);
    });

    it("a lock of a live process here, or of another host and young: refused with the exact command", () => {
        const live = planRecovery(state, env({ pidAlive: () => true }));
        assert.strictEqual(live[0].kind, "refuse");
        assert.match(live[0].reason, /still runs on this host/);
        assert.strictEqual((live[0] as { command: string }).command, "npm run pulumi -- cancel --stack local");
        const other = planRecovery(state, env({ hostname: "ci-runner-7" }));
        assert.strictEqual(other[0].kind, "refuse");
        assert.match(other[0].reason, /another host's, 0\.0 h old/);
    });

    it("a lock older than any update takes is cleared whatever its host", () => {
        const old = planRecovery(state, env({ hostname: "ci-runner-7", pidAlive: () => true, now: new Date(lockedAt + 7 * 3.6e6) }));
        assert.strictEqual(old[0].kind, "cancel");
        assert.match(old[0].reason, /7\.0 h ago: longer than any update takes/);
    });

    it("pending updates or deletes are refused with the refresh command; a clean stack needs nothing", () => {
        const dir = fresh();
        const cp = readStackState(dir, "gin-deploy", "local").checkpointFile as string;
        const doc = JSON.parse(fs.readFileSync(cp, "utf8"));
        doc.checkpoint.latest.pending_operations[0].type = "updating";
        fs.writeFileSync(cp, JSON.stringify(doc));
        for (const f of readStackState(dir, "gin-deploy", "local").locks) fs.rmSync(f.file);
        const steps = planRecovery(readStackState(dir, "gin-deploy", "local"), env({}));
        assert.deepStrictEqual(
            steps.map((s) => s.kind),
            ["refuse"],
        );
        assert.strictEqual((steps[0] as { command: string }).command, "npm run pulumi -- refresh --stack local");

        delete doc.checkpoint.latest.pending_operations;
        fs.writeFileSync(cp, JSON.stringify(doc));
        assert.deepStrictEqual(planRecovery(readStackState(dir, "gin-deploy", "local"), env({})), []);
    });

    it("reads a gzipped checkpoint too", () => {
        const dir = fresh();
        const cp = readStackState(dir, "gin-deploy", "local").checkpointFile as string;
        fs.writeFileSync(`${cp}.gz`, zlib.gzipSync(fs.readFileSync(cp)));
        fs.rmSync(cp);
        assert.deepStrictEqual(
            readStackState(dir, "gin-deploy", "local").pending.map((p) => p.type),
            ["creating"],
        );
    });

    it("recoverStack runs pulumi cancel, then refresh --clear-pending-creates, and reports a failure with the CLI's output", async () => {
        const dir = fresh();
        const calls: string[][] = [];
        const ok = await recoverStack(
            {
                stack: "local",
                repoRoot: dir,
                workDir: "/w",
                log: () => undefined,
                env: env({}),
                run: (args, cwd) => {
                    calls.push([...args, cwd]);
                    return { status: 0, output: "" };
                },
            },
            `file://${dir}`,
        );
        assert.ok(ok.ok, ok.message);
        assert.deepStrictEqual(
            calls.map((c) => c.slice(0, 2)),
            [
                ["cancel", "--yes"],
                ["refresh", "--clear-pending-creates"],
            ],
        );
        assert.ok(calls.every((c) => c.includes("--stack") && c[c.length - 1] === "/w"));

        const failed = await recoverStack(
            {
                stack: "local",
                repoRoot: dir,
                log: () => undefined,
                env: env({}),
                run: () => ({ status: 255, output: "error: no stack named 'local' found" }),
            },
            `file://${dir}`,
        );
        assert.ok(!failed.ok);
        assert.match(failed.message, /pulumi cancel .* failed \(exit 255\):\nerror: no stack named/);

        const refused = await recoverStack(
            {
                stack: "local",
                repoRoot: dir,
                log: () => undefined,
                env: env({ pidAlive: () => true }),
                run: () => {
                    throw new Error("must not run anything");
                },
            },
            `file://${dir}`,
        );
        assert.ok(!refused.ok);
        assert.match(refused.message, /npm run pulumi -- cancel --stack local/);
    });

    it("only file backends: another backend is refused with the command", async () => {
        await assert.rejects(
            recoverStack({ stack: "local", repoRoot: "/", log: () => undefined }, "https://api.pulumi.com"),
            /file backends only.*pulumi cancel --stack/,
        );
    });

    it("an Automation API failure is printed once, as the engine's lines", () => {
        const err = Object.assign(new Error("code: -2\n stdout: Updating (local)\n stderr: error: the stack is currently locked"), {
            commandResult: { code: -2, stdout: "Updating (local)\n", stderr: "error: the stack is currently locked by 1 lock(s)\n" },
        });
        assert.strictEqual(engineFailureText(err, true), "error: the stack is currently locked by 1 lock(s)");
        assert.strictEqual(engineFailureText(err, false), "Updating (local)\nerror: the stack is currently locked by 1 lock(s)");
        assert.strictEqual(engineFailureText(new Error("plain"), true), "plain");
    });
});
