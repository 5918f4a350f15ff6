// The product's own commands on a real host, without the provider.
//
// The `local` stack's program is evaluated under Pulumi mocks; every command:remote:* resource it
// registers is carried out over real SSH against a local host as the command provider would
// (create, then a new release, then destroy). What this proves: the commands, scripts, files,
// environment and stdin the product sends work on a real systemd host, in the engine's order.
// What it does not: the engine itself and the provider binary (test/e2e does, where they exist).
import * as assert from "assert";

import { HostStatus } from "../../scripts/localHost";
import { generatePassword, LocalStackSettings, settingsForHost } from "../../scripts/localStackConfig";
import { commandHandlers } from "./commandHandlers";
import { reachabilityHandlers } from "./reachabilityHandler";
import { ContractExecutor, Step } from "./executor";
import { CONTRACT_HOST as HOST, contractHost } from "./hostFixture";
import { filesHolding, getJson, HostSnapshot, injectStartFailure, leftovers, snapshot, waitForVersion } from "./hostInspection";
import { evaluateProgram, RecordedResource } from "../support/programRecorder";

const RELEASE_A = "contract-a";
const RELEASE_B = "contract-b";
const RELEASE_FAILING = "contract-c";
// A database host, so that the password travels (the service does not connect at start; nothing listens there).
const DB_HOST = "127.0.0.1";

async function evaluateLocalStack(settings: LocalStackSettings): Promise<{ resources: RecordedResource[]; url: string; version: string }> {
    // Loaded here, not at the top: the program reads its config when it runs.
    const { loadConfig } = await import("../../config");
    const { deployStack } = await import("../../stack");
    const { resources, result } = await evaluateProgram(() => deployStack(loadConfig()), {
        project: "gin-deploy",
        stack: "local",
        config: settings.config,
        secretKeys: settings.secretKeys,
    });
    const out = result as unknown as { url: string; version: string };
    return { resources, url: out.url, version: out.version };
}

function describeSteps(steps: Step[]): string {
    return steps.map((s) => `${s.op} ${s.type} ${s.name}${s.changed.length ? ` (${s.changed.join(", ")})` : ""}`).join("\n      ");
}

/** Input paths of `inputs` whose plain text includes `needle`. */
function pathsHolding(value: unknown, needle: string, at = ""): string[] {
    if (typeof value === "string") return value.includes(needle) ? [at] : [];
    if (Array.isArray(value)) return value.flatMap((v, i) => pathsHolding(v, needle, `${at}[${i}]`));
    if (typeof value === "object" && value !== null) {
        return Object.entries(value).flatMap(([k, v]) => pathsHolding(v, needle, at ? `${at}.${k}` : k));
    }
    return [];
}

const remote = (r: RecordedResource) => r.type.startsWith("command:remote:");

describe("contract: the product's own commands on a real host, without the provider (local stack, systemd mode)", function () {
    this.timeout(15 * 60 * 1000);

    let host: HostStatus;
    let clean: HostSnapshot;
    let executor: ContractExecutor;
    const dbPassword = generatePassword();
    let first: Awaited<ReturnType<typeof evaluateLocalStack>>;

    before(function () {
        console.log(
            "    The local stack's program is evaluated under Pulumi mocks; its remote commands and copies are\n" +
                "    carried out over SSH on a real host (" +
                HOST.name +
                ") as the command provider would. The Pulumi\n" +
                "    engine and the provider binary are not involved: test:e2e covers them where they are available.",
        );
        host = contractHost();
        clean = snapshot(HOST);
        executor = new ContractExecutor({ projectDir: process.cwd(), log: (line) => console.log(`      ${line}`) });
        for (const [type, handler] of Object.entries({ ...commandHandlers, ...reachabilityHandlers })) executor.handle(type, handler);
    });

    it("registers remote work that carries secrets only in secret inputs", async function () {
        first = await evaluateLocalStack(settingsForHost(host, { dbPassword }, { release: RELEASE_A, dbHost: DB_HOST }));
        const remotes = first.resources.filter(remote);
        assert.ok(
            remotes.some((r) => r.type === "command:remote:CopyToRemote"),
            "the program copies nothing to the host",
        );
        assert.ok(
            remotes.some((r) => r.type === "command:remote:Command"),
            "the program runs no command on the host",
        );
        for (const r of first.resources) {
            for (const p of pathsHolding(r.inputs, dbPassword)) {
                assert.ok(
                    r.secretPaths.some((s) => p === s || p.startsWith(`${s}.`) || p.startsWith(`${s}[`)),
                    `${r.type} ${r.name} carries the database password in input "${p}", which is not marked secret`,
                );
                assert.ok(
                    !/^(create|update|delete|environment|triggers)\b/.test(p),
                    `${r.type} ${r.name} puts the database password in "${p}"`,
                );
            }
        }
    });

    it("create: carries out every copy and command in dependency order, and the service answers with the release", async function () {
        const steps = await executor.apply(first.resources);
        console.log(`      steps:\n      ${describeSteps(steps)}`);
        assert.strictEqual(first.version, RELEASE_A, "the stack's exported version is not the configured release");
        const body = await waitForVersion(first.url, RELEASE_A);
        assert.strictEqual(body.version, RELEASE_A);
        // The snapshot sees the app (so that "nothing left" below can fail).
        const during = leftovers(clean, snapshot(HOST));
        assert.ok(
            during.units.some((u) => u.startsWith("gin-app")),
            `no gin-app unit seen: ${during.units.join(", ")}`,
        );
        assert.ok(during.files.length > 0 && during.listening.length > 0, "the app's files or port are not seen");
    });

    it("the database password is on the host only in files of mode 0600, and was never printed", function () {
        const holders = filesHolding(HOST, dbPassword);
        assert.ok(holders.length > 0, "no file on the host holds the database password: the app did not get it");
        for (const f of holders) assert.strictEqual(f.mode, "600", `${f.path} holds the database password with mode ${f.mode}`);
        assert.ok(!executor.printed.some((l) => l.includes(dbPassword)), "a command printed the database password");
    });

    it("no change: the same release again carries out nothing", async function () {
        const again = await evaluateLocalStack(settingsForHost(host, { dbPassword }, { release: RELEASE_A, dbHost: DB_HOST }));
        const steps = (await executor.apply(again.resources)).filter((s) => s.type.startsWith("command:"));
        assert.deepStrictEqual(
            steps.map((s) => `${s.op} ${s.name}`),
            [],
            `an unchanged release changed the host:\n${describeSteps(steps)}`,
        );
    });

    it("change: a new release carries out only what changed, and the service answers with the new version", async function () {
        const second = await evaluateLocalStack(settingsForHost(host, { dbPassword }, { release: RELEASE_B, dbHost: DB_HOST }));
        const steps = await executor.apply(second.resources);
        console.log(`      steps:\n      ${describeSteps(steps)}`);
        assert.ok(
            steps.some((s) => s.op === "replace" || s.op === "update"),
            "a new release changed nothing",
        );
        await waitForVersion(second.url, RELEASE_B);
    });

    it("a release that cannot start fails its command with the journal lines, and the old version keeps answering", async function () {
        const removeFault = injectStartFailure(HOST, "gin-app", RELEASE_FAILING);
        try {
            const failing = await evaluateLocalStack(settingsForHost(host, { dbPassword }, { release: RELEASE_FAILING, dbHost: DB_HOST }));
            await assert.rejects(executor.apply(failing.resources), (err: Error) => {
                assert.match(err.message, /gin-app-release failed/);
                assert.match(err.message, /journal/i, "the failure does not carry the service's journal");
                assert.match(err.message, /test fault: release contract-c refuses to start/, "the journal lines are not the service's");
                assert.ok(!err.message.includes(dbPassword), "the failure shows the database password");
                return true;
            });
            assert.strictEqual(
                (await getJson(`${failing.url}/version`)).version,
                RELEASE_B,
                "the old version does not answer after the failed release",
            );
        } finally {
            removeFault();
        }
    });

    it("delete: carries out the deletes in reverse order, and nothing of the app is left on the host", async function () {
        const steps = await executor.destroy();
        assert.ok(steps.length > 0);
        const left = leftovers(clean, snapshot(HOST));
        assert.deepStrictEqual(left, { files: [], users: [], units: [], listening: [] }, "the app left things behind on the host");
    });
});
