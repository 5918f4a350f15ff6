// The README walkthrough's config mistakes as a new user makes them (issue #24): the CLI takes the
// value without a schema error of its own, and `npm run config:check` (what preview would say,
// without the language host) names the key, the value and the fix, once. And which stacks are
// prod, said at the start. Real CLI, a fresh checkout (test/first-hour/teamRepo.ts).
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

import { git, TeamRepo } from "./teamRepo";

const PRIVATE_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n";
const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKvDsv1BMTbrpWx08odqoZi6lVOwDXhofoPPlHtnfxHC";

describe("the first hour: config mistakes from the README walkthrough (npm run pulumi -- config set, npm run config:check)", function () {
    let repo: TeamRepo;
    let dir: string;

    const pulumi = (args: string[], input?: string) => repo.npm(dir, ["pulumi", "--", ...args], repo.team(), input);
    const check = (stack: string) => repo.npm(dir, ["config:check", "--", "--stack", stack], repo.team());
    /** The problem lines config:check printed ("  - gin-deploy:..."). */
    const problems = (stderr: string) => stderr.split("\n").filter((l) => l.startsWith("  - "));

    function set(args: string[], input?: string): void {
        const res = pulumi(["config", "set", ...args], input);
        assert.strictEqual(res.status, 0, res.stderr);
        assert.doesNotMatch(res.stderr, /must be of type/);
    }

    before(() => {
        repo = new TeamRepo();
        dir = repo.checkout("carol");
        const res = repo.npm(dir, ["stack:init", "--", "dev"], repo.team());
        assert.strictEqual(res.status, 0, res.stderr);
        git(dir, "commit", "-q", "-am", "dev: the team's secrets provider");
        set(["--path", "gin-deploy:sshCidrs[0]", "198.51.100.7/32", "--stack", "dev"]);
        set([
            "gin-deploy:sshPublicKey",
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl carol",
            "--stack",
            "dev",
        ]);
        set(["--secret", "gin-deploy:sshPrivateKey", "--stack", "dev"], PRIVATE_KEY);
    });
    afterEach(() => git(dir, "checkout", "-q", "--", "Pulumi.dev.yaml"));
    after(() => repo.remove());

    it("passes the walkthrough's dev stack, and says first that it is dev and why", () => {
        const res = check("dev");
        assert.strictEqual(res.status, 0, res.stderr);
        assert.deepStrictEqual(res.stdout.trim().split("\n"), [
            "stack \"dev\" is dev (gin-deploy:environment is dev); dev's rules apply. For prod's: pulumi config set gin-deploy:environment prod",
            'config:check: stack "dev" has no config problems (checked as preview would, before any resource).',
        ]);
    });

    it("appPort abc: taken by the CLI, then refused with key, value and fix", () => {
        set(["gin-deploy:appPort", "abc", "--stack", "dev"]);
        const res = check("dev");
        assert.strictEqual(res.status, 1);
        assert.match(res.stderr, /^stack "dev" has 1 config problem; nothing was deployed:$/m);
        assert.deepStrictEqual(problems(res.stderr), [
            '  - gin-deploy:appPort = "abc" is not a port: use a whole number from 1 to 65535. Fix: pulumi config set gin-deploy:appPort 8080',
        ]);
    });

    it("sshCidrs without --path: taken by the CLI into the person's file, then refused with the --path fix, which works", () => {
        set(["gin-deploy:sshCidrs", "203.0.113.9/32", "--stack", "dev"]);
        assert.strictEqual(repo.changed(dir), "", "a person's value went into a committed file");
        let res = check("dev");
        assert.strictEqual(res.status, 1);
        assert.deepStrictEqual(problems(res.stderr), [
            `  - gin-deploy:sshCidrs = "203.0.113.9/32" is not a list of CIDR blocks (set without --path?). Fix: pulumi config rm gin-deploy:sshCidrs && pulumi config set --path 'gin-deploy:sshCidrs[0]' 203.0.113.9/32`,
        ]);
        // The fix, as printed, through npm run pulumi.
        assert.strictEqual(pulumi(["config", "rm", "gin-deploy:sshCidrs", "--stack", "dev"]).status, 0);
        set(["--path", "gin-deploy:sshCidrs[0]", "203.0.113.9/32", "--stack", "dev"]);
        res = check("dev");
        assert.strictEqual(res.status, 0, res.stderr);
    });

    it("environment staging: refused with dev's fix (never prod's) and where staging belongs", () => {
        set(["gin-deploy:environment", "staging", "--stack", "dev"]);
        const res = check("dev");
        assert.strictEqual(res.status, 1);
        const [line, ...rest] = problems(res.stderr);
        assert.deepStrictEqual(rest, []);
        assert.match(
            line,
            /^ {2}- gin-deploy:environment = "staging" is not one of auto, dev, prod\. Fix: pulumi config set gin-deploy:environment dev /,
        );
        assert.match(line, /pulumi config set gin-deploy:appEnv staging$/);
        assert.doesNotMatch(line, /environment prod/);
    });

    it("a stack named production-eu is prod, and config:check says so first", () => {
        let res = repo.npm(dir, ["stack:init", "--", "production-eu"], repo.team());
        assert.strictEqual(res.status, 0, res.stderr);
        for (const [key, value] of [
            ["target", "ssh"],
            ["sshHost", "127.0.0.1"],
            ["sshHostKey", HOST_KEY],
        ]) {
            set([`gin-deploy:${key}`, value, "--stack", "production-eu"]);
        }
        set(["--secret", "gin-deploy:sshPrivateKey", "--stack", "production-eu"], PRIVATE_KEY);
        res = check("production-eu");
        assert.strictEqual(res.status, 0, res.stderr);
        assert.strictEqual(
            res.stdout.split("\n")[0],
            'stack "production-eu" is prod (the stack name "production-eu" starts with the word prod or production and gin-deploy:environment is auto); ' +
                "prod's rules apply: TLS to the database, SSH never open to the world, images by digest",
        );
        // The new stack's file is new and untracked (stack:init said so); the person's key is not in it.
        assert.strictEqual(repo.changed(dir), "?? Pulumi.production-eu.yaml");
        assert.doesNotMatch(fs.readFileSync(path.join(dir, "Pulumi.production-eu.yaml"), "utf8"), /sshPrivateKey/);
    });
});
