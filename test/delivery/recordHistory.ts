// Records a real update history with the Pulumi CLI, for test/delivery/fixtures/recorded-cli.json:
// a throwaway stack in a throwaway file backend, an inline program of one component (no provider
// plugin), updated five times with the middle two failing, refreshed once, then
// `pulumi stack history --json`. Run by hand when the CLI's format is in doubt:
//   node -r ts-node/register/transpile-only test/delivery/recordHistory.ts > test/delivery/fixtures/recorded-cli.json
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";

const ROOT = path.join(__dirname, "..", "..");

/** One component whose input changes every round (components need no provider plugin). */
class Release extends pulumi.ComponentResource {
    constructor(round: number) {
        super("gindeploy:test:Release", "release", { round });
        this.registerOutputs({});
    }
}

async function main(): Promise<void> {
    const found = spawnSync("bash", ["-c", "command -v pulumi || bash tools/pulumi-cli/build.sh --path"], {
        cwd: ROOT,
        encoding: "utf8",
    }).stdout.trim();
    if (!found || !fs.existsSync(found)) {
        throw new Error("no Pulumi CLI: put one on PATH or run bash tools/pulumi-cli/build.sh");
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gd-history-"));
    fs.mkdirSync(path.join(dir, "state"));
    try {
        const pulumiCommand = await PulumiCommand.get({ root: path.dirname(path.dirname(found)), skipVersionCheck: true });
        let round = 0;
        const failing = new Set([3, 4]);
        const program = async () => {
            if (failing.has(round)) {
                throw new Error(`planted failure in round ${round}`);
            }
            new Release(round);
        };
        const stack = await LocalWorkspace.createOrSelectStack(
            { stackName: "prod", projectName: "gin-deploy-history", program },
            {
                workDir: dir,
                pulumiCommand,
                envVars: {
                    PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}`,
                    PULUMI_CONFIG_PASSPHRASE: crypto.randomBytes(24).toString("base64"),
                    PULUMI_SKIP_UPDATE_CHECK: "true",
                    PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
                },
            },
        );
        for (round = 1; round <= 5; round++) {
            await stack.up().catch(() => undefined); // rounds 3 and 4 fail on purpose
            if (round === 2) await stack.refresh();
            // Whole seconds apart: the CLI records times to the second.
            await new Promise((resolve) => setTimeout(resolve, 1100));
        }
        const history = spawnSync(found, ["stack", "history", "--json", "--stack", "prod", "--cwd", dir, "--non-interactive"], {
            encoding: "utf8",
            env: { ...process.env, ...stack.workspace.envVars } as NodeJS.ProcessEnv,
        });
        if (history.status !== 0) {
            throw new Error(`pulumi stack history failed: ${history.stderr}`);
        }
        process.stdout.write(history.stdout.endsWith("\n") ? history.stdout : `${history.stdout}\n`);
        await stack.workspace.removeStack("prod", { force: true });
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

main().catch((e) => {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 1;
});
