// The pack for real: the Pulumi engine runs `preview --policy-pack policy` (Automation API, file
// backend, inline program) through previewWithPolicy. The program registers only component
// resources, so no provider plugin is needed: each one is registered under the type token of the
// resource a rule judges, with that resource's inputs, which is what the engine hands the pack.
// A dev stack gets the violation as a warning and the preview passes; a prod stack fails on it.
//
// Needs a Pulumi CLI (on PATH, or built by tools/pulumi-cli/build.sh, as the e2e suite and
// deploy:local do); without one it says so and skips.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { Stack } from "@pulumi/pulumi/automation";

import { cliEnv, Engine, findEngine, inlineStack, makeEngine, removeEngine } from "../support/engine";
import { previewWithPolicy } from "./previewWithPolicy";

const ROOT = path.join(__dirname, "..", "..");

/** A component under a rule's type token, carrying that resource's inputs (components send theirs). */
class StandIn extends pulumi.ComponentResource {
    constructor(type: string, name: string, inputs: Record<string, unknown>) {
        super(type, name, inputs);
        this.registerOutputs({});
    }
}

const GOOD_INSTANCE = { metadataOptions: { httpTokens: "required" }, rootBlockDevice: { encrypted: true } };
const BAD_INSTANCE = { metadataOptions: { httpTokens: "optional" }, rootBlockDevice: { encrypted: true } };

describe("the pack for real: preview --policy-pack policy", function () {
    this.timeout(300_000);
    let engine: Engine | undefined;
    const stacks: Stack[] = [];

    before(function () {
        const found = findEngine();
        if (!found.cli) {
            console.log(`      skipped: ${found.why}`);
            this.skip();
        }
        engine = makeEngine(found.cli as string, "policy-engine");
    });
    after(async () => {
        for (const stack of stacks) {
            await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
        }
        removeEngine(engine);
    });

    async function open(stackName: string, instance: Record<string, unknown>): Promise<Stack> {
        const program = async () => {
            new StandIn("aws:ec2/instance:Instance", "planted-instance", instance);
            new StandIn("gindeploy:test:Clean", "clean", { note: "nothing to judge" });
        };
        const stack = await inlineStack(engine as Engine, stackName, program, {
            projectName: "gin-deploy-policy-check",
            workspace: stackName,
        });
        stacks.push(stack);
        return stack;
    }

    it("a clean program on prod: the preview passes with no violation", async () => {
        const run = await previewWithPolicy(await open("prod", GOOD_INSTANCE));
        assert.strictEqual(run.failed, false, run.error);
        assert.deepStrictEqual(run.violations, []);
    });

    it("one planted violation on prod (IMDSv1 allowed): mandatory, the preview fails", async () => {
        const run = await previewWithPolicy(await open("prod", BAD_INSTANCE));
        assert.strictEqual(run.failed, true, "the preview passed");
        assert.deepStrictEqual(
            run.violations.map((v) => [v.policy, v.level]),
            [["instance-requires-imdsv2", "mandatory"]],
        );
        assert.match(run.violations[0].message, /planted-instance: metadataOptions\.httpTokens is "optional"; set it to "required"/);
        assert.match(
            run.violations[0].urn ?? "",
            /^urn:pulumi:prod::gin-deploy-policy-check::aws:ec2\/instance:Instance::planted-instance$/,
        );
        assert.match(run.error ?? "", /\[mandatory\] +instance-requires-imdsv2 +\(aws:ec2:Instance: planted-instance\)/); // the CLI prints the type without its module path
        assert.deepStrictEqual(
            (run.error ?? "")
                .match(/^ *error: .*$/gm)
                ?.map((l) => l.trim())
                .filter((l, i, a) => a.indexOf(l) === i),
            ["error: preview failed"],
        );
    });

    it("the same program on dev: advisory, the preview passes with the warning", async () => {
        const run = await previewWithPolicy(await open("dev", BAD_INSTANCE));
        assert.strictEqual(run.failed, false, run.error);
        assert.deepStrictEqual(
            run.violations.map((v) => [v.policy, v.level]),
            [["instance-requires-imdsv2", "advisory"]],
        );
    });

    it("the pack's config can disable a rule", async () => {
        const run = await previewWithPolicy(await open("prod", BAD_INSTANCE), { policyConfig: { "instance-requires-imdsv2": "disabled" } });
        assert.strictEqual(run.failed, false, run.error);
        assert.deepStrictEqual(run.violations, []);
    });
});

// The local stack's whole program (deployStack(loadConfig()) with Pulumi.local.yaml), previewed by
// the real engine with its real provider: needs `pulumi-resource-command` on PATH (the CLI installs
// it elsewhere; this machine has no registry that serves it). A preview dials no host.
describe("the pack for real on the local program (needs pulumi-resource-command on PATH)", function () {
    this.timeout(600_000);
    let engine: Engine | undefined;

    before(function () {
        const found = findEngine();
        const provider = spawnSync("bash", ["-c", "command -v pulumi-resource-command"]).status === 0;
        if (!found.cli || !provider) {
            console.log(`      skipped: ${!found.cli ? found.why : "no pulumi-resource-command on PATH (the command provider 1.2.1)"}`);
            this.skip();
        }
        // The program's reachability check is a dynamic resource: the engine's shim runs it.
        engine = makeEngine(found.cli as string, "policy-local");
    });
    after(() => removeEngine(engine));

    async function localStack(planted: boolean): Promise<Stack> {
        const e = engine as Engine;
        const workDir = path.join(e.dir, "work", planted ? "planted" : "clean");
        const program = async () => {
            const { stackProgram } = await import("../../stack/program");
            const command = await import("@pulumi/command");
            const outputs = stackProgram({
                projectDir: ROOT,
                appDir: path.join(ROOT, "test", "unit", "fixtures", "hello-module"),
                buildCacheDir: path.join(e.dir, "build"),
            });
            if (planted) {
                new command.remote.CopyToRemote("planted-unit", {
                    connection: { host: "127.0.0.1", port: 2222, user: "root", privateKey: pulumi.secret("not-a-key") },
                    source: new pulumi.asset.StringAsset("[Service]\nExecStart=/usr/local/bin/x\nDynamicUser=yes\n"),
                    remotePath: "/var/lib/gin-deploy/staging/planted.service",
                });
            }
            return outputs;
        };
        const stack = await inlineStack(e, "local", program, { workspace: planted ? "planted" : "clean" });
        // The committed file, and the local host's key deploy:local would add (a preview never dials).
        const doc = fs.readFileSync(path.join(ROOT, "Pulumi.local.yaml"), "utf8");
        fs.writeFileSync(
            path.join(workDir, "Pulumi.local.yaml"),
            `${doc.trimEnd()}\n  gin-deploy:sshHostKey: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKvDsv1BMTbrpWx08odqoZi6lVOwDXhofoPPlHtnfxHC\n`,
        );
        // The one secret, from stdin (a stand-in key: a preview never dials).
        const set = spawnSync(e.cli, ["config", "set", "--secret", "--stack", "local", "--cwd", workDir, "gin-deploy:sshPrivateKey"], {
            input: "-----BEGIN OPENSSH PRIVATE KEY-----\nstand-in\n-----END OPENSSH PRIVATE KEY-----\n",
            env: cliEnv(e),
            encoding: "utf8",
        });
        assert.strictEqual(set.status, 0, set.stderr);
        return stack;
    }

    it("the whole local program: 0 violations, the preview passes", async () => {
        const run = await previewWithPolicy(await localStack(false));
        assert.strictEqual(run.failed, false, run.error);
        assert.deepStrictEqual(run.violations, []);
    });

    it("plus one planted unit without Restart=, judged as prod: the preview fails on it", async () => {
        const prodConfig = JSON.parse(fs.readFileSync(path.join(ROOT, "policy", "config", "prod.json"), "utf8"));
        const run = await previewWithPolicy(await localStack(true), { policyConfig: prodConfig });
        assert.strictEqual(run.failed, true, "the preview passed");
        // The pack's refusal is the only error: the CLI's own summary line and nothing else.
        assert.match(run.error ?? "", /\[mandatory\] +systemd-unit-restarts-and-not-root +\(command:remote:CopyToRemote: planted-unit\)/);
        assert.deepStrictEqual(
            (run.error ?? "")
                .match(/^ *error: .*$/gm)
                ?.map((l) => l.trim())
                .filter((l, i, a) => a.indexOf(l) === i),
            ["error: preview failed"],
        );
        const planted = run.violations.filter((v) => (v.urn ?? "").endsWith("::planted-unit"));
        assert.deepStrictEqual(
            planted.map((v) => [v.policy, v.level]),
            [["systemd-unit-restarts-and-not-root", "mandatory"]],
        );
        assert.match(planted[0].message, /planted\.service has no Restart=/);
        assert.deepStrictEqual(
            run.violations.filter((v) => !(v.urn ?? "").endsWith("::planted-unit")),
            [],
        );
    });
});
