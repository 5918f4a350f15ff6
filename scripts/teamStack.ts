// A stack whose file the team commits (dev, prod): one secrets provider the team shares, and each
// person's own values kept out of the committed file (teamStack/files.ts says where and why).
//   npm run stack:init -- STACK [--secrets-provider awskms://...]
//       creates the stack in this checkout's backend with the team's secrets provider: a team
//       passphrase from PULUMI_CONFIG_PASSPHRASE(_FILE), or the one the committed file names.
//       The committed file changes only the first time, on purpose (the provider's salt or key).
//   node scripts/teamStack.ts args STACK -- PULUMI_ARGS...
//       scripts/pulumi.sh's question: the arguments to add for this command (one a line), or a
//       refusal (exit 2, one message on stderr) before the CLI runs.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

import { stackPresence } from "./doctor/stackPresence";
import { ensureUserFile, readStackDoc, StackDoc, teamStackFiles, writeMerged } from "./teamStack/files";
import { passphraseFromEnv, passphraseOpens } from "./teamStack/passphrase";
import { positionalStack, route } from "./teamStack/route";

const repoRoot = path.join(__dirname, "..");
const TEAM_PASSPHRASE_FIX =
    "export PULUMI_CONFIG_PASSPHRASE_FILE=<a file holding the team's passphrase> (kept where your team keeps secrets; in CI, a repository secret)";

class Refusal extends Error {}

function isPassphraseStack(doc: StackDoc): boolean {
    return (doc.secretsprovider ?? "passphrase") === "passphrase";
}

/** Why the environment's passphrase cannot open the committed file's secrets, if it cannot. */
function passphraseProblem(stack: string, committed: StackDoc, env: NodeJS.ProcessEnv): string | undefined {
    if (!isPassphraseStack(committed)) return undefined;
    const passphrase = env.GIN_DEPLOY_PASSPHRASE_SOURCE === "checkout" ? undefined : passphraseFromEnv(env);
    if (passphrase === undefined) {
        return committed.encryptionsalt
            ? `Pulumi.${stack}.yaml's secrets are encrypted with the team's passphrase, and none is set: this checkout's own ` +
                  `(.gin-deploy/passphrase) cannot read them. Fix: ${TEAM_PASSPHRASE_FIX}, then run the command again. Nothing was run.`
            : undefined;
    }
    if (committed.encryptionsalt && passphraseOpens(committed.encryptionsalt, passphrase) === false) {
        const from = env.PULUMI_CONFIG_PASSPHRASE
            ? "PULUMI_CONFIG_PASSPHRASE"
            : `PULUMI_CONFIG_PASSPHRASE_FILE (${env.PULUMI_CONFIG_PASSPHRASE_FILE})`;
        return (
            `the passphrase from ${from} is not the team's: Pulumi.${stack}.yaml's secrets were encrypted with another ` +
            `(its encryptionsalt does not open with it). Fix: ${TEAM_PASSPHRASE_FIX}, then run the command again. Nothing was run.`
        );
    }
    return undefined;
}

function hasDeployScript(stack: string): boolean {
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { scripts?: Record<string, string> };
    return pkg.scripts?.[`deploy:${stack}`] !== undefined;
}

/** scripts/pulumi.sh: the arguments to add for `pulumi <args>` on a team stack, one a line. */
function argsFor(stackArg: string, pulumiArgs: string[], env: NodeJS.ProcessEnv): string[] {
    const stack = stackArg || positionalStack(pulumiArgs) || "";
    const files = teamStackFiles(repoRoot, stack);
    if (!stack || !fs.existsSync(files.committed)) return [];
    const committed = readStackDoc(files.committed);
    const r = route(pulumiArgs);
    // A stack with a deploy:<stack> script (local, local-k8s) is made by it, in a workspace of its own.
    const local = (env.GIN_DEPLOY_LOCAL_STACKS ?? "").split(" ").includes(stack) || hasDeployScript(stack);
    if (r.init && local) throw new Refusal(`the ${stack} stack is made by npm run deploy:${stack}, in its own workspace. Nothing was run.`);
    if (r.init) {
        throw new Refusal(
            `Pulumi.${stack}.yaml is a team's stack file: create the stack with npm run stack:init -- ${stack} ` +
                `(the team's secrets provider; your own values kept out of the committed file). Nothing was run.`,
        );
    }
    if (r.remove) {
        process.stderr.write(
            `pulumi.sh: --preserve-config added: stack rm deletes the stack's state in this backend and keeps the committed Pulumi.${stack}.yaml ` +
                `(plain pulumi stack rm would delete that file too).\n`,
        );
        return pulumiArgs.includes("--preserve-config") ? [] : ["--preserve-config"];
    }
    if (local) return [];
    const presence = stackPresence(repoRoot, stack, env);
    if (r.usesSecrets && presence.backend !== undefined && !presence.hasState) {
        throw new Refusal(
            `stack "${stack}" does not exist in this checkout's backend yet (${presence.backend}). Next: npm run stack:init -- ${stack} ` +
                `(with the team's passphrase: PULUMI_CONFIG_PASSPHRASE_FILE). Nothing was run.`,
        );
    }
    const problem = r.usesSecrets ? passphraseProblem(stack, committed, env) : undefined;
    if (problem) throw new Refusal(problem);
    if (r.use === "user") {
        if (!ensureUserFile(files, stack)) {
            throw new Refusal(
                `your own secrets in ${files.user} were encrypted for another secrets provider than Pulumi.${stack}.yaml's ` +
                    `(the team changed its passphrase or key). Fix: rm ${files.user}, then set your values again ` +
                    `(README, "A dev stack a team can share"). Nothing was run.`,
            );
        }
        return ["--config-file", files.user];
    }
    if (r.use === "merged" && fs.existsSync(files.user)) {
        writeMerged(files, stack);
        return ["--config-file", files.merged];
    }
    if (r.changesCommitted) {
        process.stderr.write(
            `pulumi.sh: ${r.changesCommitted} is a team setting: this changes the committed Pulumi.${stack}.yaml, on purpose ` +
                `(git diff shows it; commit it for the team). Your own values (SSH CIDR, keys) go to ${path.relative(repoRoot, files.user)}.\n`,
        );
    }
    return [];
}

interface EngineEnvLike {
    pulumi: string;
    backendUrl: string;
    passphraseFile: string | null;
    passphraseSource: "environment" | "checkout";
}

function engine(): EngineEnvLike {
    const res = spawnSync("bash", [path.join(repoRoot, "scripts", "pulumi-env.sh"), "--json"], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
    });
    if (res.status !== 0) throw new Refusal("the Pulumi CLI is not available; the reason is above");
    return JSON.parse(res.stdout) as EngineEnvLike;
}

const USAGE = `usage: npm run stack:init -- STACK [--secrets-provider awskms://<key id or alias/NAME>?region=<region>]

Creates STACK in this checkout's backend with the secrets provider the team shares, so that a
teammate and CI decrypt the secrets in the committed Pulumi.STACK.yaml:
  - passphrase (the default): the team's passphrase, from PULUMI_CONFIG_PASSPHRASE_FILE or
    PULUMI_CONFIG_PASSPHRASE (never this checkout's own .gin-deploy/passphrase);
  - awskms://...: an AWS KMS key the team may use (for AWS stacks; needs AWS credentials).
The first time, Pulumi.STACK.yaml gains the provider's encryptionsalt (or secretsprovider and
encryptedkey): commit that, on purpose. Your own values then go to .gin-deploy/user/ (git-ignored).
`;

function init(argv: string[]): void {
    if (argv.includes("--help") || argv.includes("-h")) {
        process.stdout.write(USAGE);
        return;
    }
    let providerFlag: string | undefined;
    const names: string[] = [];
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--secrets-provider") providerFlag = argv[++i] ?? "";
        else if (argv[i].startsWith("--secrets-provider=")) providerFlag = argv[i].slice("--secrets-provider=".length);
        else if (argv[i].startsWith("-")) throw new Refusal(`unknown option ${argv[i]}.\n${USAGE}`);
        else names.push(argv[i]);
    }
    const stack = names[0];
    if (names.length !== 1 || providerFlag === "")
        throw new Refusal(`give one stack name (and a provider after --secrets-provider).\n${USAGE}`);

    const files = teamStackFiles(repoRoot, stack);
    const before = fs.existsSync(files.committed) ? fs.readFileSync(files.committed, "utf8") : undefined;
    const committed = before === undefined ? {} : readStackDoc(files.committed);
    const provider = providerFlag ?? committed.secretsprovider ?? "passphrase";
    const env = engine();
    const runEnv: NodeJS.ProcessEnv = {
        ...process.env,
        PULUMI_BACKEND_URL: env.backendUrl,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
        GIN_DEPLOY_PASSPHRASE_SOURCE: env.passphraseSource,
    };
    if (provider === "passphrase") {
        if (env.passphraseSource === "checkout") {
            throw new Refusal(
                `a stack a team shares needs the team's passphrase, and none is set (this checkout's own, .gin-deploy/passphrase, ` +
                    `is known to no teammate and no CI). Fix: ${TEAM_PASSPHRASE_FIX}, then npm run stack:init -- ${stack}; ` +
                    `or, for AWS stacks, --secrets-provider awskms://... Nothing was changed.`,
            );
        }
        const problem = passphraseProblem(stack, committed, runEnv);
        if (problem) throw new Refusal(problem.replace("Nothing was run.", "Nothing was changed."));
    }

    const res = spawnSync(env.pulumi, ["stack", "init", stack, "--secrets-provider", provider, "--non-interactive"], {
        cwd: repoRoot,
        env: runEnv,
        encoding: "utf8",
    });
    if (res.status !== 0) {
        if (!/already exists/.test(res.stderr)) throw new Refusal(`pulumi stack init ${stack} failed: ${res.stderr.trim()}`);
        process.stdout.write(`stack ${stack} already exists in ${env.backendUrl}; nothing to create.\n`);
    } else {
        process.stdout.write(
            `created stack ${stack} in ${env.backendUrl}, secrets provider: ${provider === "passphrase" ? "the team's passphrase" : provider}.\n`,
        );
    }

    const after = fs.existsSync(files.committed) ? fs.readFileSync(files.committed, "utf8") : undefined;
    if (before === after) {
        process.stdout.write(`Pulumi.${stack}.yaml is unchanged.\n`);
    } else {
        process.stdout.write(
            `Pulumi.${stack}.yaml now records the team's secrets provider (${before === undefined ? "a new file" : "its encryption fields"}), on purpose: ` +
                `commit it (git add Pulumi.${stack}.yaml && git commit) so a teammate and CI with the same ${provider === "passphrase" ? "passphrase" : "key"} read its secrets.\n`,
        );
    }
    if (before !== undefined) {
        ensureUserFile(files, stack);
        process.stdout.write(
            `Your own values go to ${path.relative(repoRoot, files.user)} (git-ignored), e.g.:\n` +
                `  npm run pulumi -- config set --path 'gin-deploy:sshCidrs[0]' <your IP>/32 --stack ${stack}\n` +
                `  npm run pulumi -- config set gin-deploy:sshPublicKey "$(cat ~/.ssh/id_ed25519.pub)" --stack ${stack}\n` +
                `  npm run pulumi -- config set --secret gin-deploy:sshPrivateKey --stack ${stack} < ~/.ssh/id_ed25519\n`,
        );
    }
}

function main(argv: string[]): number {
    try {
        if (argv[0] === "args") {
            const dashes = argv.indexOf("--");
            const lines = argsFor(argv[1] ?? "", dashes < 0 ? [] : argv.slice(dashes + 1), process.env);
            if (lines.length > 0) process.stdout.write(lines.join("\n") + "\n");
            return 0;
        }
        if (argv[0] === "init") {
            init(argv.slice(1));
            return 0;
        }
        process.stderr.write(USAGE);
        return 2;
    } catch (error) {
        if (!(error instanceof Refusal)) throw error;
        process.stderr.write(`${argv[0] === "init" ? "stack:init" : "pulumi.sh"}: ${error.message}\n`);
        return 2;
    }
}

process.exitCode = main(process.argv.slice(2));
