// Records a real update history with the Pulumi CLI, for test/delivery/fixtures/recorded-cli.json:
// a throwaway stack in a throwaway file backend, an inline program of one component (no provider
// plugin), updated five times with the middle two failing, refreshed once, then
// `pulumi stack history --json`. Run by hand when the CLI's format is in doubt:
//   node -r ts-node/register/transpile-only test/delivery/recordHistory.ts > test/delivery/fixtures/recorded-cli.json
import { spawnSync } from "child_process";
import * as pulumi from "@pulumi/pulumi";

import { cliEnv, findEngine, inlineStack, makeEngine, removeEngine } from "../support/engine";

/** One component whose input changes every round (components need no provider plugin). */
class Release extends pulumi.ComponentResource {
    constructor(round: number) {
        super("gindeploy:test:Release", "release", { round });
        this.registerOutputs({});
    }
}

async function main(): Promise<void> {
    const found = findEngine();
    if (!found.cli) throw new Error(found.why);
    const engine = makeEngine(found.cli, "history");
    try {
        let round = 0;
        const failing = new Set([3, 4]);
        const program = async () => {
            if (failing.has(round)) {
                throw new Error(`planted failure in round ${round}`);
            }
            new Release(round);
        };
        const stack = await inlineStack(engine, "prod", program, { projectName: "gin-deploy-history" });
        for (round = 1; round <= 5; round++) {
            await stack.up().catch(() => undefined); // rounds 3 and 4 fail on purpose
            if (round === 2) await stack.refresh();
            // Whole seconds apart: the CLI records times to the second.
            await new Promise((resolve) => setTimeout(resolve, 1100));
        }
        const history = spawnSync(
            engine.cli,
            ["stack", "history", "--json", "--stack", "prod", "--cwd", stack.workspace.workDir, "--non-interactive"],
            {
                encoding: "utf8",
                env: cliEnv(engine),
            },
        );
        if (history.status !== 0) {
            throw new Error(`pulumi stack history failed: ${history.stderr}`);
        }
        process.stdout.write(history.stdout.endsWith("\n") ? history.stdout : `${history.stdout}\n`);
        await stack.workspace.removeStack("prod", { force: true });
    } finally {
        removeEngine(engine);
    }
}

main().catch((e) => {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 1;
});
