// The GitHub Actions workflows: actionlint-clean, actions pinned, and the engine versions they
// install the same as the ones the project pins.
import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";

import { repoRoot } from "../../scripts/localHost";
import { commandPlugin } from "../../scripts/providerPlugins";

const workflowsDir = path.join(repoRoot, ".github", "workflows");
const actionlint = (args: string[]) =>
    spawnSync("bash", [path.join(repoRoot, "scripts", "actionlint.sh"), ...args], { cwd: repoRoot, encoding: "utf8" });

function workflowFiles(): string[] {
    return fs
        .readdirSync(workflowsDir)
        .filter((f) => /\.ya?ml$/.test(f))
        .map((f) => path.join(workflowsDir, f));
}

function allUses(): string[] {
    const files = [...workflowFiles(), path.join(repoRoot, ".github", "actions", "stack-setup", "action.yml")];
    return files.flatMap((f) => [...fs.readFileSync(f, "utf8").matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)/gm)].map((m) => m[1]));
}

describe("workflows: .github/workflows", function () {
    this.timeout(5 * 60 * 1000);

    // actionlint checks the run: scripts only with shellcheck on PATH.
    before(function () {
        execFileSync("bash", [path.join(repoRoot, "scripts", "apt-install.sh"), "shellcheck"], { stdio: "inherit" });
    });

    it("has the test, preview, up and drift workflows", function () {
        const names = workflowFiles()
            .map((f) => path.basename(f))
            .sort();
        assert.deepStrictEqual(names, ["drift.yml", "preview.yml", "test.yml", "up.yml"]);
    });

    it("passes actionlint (with shellcheck on the run: scripts)", function () {
        const res = actionlint(["-color=false"]);
        assert.strictEqual(res.status, 0, `actionlint found problems:\n${res.stdout}${res.stderr}`);
    });

    it("actionlint fails a broken workflow (the check above can fail)", function () {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "actionlint-"));
        const broken = path.join(dir, "broken.yml");
        fs.writeFileSync(
            broken,
            "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.no_such_thing }}\n",
        );
        const res = actionlint(["-color=false", broken]);
        fs.rmSync(dir, { recursive: true, force: true });
        assert.notStrictEqual(res.status, 0, "actionlint passed a workflow with an unknown context property");
    });

    it("pins every action to a commit (its version in a comment: test/unit/supplyChainPins.test.ts)", function () {
        const loose = allUses().filter((u) => !u.startsWith("./") && !/@[0-9a-f]{40}$/.test(u));
        assert.deepStrictEqual(loose, [], "actions not pinned to a full commit SHA");
    });

    it("installs the Pulumi CLI the project pins and the command plugin @pulumi/command pins", function () {
        const goMod = fs.readFileSync(path.join(repoRoot, "tools", "pulumi-cli", "go.mod"), "utf8");
        const cliVersion = /github\.com\/pulumi\/pulumi\/pkg\/v3 v(\S+)/.exec(goMod)?.[1];
        assert.ok(cliVersion, "tools/pulumi-cli/go.mod has no pkg/v3 requirement");
        for (const f of workflowFiles()) {
            const doc = yaml.load(fs.readFileSync(f, "utf8")) as { env?: Record<string, string> };
            assert.strictEqual(doc.env?.PULUMI_VERSION, cliVersion, `${path.basename(f)} installs Pulumi ${doc.env?.PULUMI_VERSION}`);
        }
        const test = yaml.load(fs.readFileSync(path.join(workflowsDir, "test.yml"), "utf8")) as { env: Record<string, string> };
        assert.strictEqual(test.env.COMMAND_PLUGIN_VERSION, commandPlugin().version);
    });
});
