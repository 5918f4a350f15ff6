// `npm run bench:preview` (scripts/bench-preview.sh): how long a reviewer waits for a no-op
// `pulumi preview` of the local stack, against the floor: a one-resource TypeScript program
// (scripts/oneResourceProgram.ts). Both go through the same CLI, language host and command provider,
// each after one `up` in a file backend of the bench's own (a temp folder), in alternating rounds
// (ABBA, after one warm-up round that is not counted). The local stack is previewed the way the
// project runs it: `scripts/pulumi.sh preview` with the repository as the program directory.
//
// Then the dev and prod stacks, as far as this machine allows: their providers (aws, docker) are
// not here, so each preview is timed from the start to the engine's refusal to load the aws plugin
// (automatic plugin download turned off, so nothing leaves the machine). That covers the CLI, the
// language host, the program's start (TypeScript, requires, config, the Go build of dev) up to its
// first AWS resource, and not the provider's Check/Diff or AWS calls: a lower bound, said so in the
// report.
//
// Figures go to reports/latest/bench-preview.json, beside the committed reports/bench-preview.json
// that README.md quotes (`npm run figures:sync -- --from-latest` publishes them). Where the engine,
// the language host or the command provider is missing it says what it cannot run and exits 0
// without writing a report.
import { spawnSync, SpawnSyncReturns } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";

import { HostSettings, hostStatus, repoRoot, startHost, stopHost } from "./localHost";
import { generatePassword, settingsForHost, SECRET_KEYS } from "./localStackConfig";
import { availableCli, engineEnv, hostArchitecture } from "./localWorkspace";
import { oneResourceProgram, PROGRAM_NAME } from "./oneResourceProgram";
import { commandPlugin, findPlugin, missingPluginMessage } from "./providerPlugins";

const GOAL_RATIO = 2;
const REPORT = path.join(repoRoot, "reports", "latest", "bench-preview.json");
const BENCH_HOST: HostSettings = {
    name: process.env.GIN_DEPLOY_BENCH_HOST_NAME ?? "gd-bench",
    sshPort: Number(process.env.GIN_DEPLOY_BENCH_HOST_SSH_PORT ?? 2239),
    appPort: Number(process.env.GIN_DEPLOY_BENCH_HOST_APP_PORT ?? 18139),
};
/** Settings that change what a preview does; the report records the ones that are set. */
const RECORDED_ENV = [
    "PULUMI_NODEJS_TRANSPILE_ONLY",
    "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION",
    "PULUMI_IGNORE_AMBIENT_PLUGINS",
    "PULUMI_HOME",
    "NODE_OPTIONS",
];

function usage(): never {
    console.error("usage: bash scripts/bench-preview.sh [--rounds N] [--local-only]   (N from 1 to 50; default 5)");
    process.exit(2);
}

function parseArgs(argv: string[]): { rounds: number; localOnly: boolean } {
    let rounds = 5;
    let localOnly = false;
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--local-only") {
            localOnly = true;
        } else if (argv[i] === "--rounds") {
            const v = argv[++i];
            if (v === undefined || !/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 50) {
                console.error(`--rounds ${v ?? "(missing)"}: give a whole number from 1 to 50`);
                usage();
            }
            rounds = Number(v);
        } else {
            console.error(`unknown argument ${JSON.stringify(argv[i])}`);
            usage();
        }
    }
    return { rounds, localOnly };
}

/** pulumi-language-nodejs where the CLI looks for it: on PATH, or next to the pulumi binary. */
function findLanguageHost(cli: string | undefined): string | undefined {
    const dirs = (process.env.PATH ?? "").split(path.delimiter).filter(Boolean);
    if (cli) dirs.push(path.dirname(fs.realpathSync(cli)));
    for (const dir of dirs) {
        const candidate = path.join(dir, "pulumi-language-nodejs");
        try {
            fs.accessSync(candidate, fs.constants.X_OK);
            return candidate;
        } catch {
            // not here
        }
    }
    return undefined;
}

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

interface Engine {
    pulumi: string;
    env: NodeJS.ProcessEnv;
}

/** The environment of every engine run: the bench's backend and passphrase, nothing of the bench's own ts-node. */
function engineProcessEnv(pulumi: string, backendUrl: string, passphraseFile: string): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env };
    // scripts/bench-preview.sh runs this file with TS_NODE_TRANSPILE_ONLY; the programs must not inherit it.
    for (const k of Object.keys(env)) if (k.startsWith("TS_NODE_")) delete env[k];
    delete env.PULUMI_CONFIG_PASSPHRASE;
    return {
        ...env,
        GIN_DEPLOY_PULUMI: pulumi,
        PULUMI_BACKEND_URL: backendUrl,
        PULUMI_CONFIG_PASSPHRASE_FILE: passphraseFile,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
    };
}

function run(
    engine: Engine,
    args: string[],
    opts: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv; viaProjectCli?: boolean } = {},
): SpawnSyncReturns<string> {
    // The local stack goes through the project's wrapper (what `npm run pulumi --` runs).
    const [file, argv] = opts.viaProjectCli ? ["bash", [path.join(repoRoot, "scripts", "pulumi.sh"), ...args]] : [engine.pulumi, args];
    return spawnSync(file, argv, {
        cwd: opts.cwd ?? repoRoot,
        env: { ...engine.env, ...(opts.env ?? {}) },
        input: opts.input ?? "",
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
    });
}

function check(res: SpawnSyncReturns<string>, what: string): SpawnSyncReturns<string> {
    if (res.status !== 0) {
        const tail = `${res.stdout}\n${res.stderr}`.trim().split("\n").slice(-40).join("\n");
        throw new Error(`${what} failed (exit ${res.status ?? res.signal}):\n${tail}`);
    }
    return res;
}

/** A workspace for one stack: a copy of Pulumi.yaml whose main points back at the repository. */
function projectWorkspace(dir: string, overrides: Record<string, unknown> = {}): void {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const project = yaml.load(fs.readFileSync(path.join(repoRoot, "Pulumi.yaml"), "utf8")) as Record<string, unknown>;
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), yaml.dump({ ...project, main: path.relative(dir, repoRoot), ...overrides }));
}

/** Creates the stack, sets plain values with set-all and the secrets from stdin (never on a command line). */
function initStack(engine: Engine, cwd: string, stack: string, plain: Record<string, string>, secrets: Record<string, string>): void {
    check(run(engine, ["stack", "init", stack, "--non-interactive", "--cwd", cwd]), `pulumi stack init ${stack}`);
    const pairs = Object.entries(plain).flatMap(([k, v]) => ["--plaintext", `${k}=${v}`]);
    if (pairs.length)
        check(run(engine, ["config", "set-all", "--stack", stack, "--cwd", cwd, ...pairs]), `pulumi config set-all (${stack})`);
    for (const [k, v] of Object.entries(secrets)) {
        check(
            run(engine, ["config", "set", "--secret", "--raw", "--non-interactive", "--stack", stack, "--cwd", cwd, k], { input: v }),
            `pulumi config set --secret ${k}`,
        );
    }
}

interface Timed {
    seconds: number;
    res: SpawnSyncReturns<string>;
}

function timed(fn: () => SpawnSyncReturns<string>): Timed {
    const t0 = process.hrtime.bigint();
    const res = fn();
    return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, res };
}

function pulumiVersion(engine: Engine): string {
    return check(run(engine, ["version"]), "pulumi version").stdout.trim();
}

function machine(): Record<string, unknown> {
    const cpus = os.cpus();
    return {
        cpus: cpus.length,
        cpuModel: cpus[0]?.model ?? "unknown",
        memoryGiB: round2(os.totalmem() / 2 ** 30),
        os: `${os.type()} ${os.release()} ${os.arch()}`,
        node: process.version,
    };
}

/** The commit measured, and the files that differed from it (the figures are for that tree). */
function sourceTree(): { commit: string; changedFiles: string[] } {
    const git = (args: string[]) => spawnSync("git", args, { cwd: repoRoot, encoding: "utf8" }).stdout ?? "";
    const changed = git(["status", "--porcelain", "--untracked-files=no"])
        .split("\n")
        .filter(Boolean)
        .map((l) => l.slice(3));
    return { commit: git(["rev-parse", "HEAD"]).trim(), changedFiles: changed };
}

/** How ts-node runs the program here: the tsconfig's "ts-node" section and whether @swc/core is installed. */
function typescriptRunner(): { tsconfigTsNode: unknown; swcCore: string | null } {
    let tsconfigTsNode: unknown = null;
    try {
        // tsconfig.json may hold comments: read it the way TypeScript does.
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when the bench runs
        const ts = require("typescript") as typeof import("typescript");
        const file = path.join(repoRoot, "tsconfig.json");
        tsconfigTsNode = (ts.parseConfigFileTextToJson(file, fs.readFileSync(file, "utf8")).config ?? {})["ts-node"] ?? null;
    } catch {
        // no tsconfig: ts-node's defaults
    }
    let swcCore: string | null = null;
    try {
        swcCore = (
            JSON.parse(fs.readFileSync(require.resolve("@swc/core/package.json", { paths: [repoRoot] }), "utf8")) as { version: string }
        ).version;
    } catch {
        // not installed
    }
    return { tsconfigTsNode, swcCore };
}

/** Dev or prod up to the engine's refusal of the aws plugin; the per-user values are placeholders. */
function timeCloudStack(engine: Engine, tmp: string, stack: "dev" | "prod"): Record<string, unknown> {
    const dir = path.join(tmp, `ws-${stack}`);
    projectWorkspace(dir);
    const committed = yaml.load(fs.readFileSync(path.join(repoRoot, `Pulumi.${stack}.yaml`), "utf8")) as {
        config: Record<string, unknown>;
    };
    const plain: Record<string, string> = {};
    for (const [k, v] of Object.entries(committed.config)) if (typeof v !== "object") plain[k] = String(v);
    // Placeholders for what each operator sets (README "Deploying the dev stack"): a documentation
    // address (RFC 5737) and a fresh key pair; nothing is ever sent anywhere.
    const { publicKey, privateKey } = crypto.generateKeyPairSync("ed25519");
    const sshPublicKey = `ssh-ed25519 ${openSshEd25519Blob(publicKey)} bench`;
    plain["gin-deploy:sshPublicKey"] = sshPublicKey;
    if (stack === "prod") plain["gin-deploy:dbHost"] = "db.example.invalid";
    initStack(engine, dir, stack, plain, {
        "gin-deploy:sshPrivateKey": privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
        "gin-deploy:dbPassword": generatePassword(),
    });
    check(
        run(engine, ["config", "set", "--path", "--stack", stack, "--cwd", dir, "gin-deploy:sshCidrs[0]", "198.51.100.7/32"]),
        "pulumi config set sshCidrs",
    );
    const t = timed(() =>
        run(engine, ["preview", "--non-interactive", "--stack", stack, "--cwd", dir], {
            viaProjectCli: true,
            env: { PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true" },
        }),
    );
    const out = `${t.res.stdout}\n${t.res.stderr}`;
    const refusedAws = /resource-aws|plugin aws|aws plugin|"aws"/.test(out) && t.res.status !== 0;
    return {
        seconds: round2(t.seconds),
        exit: t.res.status,
        stoppedAtAwsPlugin: refusedAws,
        lastLines: out
            .trim()
            .split("\n")
            .filter((l) => /error|plugin/i.test(l))
            .slice(-3),
    };
}

/** The base64 blob of an OpenSSH ed25519 public key ("ssh-ed25519" + the 32-byte key). */
function openSshEd25519Blob(key: crypto.KeyObject): string {
    const raw = key.export({ format: "der", type: "spki" }).subarray(-32);
    const part = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
    return Buffer.concat([part(Buffer.from("ssh-ed25519")), part(raw)]).toString("base64");
}

async function main(): Promise<number> {
    const { rounds, localOnly } = parseArgs(process.argv.slice(2));
    const loadAtStart = os.loadavg().map(round2);

    // What a run needs, cheapest checks first; the CLI is built only when the rest is here.
    const missing: string[] = [];
    const plugin = commandPlugin();
    const pluginPath = findPlugin(plugin);
    if (!pluginPath) missing.push(missingPluginMessage(plugin));
    const langHost = findLanguageHost(availableCli());
    if (!langHost) {
        missing.push(
            "The Node.js language host (pulumi-language-nodejs) is neither on PATH nor next to the pulumi CLI. " +
                "It ships with the official CLI (https://www.pulumi.com/docs/install/); no registry here serves it.",
        );
    }
    if (missing.length) {
        console.log("bench:preview cannot run here, so it measured nothing and wrote no report:");
        for (const m of missing) console.log(`\n${m}`);
        console.log(
            "\nWith them it times a no-op `pulumi preview` of the local stack (after one `up` to a local host of its own)" +
                " against a one-resource TypeScript program, in alternating rounds, and dev/prod up to the aws plugin.",
        );
        return 0;
    }

    const cli = engineEnv().pulumi; // builds the pinned CLI when there is none (minutes, once per pin)
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "gin-deploy-bench-"));
    const passphraseFile = path.join(tmp, "passphrase");
    fs.writeFileSync(passphraseFile, crypto.randomBytes(32).toString("base64"), { mode: 0o600 });
    const engine: Engine = { pulumi: cli, env: engineProcessEnv(cli, `file://${path.join(tmp, "state")}`, passphraseFile) };
    fs.mkdirSync(path.join(tmp, "state"));

    const wasRunning = hostStatus(BENCH_HOST).running;
    let startedHost = false;
    let floorStackFile: string | undefined;
    try {
        const version = pulumiVersion(engine);
        const langHostVersion = spawnSync(langHost!, ["-version"], { encoding: "utf8" }).stdout.trim() || "unknown";
        console.log(`pulumi ${version}; language host ${langHostVersion} (${langHost}); command provider ${pluginPath}`);

        // The floor: the one-resource program, in its own directory, stack "bench".
        const floor = oneResourceProgram();
        const floorArgs = ["--stack", "bench", "--cwd", floor.dir];
        // The stack file holds the salt of an earlier run's passphrase; each run starts its own.
        floorStackFile = path.join(floor.dir, "Pulumi.bench.yaml");
        fs.rmSync(floorStackFile, { force: true });
        check(run(engine, ["stack", "init", "bench", "--non-interactive", "--cwd", floor.dir]), "stack init (one-resource)");
        check(run(engine, ["up", "--yes", "--skip-preview", "--non-interactive", ...floorArgs]), "up (one-resource)");

        // The local stack: its own host, its own workspace (Pulumi.yaml copy, main = this repository).
        const host = startHost(BENCH_HOST);
        startedHost = !wasRunning;
        const localDir = path.join(tmp, "ws-local");
        projectWorkspace(localDir);
        const settings = settingsForHost(host, { dbPassword: generatePassword() }, { hostArch: hostArchitecture(host) });
        const plain = Object.fromEntries(Object.entries(settings.config).filter(([k]) => !SECRET_KEYS.includes(k)));
        const secrets = Object.fromEntries(Object.entries(settings.config).filter(([k]) => SECRET_KEYS.includes(k)));
        initStack(engine, localDir, "local", plain, secrets);
        const localArgs = ["--stack", "local", "--cwd", localDir];
        console.log("up of the local stack (state for the no-op previews) ...");
        check(
            run(engine, ["up", "--yes", "--skip-preview", "--non-interactive", ...localArgs], { viaProjectCli: true }),
            "up (local stack)",
        );

        const preview = (which: "local" | "floor"): number => {
            const args = ["preview", "--non-interactive", "--expect-no-changes", ...(which === "local" ? localArgs : floorArgs)];
            const t = timed(() => run(engine, args, { viaProjectCli: which === "local" }));
            check(t.res, `no-op preview (${which === "local" ? "local stack" : "one-resource program"})`);
            return t.seconds;
        };

        console.log("warm-up round (not counted) ...");
        preview("local");
        preview("floor");
        const local: number[] = [];
        const floorTimes: number[] = [];
        for (let r = 0; r < rounds; r++) {
            // ABBA: neither program always runs first.
            const order: ("local" | "floor")[] = r % 2 === 0 ? ["local", "floor"] : ["floor", "local"];
            for (const which of order) {
                const s = preview(which);
                (which === "local" ? local : floorTimes).push(s);
                console.log(`round ${r + 1}/${rounds}: ${which === "local" ? "local stack  " : "one-resource "} ${s.toFixed(2)} s`);
            }
        }
        const localMedian = median(local);
        const floorMedian = median(floorTimes);
        const ratio = localMedian / floorMedian;

        const cloud: Record<string, Record<string, unknown>> = {};
        if (!localOnly) {
            console.log("dev and prod, up to the engine's request for the aws plugin ...");
            for (const stack of ["dev", "prod"] as const) {
                const r = timeCloudStack(engine, tmp, stack);
                cloud[stack] = { ...r, ratioToOneResource: round2((r.seconds as number) / floorMedian) };
            }
        }

        const recordedEnv = Object.fromEntries(RECORDED_ENV.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]]));
        const report = {
            date: new Date().toISOString(),
            machine: { ...machine(), loadAverageAtStart: loadAtStart, loadAverageAtEnd: os.loadavg().map(round2) },
            command: "npm run bench:preview",
            source: sourceTree(),
            typescriptRunner: typescriptRunner(),
            engine: { pulumi: version, languageHost: langHostVersion, commandProvider: plugin.version, packages: floor.versions },
            environment: recordedEnv,
            what:
                "wall time of `pulumi preview --non-interactive --expect-no-changes` after one `up`: the local stack " +
                "through scripts/pulumi.sh (program directory: this repository), the one-resource program with the same CLI",
            rounds,
            localStack: { seconds: local.map(round2), medianSeconds: round2(localMedian) },
            oneResource: { program: PROGRAM_NAME, seconds: floorTimes.map(round2), medianSeconds: round2(floorMedian) },
            ratio: round2(ratio),
            goalRatio: GOAL_RATIO,
            goalMet: ratio <= GOAL_RATIO,
            devProd: localOnly
                ? "not run (--local-only)"
                : {
                      what:
                          "wall time of `pulumi preview` of dev and prod (empty stacks, placeholder per-user config) until the engine " +
                          "refuses the missing aws plugin (automatic download off): a lower bound, without the providers' Check/Diff and AWS calls",
                      ...cloud,
                  },
        };
        fs.mkdirSync(path.dirname(REPORT), { recursive: true });
        fs.writeFileSync(REPORT, `${JSON.stringify(report, null, 2)}\n`);

        console.log(
            `\nno-op preview, median of ${rounds}: local stack ${localMedian.toFixed(2)} s, one-resource program ${floorMedian.toFixed(2)} s`,
        );
        console.log(`ratio ${ratio.toFixed(2)} (goal <= ${GOAL_RATIO}: ${ratio <= GOAL_RATIO ? "met" : "NOT met"})`);
        for (const [name, r] of Object.entries(cloud)) {
            console.log(
                `${name}: ${(r.seconds as number).toFixed(2)} s to the aws plugin (${r.stoppedAtAwsPlugin ? "stopped there" : "did NOT stop at the aws plugin, see the report"}), ` +
                    `${((r.seconds as number) / floorMedian).toFixed(2)}x the one-resource preview (a lower bound)`,
            );
        }
        console.log(
            `report: ${path.relative(repoRoot, REPORT)}; to quote it in README.md: npm run figures:sync -- --from-latest, then commit reports/bench-preview.json and README.md`,
        );
        return 0;
    } finally {
        if (startedHost) stopHost(BENCH_HOST);
        if (floorStackFile) fs.rmSync(floorStackFile, { force: true });
        fs.rmSync(tmp, { recursive: true, force: true });
    }
}

main().then(
    (code) => process.exit(code),
    (err) => {
        console.error(`bench:preview failed: ${(err as Error).message ?? err}`);
        process.exit(1);
    },
);
