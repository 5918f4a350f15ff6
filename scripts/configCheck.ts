// `npm run config:check -- --stack NAME`: the stack's config judged by the program's own config
// module, as `pulumi preview` would judge it before registering any resource, without the Node.js
// language host (which the CLI built here lacks) and without asking a provider or a cloud. The
// values come from the CLI (`config --json --show-secrets`, through scripts/pulumi.sh, so a team
// stack's file and the person's own values are read as a run reads them); secrets stay in memory.
import { spawnSync } from "child_process";
import * as path from "path";

import { CONFIG_NAMESPACE, ConfigError, environmentNotice, parseConfig, readGitFacts } from "../config";

const repoRoot = path.join(__dirname, "..");
const USAGE = "usage: npm run config:check -- --stack NAME\n";

interface CliValue {
    value?: string;
    secret?: boolean;
}

function main(argv: string[]): number {
    if (argv.includes("--help") || argv.includes("-h")) {
        process.stdout.write(USAGE);
        return 0;
    }
    const at = argv.indexOf("--stack");
    const stack = at >= 0 ? argv[at + 1] : undefined;
    if (!stack || argv.length !== 2) {
        process.stderr.write(`config:check: give the stack to check.\n${USAGE}`);
        return 2;
    }
    const res = spawnSync("bash", [path.join(repoRoot, "scripts", "pulumi.sh"), "config", "--json", "--show-secrets", "--stack", stack], {
        cwd: repoRoot,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
        maxBuffer: 16 * 1024 * 1024,
    });
    if (res.status !== 0) {
        process.stderr.write(`config:check: could not read stack "${stack}"'s config (above); nothing was checked.\n`);
        return res.status ?? 1;
    }
    const all = JSON.parse(res.stdout) as Record<string, CliValue>;
    const values: Record<string, string> = {};
    const secretKeys: string[] = [];
    const prefix = `${CONFIG_NAMESPACE}:`;
    for (const [fullKey, entry] of Object.entries(all)) {
        if (!fullKey.startsWith(prefix) || entry.value === undefined) continue;
        values[fullKey.slice(prefix.length)] = entry.value;
        if (entry.secret) secretKeys.push(fullKey.slice(prefix.length));
    }
    try {
        const cfg = parseConfig({ values, secretKeys, awsRegion: all["aws:region"]?.value, git: readGitFacts(repoRoot) }, stack);
        process.stdout.write(`${environmentNotice(cfg)}\n`);
        process.stdout.write(`config:check: stack "${stack}" has no config problems (checked as preview would, before any resource).\n`);
        return 0;
    } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        process.stderr.write(`${error.message}\n`);
        return 1;
    }
}

process.exitCode = main(process.argv.slice(2));
