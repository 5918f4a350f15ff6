// Which file `npm run pulumi` hands the CLI for a team stack (scripts/teamStack/route.ts), and the
// check of a team passphrase against a stack file's encryptionsalt (scripts/teamStack/passphrase.ts).
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";

import { passphraseOpens } from "../../scripts/teamStack/passphrase";
import { baseKey, positionalStack, route } from "../../scripts/teamStack/route";

// Written by the pinned CLI (v3.274.1) for `stack init dev` with PULUMI_CONFIG_PASSPHRASE=team-secret-1.
const SALT = "v1:g5U6fE/flQg=:v1:UoLCav+bvAwt3XbF:v8GFha58IuQo1wMeNSP7g/I9LLULFA==";

describe("team stacks: routing and the passphrase check (issue #24)", () => {
    it("sends config set/get/rm of a person's key to the person's file, in any spelling of the key", () => {
        for (const key of ["gin-deploy:sshCidrs[0]", "sshCidrs", "gin-deploy:sshPublicKey", "gin-deploy:sshPrivateKey"]) {
            assert.strictEqual(route(["config", "set", "--path", key, "x", "--stack", "dev"]).use, "user", key);
            assert.strictEqual(route(["config", "get", key]).use, "user", key);
        }
        assert.strictEqual(baseKey("gin-deploy:sshCidrs[0]"), "sshCidrs");
        assert.strictEqual(baseKey("aws:region"), undefined);
    });

    it("leaves a team key in the committed file, and says so for set and rm only", () => {
        assert.deepStrictEqual(
            route(["config", "set", "gin-deploy:appPort", "9090", "--stack", "dev"]).changesCommitted,
            "gin-deploy:appPort",
        );
        assert.strictEqual(route(["config", "set", "aws:region", "eu-west-1"]).use, "committed");
        assert.strictEqual(route(["config", "get", "gin-deploy:dbPassword"]).changesCommitted, undefined);
    });

    it("runs and config listings read the merged file; stack init is refused, stack rm keeps the file", () => {
        for (const args of [["preview"], ["up", "--yes"], ["destroy"], ["config"], ["config", "--json", "--show-secrets"]]) {
            assert.strictEqual(route(args).use, "merged", args.join(" "));
        }
        assert.ok(route(["stack", "init", "dev"]).init);
        assert.ok(route(["stack", "rm", "dev", "--yes"]).remove);
        assert.strictEqual(positionalStack(["stack", "rm", "--yes", "dev"]), "dev");
        assert.strictEqual(positionalStack(["stack", "ls"]), undefined);
    });

    it("opens the salt with the team's passphrase only", () => {
        assert.strictEqual(passphraseOpens(SALT, "team-secret-1"), true);
        assert.strictEqual(passphraseOpens(SALT, "team-secret-2"), false);
        assert.strictEqual(passphraseOpens("v2:something", "team-secret-1"), undefined);
    });

    it("leaves the stacks their own deploy script makes (local, local-k8s) alone, and names that script for stack init", () => {
        const ask = (...args: string[]) =>
            spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/teamStack.ts", "args", ...args], {
                cwd: path.join(__dirname, "..", ".."),
                encoding: "utf8",
            });
        let res = ask("local-k8s", "--", "config", "set", "gin-deploy:sshCidrs", "x", "--stack", "local-k8s");
        assert.strictEqual(res.status, 0, res.stderr);
        assert.strictEqual(res.stdout, "");
        res = ask("", "--", "stack", "init", "local-k8s");
        assert.strictEqual(res.status, 2);
        assert.match(
            res.stderr,
            /^pulumi\.sh: the local-k8s stack is made by npm run deploy:local-k8s, in its own workspace\. Nothing was run\.$/m,
        );
        res = ask("", "--", "stack", "rm", "local-k8s", "--yes");
        assert.strictEqual(res.stdout.trim(), "--preserve-config");
    });
});
