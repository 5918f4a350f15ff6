// The pack for real: `preview --policy-pack policy` through the Automation API, for any stack a
// suite has opened (an inline program needs no language host). Returns the violations the engine
// reported and whether the preview failed, so a suite can plant one bad resource and require that
// the preview fails on it.
//
// Where the CLI has neither the Node.js language host nor the `pulumi-analyzer-policy-nodejs`
// plugin (this project's CLI is built from the Go module proxy and ships neither), the engine
// cannot start a Node.js pack. For that case this adds, for the one preview, a two-line analyzer
// plugin on PATH that runs @pulumi/pulumi's own policy-pack runner (what the official CLI's
// `pulumi-analyzer-policy` script does) from this repository's node_modules.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EngineEvent, LocalWorkspace, Stack } from "@pulumi/pulumi/automation";

const ROOT = path.join(__dirname, "..", "..");
export const POLICY_DIR = path.join(ROOT, "policy");

export interface EngineViolation {
    policy: string;
    /** "mandatory" fails the preview; "warning" is the engine's word for advisory. */
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
    const ws = stack.workspace as LocalWorkspace;
    const savedPath = ws.envVars.PATH;
    try {
        const pathVar = savedPath ?? process.env.PATH;
        if (!onPath("pulumi-language-nodejs", pathVar) && !onPath("pulumi-analyzer-policy-nodejs", pathVar)) {
            const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [ROOT] });
            const shim = path.join(temp, "pulumi-analyzer-policy-nodejs");
            fs.writeFileSync(shim, `#!/bin/sh\nexec node ${JSON.stringify(runner)} "$@"\n`, { mode: 0o755 });
            ws.envVars.PATH = `${temp}${path.delimiter}${pathVar ?? ""}`;
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
            const result = await stack.preview({ policyPacks: [policyDir], policyPackConfigs, onEvent });
            return { failed: false, violations, stdout: result.stdout };
        } catch (e) {
            const err = e as { stderr?: string; stdout?: string; message?: string };
            return { failed: true, violations, error: err.stderr || err.message, stdout: err.stdout ?? "" };
        }
    } finally {
        if (savedPath === undefined) delete ws.envVars.PATH;
        else ws.envVars.PATH = savedPath;
        fs.rmSync(temp, { recursive: true, force: true });
    }
}
