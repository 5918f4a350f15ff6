// The real Pulumi engine for the doctor suite's engine tests: the project's CLI (when it exists:
// never built here, that takes minutes), a throw-away file backend and workspace, a test-only
// passphrase (the stacks hold no secrets), and the `pulumi-resource-pulumi-nodejs` shim that
// official CLIs ship and a CLI built from source lacks, so dynamic resources run.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, PulumiCommand, PulumiFn, Stack } from "@pulumi/pulumi/automation";

import { availableCli } from "../../scripts/localWorkspace";

export const PASSPHRASE = "doctor-suite-test-only";

export interface Engine {
    cli: string;
    /** A temp dir: backend/, work/, bin/ (the shim). */
    dir: string;
    backendUrl: string;
    envVars: Record<string, string>;
}

/** The CLI, or why the engine tests skip. */
export function findEngine(): { cli?: string; why?: string } {
    const cli = availableCli();
    return cli ? { cli } : { why: "no pulumi CLI on PATH and none built yet (bash tools/pulumi-cli/build.sh builds it, minutes)" };
}

export function makeEngine(cli: string, existingDir?: string): Engine {
    const dir = existingDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "gin-deploy-doctor-engine-"));
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
            PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
            PATH: `${path.join(dir, "bin")}:${path.dirname(cli)}:${process.env.PATH ?? ""}`,
        },
    };
}

export async function inlineStack(engine: Engine, stackName: string, program: PulumiFn): Promise<Stack> {
    const pulumiCommand = await PulumiCommand.get({ root: path.resolve(path.dirname(engine.cli), "..") });
    // The dynamic provider's process is started by the engine with the workspace's environment.
    Object.assign(process.env, { PATH: engine.envVars.PATH });
    return LocalWorkspace.createOrSelectStack(
        { stackName, projectName: "gin-deploy", program },
        { workDir: path.join(engine.dir, "work"), pulumiCommand, envVars: engine.envVars },
    );
}
