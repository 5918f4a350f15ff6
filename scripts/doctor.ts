// `npm run doctor -- --stack NAME [--json] [--fix]`: walks the article's troubleshooting table
// against a live stack, from this machine and over SSH, and prints each check with pass/fail and
// the one-line fix. Exit code 0 only when every check passes.
//
// Inputs come from the stack's outputs when it has state, else from Pulumi.<stack>.yaml; flags win:
//   --url URL            where the service answers from here
//   --ssh HOST[:PORT]    the host's SSH address      --user USER    (default: the stack's sshUser)
//   --key FILE           the deploy key's file (the local stack: .gin-deploy/ssh/id_ed25519)
//   --host-key LINE      the host key to pin ("ssh-ed25519 AAAA..."; default: the stack's sshHostKey)
//   --app-port N         the service's port on the host    --service NAME (gin-app)
//   --mode systemd|container    --version V (what must answer)    --no-ssh (outside checks only)
//   --attempts N --timeout SECONDS   for the requests from here (3 and 5)
//   --fix                first clear a stale lock and pending creates of the stack (stackRecovery)
//   --json               the report as JSON on stdout
//   --help               this text
//
// With nothing to check it says why in one line, with the next command: a stack that does not
// exist, a stack never deployed from this checkout, the local stack while no local host runs.
import * as fs from "fs";
import * as path from "path";

import { DoctorFlags, repoRoot, resolveTarget } from "./doctor/inputs";
import { renderReport, runDoctor } from "./doctor/runDoctor";
import { recoverStack } from "./stackRecovery";

interface Parsed extends DoctorFlags {
    json: boolean;
    fix: boolean;
    help?: boolean;
}

const VALUE_FLAGS: Record<string, keyof DoctorFlags> = {
    "--stack": "stack",
    "--url": "url",
    "--ssh": "ssh",
    "--user": "user",
    "--key": "key",
    "--host-key": "hostKey",
    "--app-port": "appPort",
    "--service": "service",
    "--mode": "mode",
    "--version": "version",
    "--attempts": "attempts",
    "--timeout": "timeoutSeconds",
};
const NUMBER_FLAGS = new Set(["appPort", "attempts", "timeoutSeconds"]);

/** The usage: the flags as this file's header comment lists them. */
export function usage(): string {
    const header = fs
        .readFileSync(__filename, "utf8")
        .split("\n")
        .filter((line) => line.startsWith("//"))
        .map((line) => line.replace(/^\/\/ ?/, ""));
    return `${header.join("\n")}\n\nExamples:\n  npm run doctor -- --stack local\n  npm run doctor -- --stack prod --key ~/.ssh/id_ed25519\n  npm run doctor -- --url http://127.0.0.1:18080 --no-ssh\n`;
}

export function parseArgs(argv: string[]): Parsed {
    const out: Parsed = { json: false, fix: false };
    if (argv.includes("--help") || argv.includes("-h")) {
        return { ...out, help: true };
    }
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--json") {
            out.json = true;
            continue;
        }
        if (a === "--fix") {
            out.fix = true;
            continue;
        }
        if (a === "--no-ssh") {
            out.noSsh = true;
            continue;
        }
        const [flag, inline] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
        const key = VALUE_FLAGS[flag];
        if (!key) throw new Error(`unknown argument ${JSON.stringify(a)}; npm run doctor -- --help lists the flags`);
        const value = inline ?? argv[++i];
        if (value === undefined || value.startsWith("--")) throw new Error(`${flag} needs a value`);
        if (NUMBER_FLAGS.has(key)) {
            const n = Number(value);
            if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} ${JSON.stringify(value)} must be a whole number, 1 or more`);
            (out as unknown as Record<string, unknown>)[key] = n;
        } else {
            (out as unknown as Record<string, unknown>)[key] = value;
        }
    }
    if (!out.stack && !out.url) throw new Error("give --stack NAME (e.g. --stack local) or at least --url URL");
    if (out.fix && !out.stack) throw new Error("--fix needs --stack NAME: it clears that stack's stale lock and pending operations");
    return out;
}

async function main(): Promise<number> {
    let args: Parsed;
    try {
        args = parseArgs(process.argv.slice(2));
    } catch (err) {
        console.error(`doctor: ${(err as Error).message}`);
        return 2;
    }
    if (args.help) {
        process.stdout.write(usage());
        return 0;
    }
    if (args.fix && args.stack) {
        const recovery = await recoverStack({
            stack: args.stack,
            repoRoot,
            // deploy:local keeps the local stack's settings (and secrets) in its own workspace.
            workDir: args.stack === "local" ? path.join(repoRoot, ".gin-deploy", "workspace") : undefined,
            log: (l) => console.error(`doctor --fix: ${l}`),
        });
        if (!recovery.ok) {
            console.error(`doctor --fix: ${recovery.message}`);
            return 1;
        }
        console.error(`doctor --fix: ${recovery.message}`);
    }
    let report;
    try {
        report = await runDoctor(resolveTarget(args));
    } catch (err) {
        console.error(`doctor: ${(err as Error).message}`);
        return 2;
    }
    console.log(args.json ? JSON.stringify(report, null, 2) : renderReport(report));
    return report.ok ? 0 : 1;
}

if (require.main === module) {
    main().then(
        (code) => process.exit(code),
        (err) => {
            console.error(`doctor failed: ${(err as Error).stack ?? err}`);
            process.exit(1);
        },
    );
}
