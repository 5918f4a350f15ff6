// The real engine for the Kubernetes suite: the project's Pulumi CLI (scripts/localWorkspace.ts
// engineEnv), the Automation API with an inline program (no language host), a file backend and
// passphrase of the suite's own, and pulumi-resource-kubernetes first on PATH, where the engine
// finds it as an ambient plugin. Secrets reach the CLI on stdin only, never on a command line.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { LocalWorkspace, PulumiCommand, PulumiFn, Stack } from "@pulumi/pulumi/automation";

import type { EngineEnv } from "../../scripts/localWorkspace";

export interface K8sEngine {
    env: EngineEnv;
    /** The folder holding pulumi-resource-kubernetes (local/cluster/cluster.ts providerBinDir). */
    providerBinDir: string;
    workDir: string;
    /** More variables for the CLI and the plugins it starts (e.g. KUBECONFIG). */
    extraVars?: Record<string, string>;
}

export function engineVars(engine: K8sEngine): Record<string, string> {
    const vars: Record<string, string> = {
        PULUMI_BACKEND_URL: engine.env.backendUrl,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
        PATH: `${engine.providerBinDir}:${process.env.PATH ?? ""}`,
    };
    if (engine.env.passphraseFile) vars.PULUMI_CONFIG_PASSPHRASE_FILE = engine.env.passphraseFile;
    return { ...vars, ...engine.extraVars };
}

export interface StackSettings {
    /** Keys without the gin-deploy: prefix. */
    plain: Record<string, string>;
    secrets: Record<string, string>;
}

/** Creates or selects `stackName` with `program`, and brings its gin-deploy config to `settings`. */
export async function openStack(engine: K8sEngine, stackName: string, program: PulumiFn, settings: StackSettings): Promise<Stack> {
    fs.mkdirSync(engine.workDir, { recursive: true, mode: 0o700 });
    const pulumiCommand = await PulumiCommand.get({ root: engine.env.root, skipVersionCheck: true });
    const stack = await LocalWorkspace.createOrSelectStack(
        { stackName, projectName: "gin-deploy", program },
        { workDir: engine.workDir, pulumiCommand, envVars: engineVars(engine), projectSettings: { name: "gin-deploy", runtime: "nodejs" } },
    );
    const plain: Record<string, { value: string }> = {};
    for (const [k, v] of Object.entries(settings.plain)) plain[`gin-deploy:${k}`] = { value: v };
    if (Object.keys(plain).length > 0) await stack.setAllConfig(plain);
    for (const [k, v] of Object.entries(settings.secrets)) setSecretFromStdin(engine, stackName, `gin-deploy:${k}`, v);
    return stack;
}

export async function removeConfig(stack: Stack, keys: string[]): Promise<void> {
    for (const k of keys) await stack.removeConfig(`gin-deploy:${k}`);
}

function setSecretFromStdin(engine: K8sEngine, stackName: string, key: string, value: string): void {
    const res = spawnSync(
        engine.env.pulumi,
        ["config", "set", "--secret", "--non-interactive", "--stack", stackName, "--cwd", engine.workDir, key],
        { input: value, env: { ...process.env, ...engineVars(engine) }, encoding: "utf8" },
    );
    if (res.status !== 0) throw new Error(`pulumi config set --secret ${key} failed (exit ${res.status}): ${res.stderr.trim()}`);
}

export function stackFile(engine: K8sEngine, stackName: string): string {
    return path.join(engine.workDir, `Pulumi.${stackName}.yaml`);
}
