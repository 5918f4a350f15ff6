// The README's first hour as a new user meets it (issue #24): no pulumi on PATH, no language host,
// a fresh HOME (no stack selected, no plugins), and two checkouts of one team repository. The
// commands are run as typed (npm run ...), with the project's pinned CLI (built once per machine
// and cached; built here first when missing, minutes). Every message is checked for its cause and
// the next command; the committed files are checked with git after each step.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

import { git, messages, sh, TeamRepo } from "./teamRepo";

const PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
const privateKey = (who: string) =>
    `-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA${who}\n-----END OPENSSH PRIVATE KEY-----\n`;

describe("the first hour: a dev stack a team shares (npm run stack:init, npm run pulumi)", function () {
    let repo: TeamRepo;
    let alice: string;
    let bob: string;
    const npm = (...a: Parameters<TeamRepo["npm"]>) => repo.npm(...a);
    const team = () => repo.team();
    const changed = (dir: string) => repo.changed(dir);

    before(() => {
        repo = new TeamRepo();
        alice = repo.checkout("alice");
        bob = repo.checkout("bob");
    });
    after(() => repo.remove());

    it("runs with no pulumi on PATH and no Node.js language host", () => {
        const res = sh(repo.tmp, "bash", ["-c", "command -v pulumi pulumi-language-nodejs || true"], repo.env(repo.tmp));
        assert.strictEqual(res.stdout.trim(), "");
    });

    it("npm run pulumi -- preview --stack dev stops at once without the language host and names what works", () => {
        const started = Date.now();
        const res = npm(alice, ["pulumi", "--", "preview", "--stack", "dev"], team());
        assert.strictEqual(res.status, 2, res.stderr);
        assert.match(
            res.stderr,
            /runs the stack's program through the Node\.js language host \(pulumi-language-nodejs\),\n\s+which is not on PATH, next to the CLI/,
        );
        assert.match(res.stderr, /What works without it: npm run deploy:local/);
        assert.match(res.stderr, /npm run config:check -- --stack dev/);
        assert.ok(Date.now() - started < 15000, `took ${Date.now() - started} ms`);
        assert.strictEqual(changed(alice), "");
    });

    it("stack:init without a team passphrase refuses in one line naming PULUMI_CONFIG_PASSPHRASE_FILE, and changes nothing committed", () => {
        const res = npm(alice, ["stack:init", "--", "dev"]);
        assert.strictEqual(res.status, 2, res.stderr);
        assert.deepStrictEqual(messages(res.stderr).length, 1, res.stderr);
        assert.match(
            res.stderr,
            /^stack:init: a stack a team shares needs the team's passphrase, and none is set .* Fix: export PULUMI_CONFIG_PASSPHRASE_FILE=.* Nothing was changed\.$/m,
        );
        assert.strictEqual(changed(alice), "");
    });

    it("config on a stack never created says so and names stack:init", () => {
        const res = npm(alice, ["pulumi", "--", "config", "--stack", "dev"], team());
        assert.strictEqual(res.status, 2, res.stderr);
        assert.deepStrictEqual(messages(res.stderr), [
            `pulumi.sh: stack "dev" does not exist in this checkout's backend yet (${path.join(alice, ".gin-deploy", "state")}). Next: npm run stack:init -- dev (with the team's passphrase: PULUMI_CONFIG_PASSPHRASE_FILE). Nothing was run.`,
        ]);
    });

    it("the first stack:init records the team's salt in Pulumi.dev.yaml, on purpose, and changes nothing else", () => {
        const before = fs.readFileSync(path.join(alice, "Pulumi.dev.yaml"), "utf8");
        const res = npm(alice, ["stack:init", "--", "dev"], team());
        assert.strictEqual(res.status, 0, res.stderr);
        assert.match(
            res.stdout,
            /Pulumi\.dev\.yaml now records the team's secrets provider .* commit it \(git add Pulumi\.dev\.yaml && git commit\)/,
        );
        assert.strictEqual(changed(alice), "M Pulumi.dev.yaml");
        const after = fs.readFileSync(path.join(alice, "Pulumi.dev.yaml"), "utf8");
        assert.ok(after.startsWith(before), "the committed settings and comments are kept");
        assert.match(after.slice(before.length), /^encryptionsalt: v1:\S+\n?$/);
        git(alice, "commit", "-q", "-am", "dev: the team's secrets provider");
    });

    it("a team secret goes into the committed file encrypted; the person's CIDR and keys go to .gin-deploy/user/", () => {
        let res = npm(
            alice,
            ["pulumi", "--", "config", "set", "--secret", "gin-deploy:dbPassword", "--stack", "dev"],
            team(),
            "team-db-password-1",
        );
        assert.strictEqual(res.status, 0, res.stderr);
        assert.match(res.stderr, /gin-deploy:dbPassword is a team setting: this changes the committed Pulumi\.dev\.yaml, on purpose/);
        for (const args of [
            ["--path", "gin-deploy:sshCidrs[0]", "198.51.100.7/32"],
            ["gin-deploy:sshPublicKey", `${PUBLIC_KEY} alice`],
        ]) {
            res = npm(alice, ["pulumi", "--", "config", "set", ...args, "--stack", "dev"], team());
            assert.strictEqual(res.status, 0, res.stderr);
        }
        res = npm(
            alice,
            ["pulumi", "--", "config", "set", "--secret", "gin-deploy:sshPrivateKey", "--stack", "dev"],
            team(),
            privateKey("alice"),
        );
        assert.strictEqual(res.status, 0, res.stderr);

        assert.strictEqual(changed(alice), "M Pulumi.dev.yaml");
        const diff = git(alice, "diff", "-U0", "Pulumi.dev.yaml")
            .split("\n")
            .filter((l) => /^[+-][^+-]/.test(l));
        assert.deepStrictEqual(diff.length, 2, diff.join("\n"));
        assert.match(diff[0], /^\+ {2}gin-deploy:dbPassword:$/);
        assert.match(diff[1], /^\+ {4}secure: v1:/);
        const own = fs.readFileSync(path.join(alice, ".gin-deploy", "user", "Pulumi.dev.yaml"), "utf8");
        assert.match(own, /198\.51\.100\.7\/32/);
        assert.match(own, /gin-deploy:sshPrivateKey:\n\s+secure: v1:/);
        for (const file of [path.join(alice, "Pulumi.dev.yaml"), path.join(alice, ".gin-deploy", "user", "Pulumi.dev.yaml")]) {
            const text = fs.readFileSync(file, "utf8");
            assert.ok(!text.includes("team-db-password-1") && !text.includes("alice\n-----END"), `${file} holds a secret in plain text`);
        }
        git(alice, "commit", "-q", "-am", "dev: the team's database password");
        git(alice, "push", "-q", "origin", "HEAD");
    });

    it("a teammate with the team's passphrase reads the first user's secret, sets their own values, and git status shows nothing changed", () => {
        git(bob, "pull", "-q", "origin", "main");
        let res = npm(bob, ["stack:init", "--", "dev"], team());
        assert.strictEqual(res.status, 0, res.stderr);
        assert.match(res.stdout, /^Pulumi\.dev\.yaml is unchanged\.$/m);
        res = npm(bob, ["pulumi", "--", "config", "get", "gin-deploy:dbPassword", "--stack", "dev"], team());
        assert.strictEqual(res.status, 0, res.stderr);
        assert.strictEqual(res.stdout.trim(), "team-db-password-1");

        res = npm(bob, ["pulumi", "--", "config", "set", "--path", "gin-deploy:sshCidrs[0]", "203.0.113.9/32", "--stack", "dev"], team());
        assert.strictEqual(res.status, 0, res.stderr);
        res = npm(
            bob,
            ["pulumi", "--", "config", "set", "--secret", "gin-deploy:sshPrivateKey", "--stack", "dev"],
            team(),
            privateKey("bob"),
        );
        assert.strictEqual(res.status, 0, res.stderr);
        assert.strictEqual(changed(bob), "");

        // What a run reads: the team's settings and secret, with Bob's own values, not Alice's.
        res = npm(bob, ["pulumi", "--", "config", "--json", "--show-secrets", "--stack", "dev"], team());
        assert.strictEqual(res.status, 0, res.stderr);
        const config = JSON.parse(res.stdout) as Record<string, { value?: string }>;
        assert.strictEqual(config["gin-deploy:instanceType"].value, "t4g.micro");
        assert.strictEqual(config["gin-deploy:dbPassword"].value, "team-db-password-1");
        assert.strictEqual(config["gin-deploy:sshCidrs"].value, '["203.0.113.9/32"]');
        assert.strictEqual(config["gin-deploy:sshPrivateKey"].value, privateKey("bob").trimEnd()); // the CLI drops the last newline
        assert.strictEqual(changed(bob), "");
    });

    it("a wrong team passphrase gets one message naming the fix, before the CLI runs", () => {
        const res = npm(bob, ["pulumi", "--", "config", "get", "gin-deploy:dbPassword", "--stack", "dev"], {
            PULUMI_CONFIG_PASSPHRASE_FILE: repo.wrongPass,
        });
        assert.strictEqual(res.status, 2, res.stderr);
        assert.deepStrictEqual(messages(res.stderr).length, 1, res.stderr);
        assert.match(
            res.stderr,
            /^pulumi\.sh: the passphrase from PULUMI_CONFIG_PASSPHRASE_FILE \(.*wrong\.passphrase\) is not the team's: Pulumi\.dev\.yaml's secrets were encrypted with another .* Fix: export PULUMI_CONFIG_PASSPHRASE_FILE=/m,
        );
        assert.doesNotMatch(res.stderr, /incorrect passphrase/);
        assert.strictEqual(res.stdout, "");
    });

    it("a missing team passphrase (only this checkout's own) gets one message naming the fix", () => {
        const res = npm(bob, ["pulumi", "--", "config", "get", "gin-deploy:dbPassword", "--stack", "dev"]);
        assert.strictEqual(res.status, 2, res.stderr);
        assert.match(res.stderr, /^pulumi\.sh: secrets passphrase: this checkout's own .* no teammate or CI has it/m);
        assert.deepStrictEqual(messages(res.stderr).length, 1, res.stderr);
        assert.match(
            res.stderr,
            /^pulumi\.sh: Pulumi\.dev\.yaml's secrets are encrypted with the team's passphrase, and none is set: .* Fix: export PULUMI_CONFIG_PASSPHRASE_FILE=/m,
        );
    });

    it("npm run pulumi -- stack init dev is refused and names stack:init", () => {
        const res = npm(bob, ["pulumi", "--", "stack", "init", "dev"], team());
        assert.strictEqual(res.status, 2, res.stderr);
        assert.match(res.stderr, /^pulumi\.sh: Pulumi\.dev\.yaml is a team's stack file: create the stack with npm run stack:init -- dev/m);
        assert.strictEqual(changed(bob), "");
    });

    it("npm run pulumi -- stack rm dev removes the stack's state and keeps the committed Pulumi.dev.yaml", () => {
        let res = npm(bob, ["pulumi", "--", "stack", "rm", "dev", "--yes"], team());
        assert.strictEqual(res.status, 0, res.stderr);
        assert.match(
            res.stderr,
            /--preserve-config added: stack rm deletes the stack's state in this backend and keeps the committed Pulumi\.dev\.yaml/,
        );
        assert.ok(fs.existsSync(path.join(bob, "Pulumi.dev.yaml")));
        assert.strictEqual(changed(bob), "");
        res = npm(bob, ["pulumi", "--", "config", "--stack", "dev"], team());
        assert.strictEqual(res.status, 2);
        assert.match(res.stderr, /stack "dev" does not exist in this checkout's backend yet .* Next: npm run stack:init -- dev/);
    });
});
