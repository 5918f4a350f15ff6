// The pack for real: `preview --policy-pack policy` through the Automation API, for any stack a
// suite has opened (an inline program needs no language host). Returns the violations the engine
// reported and whether the preview failed, so a suite can plant one bad resource and require that
// the preview fails on it.
//
// Where the CLI has no Node.js language host (this project's CLI is built from the Go module proxy
// and has none), it cannot start a Node.js pack from its directory. It can start a pack given as an
// executable file, as it starts a provider binary: for that case this writes, for the one preview,
// a two-line launcher that runs @pulumi/pulumi's own policy-pack runner (cmd/run-policy-pack, what
// the language host runs) on the pack's directory, from this repository's node_modules.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EngineEvent, LocalWorkspace, Stack } from "@pulumi/pulumi/automation";

const ROOT = path.join(__dirname, "..", "..");
export const POLICY_DIR = path.join(ROOT, "policy");

export interface EngineViolation {
    policy: string;
    /** "mandatory" fails the preview; "advisory" only reports. */
    level: string;
    message: string;
    urn?: string;
}

export interface PolicyPreview {
    /** true when the preview failed (a mandatory violation, or any other error: see `error`). */
    failed: boolean;
    violations: EngineViolation[];
    /** The preview's error output when it failed. */
    error?: string;
    stdout: string;
}

export interface PolicyPreviewOptions {
    policyDir?: string;
    /** The pack's config (policy name -> level or { enforcementLevel, ...keys }), written to a file for the CLI. */
    policyConfig?: Record<string, unknown>;
}

function onPath(binary: string, pathVar: string | undefined): boolean {
    return spawnSync("bash", ["-c", `command -v ${binary}`], { env: { ...process.env, PATH: pathVar ?? "" } }).status === 0;
}

export async function previewWithPolicy(stack: Stack, options: PolicyPreviewOptions = {}): Promise<PolicyPreview> {
    const policyDir = options.policyDir ?? POLICY_DIR;
    const temp = fs.mkdtempSync(path.join(os.tmpdir(), "gd-policy-run-"));
    try {
        const ws = stack.workspace as LocalWorkspace;
        const pathVar = ws.envVars.PATH ?? process.env.PATH;
        let pack = policyDir;
        if (!onPath("pulumi-language-nodejs", pathVar)) {
            const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [ROOT] });
            pack = path.join(temp, "gin-deploy-policy-pack");
            // The engine passes its address; the runner loads the pack (TypeScript) from its directory.
            fs.writeFileSync(pack, `#!/bin/sh\nexec node ${JSON.stringify(runner)} --pwd ${JSON.stringify(policyDir)} "$1" .\n`, {
                mode: 0o755,
            });
        }
        const policyPackConfigs: string[] = [];
        if (options.policyConfig) {
            const file = path.join(temp, "policy-config.json");
            fs.writeFileSync(file, JSON.stringify(options.policyConfig));
            policyPackConfigs.push(file);
        }
        const violations: EngineViolation[] = [];
        const onEvent = (event: EngineEvent) => {
            const p = event.policyEvent;
            if (p) {
                violations.push({ policy: p.policyName, level: p.enforcementLevel, message: p.message, urn: p.resourceUrn });
            }
        };
        try {
            const result = await stack.preview({ policyPacks: [pack], policyPackConfigs, onEvent });
            return { failed: false, violations, stdout: result.stdout };
        } catch (e) {
            const err = e as { stderr?: string; stdout?: string; message?: string };
            return { failed: true, violations, error: err.stderr || err.message, stdout: err.stdout ?? "" };
        }
    } finally {
        fs.rmSync(temp, { recursive: true, force: true });
    }
}
