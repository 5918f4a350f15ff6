// The suites' real Pulumi engine on a scratch backend: the project's CLI (when it exists: found,
// never built here, that takes minutes), a throw-away file backend and workspace in a temp folder,
// a random passphrase for the run, and the `pulumi-resource-pulumi-nodejs` shim that official CLIs
// ship and a CLI built from source lacks, so dynamic resources run. Programs are inline (the
// Automation API), so no Node.js language host is needed.
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, PulumiCommand, PulumiFn, Stack } from "@pulumi/pulumi/automation";

import { availableCli } from "../../scripts/localWorkspace";

export interface Engine {
    cli: string;
    /** A temp dir: backend/, work/ (one folder per workspace), bin/ (the shim). */
    dir: string;
    backendUrl: string;
    /** For the CLI and the plugins it starts. */
    envVars: Record<string, string>;
}

/** The CLI, or why a suite's engine tests skip. */
export function findEngine(): { cli?: string; why?: string } {
    const cli = availableCli();
    return cli ? { cli } : { why: "no pulumi CLI on PATH and none built yet (bash tools/pulumi-cli/build.sh builds it, minutes)" };
}

/** A scratch engine in a new temp folder named after `purpose` (remove it with removeEngine). */
export function makeEngine(cli: string, purpose = "engine"): Engine {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `gd-${purpose}-`));
    for (const d of ["backend", "work", "bin"]) fs.mkdirSync(path.join(dir, d), { recursive: true });
    const dynamicProvider = require.resolve("@pulumi/pulumi/cmd/dynamic-provider");
    const shim = path.join(dir, "bin", "pulumi-resource-pulumi-nodejs");
    fs.writeFileSync(shim, `#!/bin/sh\nexec node ${JSON.stringify(dynamicProvider)} "$@"\n`, { mode: 0o755 });
    const backendUrl = `file://${path.join(dir, "backend")}`;
    return {
        cli,
        dir,
        backendUrl,
        envVars: {
            PULUMI_BACKEND_URL: backendUrl,
            // Never shown; the scratch stacks live as long as the run.
            PULUMI_CONFIG_PASSPHRASE: crypto.randomBytes(24).toString("base64"),
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
            PATH: `${path.join(dir, "bin")}:${path.dirname(cli)}:${process.env.PATH ?? ""}`,
        },
    };
}

export interface InlineStackOptions {
    /** Default "gin-deploy" (the project's config namespace). */
    projectName?: string;
    /** The workspace folder under the engine's work/; default "default". Two stacks of one name need two. */
    workspace?: string;
}

/** Creates or selects `stackName` running `program`, in one of the engine's workspaces. */
export async function inlineStack(engine: Engine, stackName: string, program: PulumiFn, opts: InlineStackOptions = {}): Promise<Stack> {
    const pulumiCommand = await PulumiCommand.get({ root: path.resolve(path.dirname(engine.cli), ".."), skipVersionCheck: true });
    const workDir = path.join(engine.dir, "work", opts.workspace ?? "default");
    fs.mkdirSync(workDir, { recursive: true });
    // The dynamic provider's process is started by the engine with the workspace's environment.
    Object.assign(process.env, { PATH: engine.envVars.PATH });
    return LocalWorkspace.createOrSelectStack(
        { stackName, projectName: opts.projectName ?? "gin-deploy", program },
        { workDir, pulumiCommand, envVars: engine.envVars },
    );
}

/** The environment for running the engine's CLI by hand (config set from stdin, stack history). */
export function cliEnv(engine: Engine): NodeJS.ProcessEnv {
    return { ...process.env, ...engine.envVars };
}

export function removeEngine(engine: Engine | undefined): void {
    if (engine) fs.rmSync(engine.dir, { recursive: true, force: true });
}
