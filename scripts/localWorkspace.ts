// The real Pulumi engine for the stacks that deploy to a local host (deploy:local and test:e2e):
// the project's CLI (scripts/pulumi-env.sh), the Automation API with an inline program that runs
// the same stackProgram() as index.ts (so no Node.js language host is needed), and a
// workspace directory of its own, so the per-checkout secrets and encryption salt never land in
// the committed Pulumi.local.yaml.
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { LocalWorkspace, ProjectSettings, PulumiCommand, Stack } from "@pulumi/pulumi/automation";

import { HostStatus, onHost, repoRoot } from "./localHost";
import { LocalStackSettings } from "./localStackConfig";

export interface EngineEnv {
    /** The pulumi binary. */
    pulumi: string;
    /** Its installation root (<root>/bin/pulumi), what PulumiCommand.get expects. */
    root: string;
    backendUrl: string;
    passphraseFile: string | null;
}

/**
 * The project's CLI, backend and passphrase. Builds the pinned CLI first when there is no
 * `pulumi` on PATH (minutes, once per pin; progress on stderr).
 */
export function engineEnv(overrides: NodeJS.ProcessEnv = {}): EngineEnv {
    const out = execFileSync("bash", [path.join(repoRoot, "scripts", "pulumi-env.sh"), "--json"], {
        env: { ...process.env, ...overrides },
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
    });
    return JSON.parse(out) as EngineEnv;
}

/** A pulumi binary that is already there (PATH or the cached build), without building one. */
export function availableCli(): string | undefined {
    const res = spawnSync(
        "bash",
        ["-c", 'command -v pulumi || { p=$(bash tools/pulumi-cli/build.sh --path) && [ -x "$p" ] && echo "$p"; }'],
        {
            cwd: repoRoot,
            encoding: "utf8",
        },
    );
    const found = res.stdout.trim();
    return res.status === 0 && found ? found : undefined;
}

function engineVars(env: EngineEnv): Record<string, string> {
    const vars: Record<string, string> = {
        PULUMI_BACKEND_URL: env.backendUrl,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
    };
    if (env.passphraseFile) vars.PULUMI_CONFIG_PASSPHRASE_FILE = env.passphraseFile;
    return vars;
}

/** The project settings of Pulumi.yaml, pointed back at the repository from another directory. */
function projectSettingsFor(workDir: string): ProjectSettings {
    const project = yaml.load(fs.readFileSync(path.join(repoRoot, "Pulumi.yaml"), "utf8")) as ProjectSettings;
    // `pulumi -C <workDir> preview` with the language host then runs the same index.ts.
    return { ...project, main: path.relative(workDir, repoRoot) || "." };
}

/** The stack's CPU architecture as the local host reports it (the container runs the machine's). */
export function hostArchitecture(host: HostStatus): "amd64" | "arm64" {
    const machine = onHost({ name: host.name, sshPort: host.sshPort, appPort: host.appPort }, "uname -m").stdout.trim();
    if (machine === "x86_64") return "amd64";
    if (machine === "aarch64" || machine === "arm64") return "arm64";
    throw new Error(`the local host reports CPU ${JSON.stringify(machine)}; gin-deploy builds for amd64 or arm64 only`);
}

export interface OpenStackOptions {
    stackName: string;
    /** Where Pulumi.yaml (a copy) and Pulumi.<stack>.yaml (with this checkout's secrets) live. */
    workDir: string;
    env: EngineEnv;
    /** Every setting; the keys in `secretKeys` are set as secrets, once, from stdin. */
    settings: LocalStackSettings;
    /** Secret keys whose value is kept when already set (e.g. a generated password). */
    keepSecrets?: string[];
}

/** Sets one config value as a secret, passing it on stdin (never on a command line). */
export function setSecretFromStdin(opts: OpenStackOptions, key: string, value: string): void {
    const res = spawnSync(
        opts.env.pulumi,
        ["config", "set", "--secret", "--raw", "--non-interactive", "--stack", opts.stackName, "--cwd", opts.workDir, key],
        { input: value, env: { ...process.env, ...engineVars(opts.env) }, encoding: "utf8" },
    );
    if (res.status !== 0) {
        throw new Error(`pulumi config set --secret ${key} failed (exit ${res.status}): ${res.stderr.trim()}`);
    }
}

/**
 * Creates or selects the stack in its workspace, with an inline program that runs
 * stackProgram() (stack/program.ts, as index.ts), and brings its config up to `settings`.
 */
export async function openStack(opts: OpenStackOptions): Promise<Stack> {
    fs.mkdirSync(opts.workDir, { recursive: true, mode: 0o700 });
    const pulumiCommand = await PulumiCommand.get({ root: opts.env.root });
    // The same program as index.ts, inline: no Node.js language host is needed.
    const program = async () => (await import("../stack/program")).stackProgram();
    const stack = await LocalWorkspace.createOrSelectStack(
        { stackName: opts.stackName, projectName: "gin-deploy", program },
        { workDir: opts.workDir, pulumiCommand, envVars: engineVars(opts.env), projectSettings: projectSettingsFor(opts.workDir) },
    );

    // Plain settings: written into the workspace's stack file every run (the committed file wins).
    const ws = stack.workspace;
    const current = await ws.stackSettings(opts.stackName).catch(() => ({}) as Awaited<ReturnType<typeof ws.stackSettings>>);
    const config: Record<string, unknown> = { ...(current.config ?? {}) };
    for (const [key, value] of Object.entries(opts.settings.config)) {
        if (!opts.settings.secretKeys.includes(key)) config[key] = value;
    }
    await ws.saveStackSettings(opts.stackName, { ...current, config });

    // Secrets: set from stdin; the ones in keepSecrets only when the stack has none yet.
    for (const key of opts.settings.secretKeys) {
        const value = opts.settings.config[key];
        if (value === undefined) continue;
        const isSet = typeof config[key] === "object" && config[key] !== null && "secure" in (config[key] as object);
        if (isSet && (opts.keepSecrets ?? []).includes(key)) continue;
        setSecretFromStdin(opts, key, value);
    }
    return stack;
}
