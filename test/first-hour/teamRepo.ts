// A team's repository as the first-hour suite uses it: this worktree's files (committed or not) as
// one commit in a bare "origin", checkouts of it for each person, and commands run as a new user
// types them (npm run ...): no pulumi on PATH, a fresh HOME per person (no stack selected, no
// plugins, no language host), the project's pinned CLI from the machine's cache (built first when
// missing: minutes, once per machine).
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");
export const NODE_DIR = path.dirname(process.execPath);

export interface Result {
    status: number | null;
    stdout: string;
    stderr: string;
}

export function sh(cwd: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env, input?: string): Result {
    const res = spawnSync(command, args, { cwd, env, input, encoding: "utf8" });
    return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

export function git(cwd: string, ...args: string[]): string {
    const res = sh(cwd, "git", ["-c", "user.name=first-hour", "-c", "user.email=first-hour@example.invalid", ...args]);
    assert.strictEqual(res.status, 0, `git ${args.join(" ")}: ${res.stderr}`);
    return res.stdout;
}

/** The lines of stderr that are not pulumi.sh's passphrase notice. */
export function messages(stderr: string): string[] {
    return stderr.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("pulumi.sh: secrets passphrase:"));
}

export class TeamRepo {
    readonly tmp = fs.mkdtempSync(path.join(os.tmpdir(), "gd-first-hour-"));
    /** A file holding the team's passphrase, and one holding another. */
    readonly teamPass = path.join(this.tmp, "team.passphrase");
    readonly wrongPass = path.join(this.tmp, "wrong.passphrase");
    private readonly cacheDir: string;

    constructor() {
        const built = sh(ROOT, "bash", ["tools/pulumi-cli/build.sh"], {
            ...process.env,
            PATH: `${NODE_DIR}:/usr/local/go/bin:${process.env.PATH}`,
        });
        assert.strictEqual(built.status, 0, built.stderr);
        // build.sh prints <cache>/pulumi-<version>/bin/pulumi.
        this.cacheDir = path.resolve(path.dirname(built.stdout.trim()), "..", "..");

        const seed = path.join(this.tmp, "seed");
        const files = sh(ROOT, "git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"]).stdout.split("\0").filter(Boolean);
        for (const file of files) {
            if (!fs.existsSync(path.join(ROOT, file))) continue;
            fs.mkdirSync(path.dirname(path.join(seed, file)), { recursive: true });
            fs.copyFileSync(path.join(ROOT, file), path.join(seed, file));
        }
        git(seed, "init", "-q", "-b", "main");
        git(seed, "add", "-A");
        git(seed, "commit", "-q", "-m", "the team's repository");
        git(this.tmp, "clone", "-q", "--bare", seed, path.join(this.tmp, "origin.git"));

        fs.writeFileSync(this.teamPass, `${crypto.randomBytes(24).toString("base64")}\n`, { mode: 0o600 });
        fs.writeFileSync(this.wrongPass, `${crypto.randomBytes(24).toString("base64")}\n`, { mode: 0o600 });
    }

    /** A person's checkout, with this worktree's node_modules. */
    checkout(name: string): string {
        const dir = path.join(this.tmp, name);
        git(this.tmp, "clone", "-q", path.join(this.tmp, "origin.git"), dir);
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
        fs.appendFileSync(path.join(dir, ".git", "info", "exclude"), "node_modules\n");
        fs.mkdirSync(path.join(this.tmp, `home-${name}`));
        return dir;
    }

    /** A new user's environment: PATH without pulumi, the person's own HOME, the machine's CLI cache. */
    env(home: string, more: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
        const env: NodeJS.ProcessEnv = {
            HOME: home,
            PATH: `${NODE_DIR}:/usr/bin:/bin`,
            GIN_DEPLOY_CACHE_DIR: this.cacheDir,
            LANG: "C.UTF-8",
            ...more,
        };
        for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
        return env;
    }

    /** `npm run -s ARGS` in a checkout, as its person. */
    npm(checkout: string, args: string[], more: Record<string, string | undefined> = {}, input?: string): Result {
        const home = path.join(this.tmp, `home-${path.basename(checkout)}`);
        return sh(checkout, path.join(NODE_DIR, "npm"), ["run", "-s", ...args], this.env(home, more), input);
    }

    /** The team's passphrase, as a person exports it. */
    team(): Record<string, string> {
        return { PULUMI_CONFIG_PASSPHRASE_FILE: this.teamPass };
    }

    /** `git status --porcelain`: what changed in a checkout. */
    changed(checkout: string): string {
        return git(checkout, "status", "--porcelain").trim();
    }

    remove(): void {
        fs.rmSync(this.tmp, { recursive: true, force: true });
    }
}
