// `npm run pulumi -- <args>` at the repository root: the local stack runs in its own workspace,
// and without one the command refuses before it writes anything.
import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");
const gitStatus = () => execFileSync("git", ["status", "--porcelain", "--ignored=no"], { cwd: ROOT, encoding: "utf8" });

describe("npm run pulumi on the local stack", () => {
    const scratch: string[] = [];
    const scratchDir = () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gd-ws-"));
        scratch.push(dir);
        return dir;
    };
    after(() => {
        for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("refuses without the stack's workspace, says which command sets it up, and changes nothing", () => {
        const absent = path.join(scratchDir(), "workspace");
        const before = gitStatus();
        const res = spawnSync("bash", [path.join(ROOT, "scripts", "pulumi.sh"), "preview", "--stack", "local"], {
            cwd: ROOT,
            encoding: "utf8",
            env: { ...process.env, GIN_DEPLOY_WORKSPACE: absent, PATH: "/usr/bin:/bin" },
        });
        assert.strictEqual(res.status, 2, res.stderr);
        assert.match(res.stderr, /Run 'npm run deploy:local' once/);
        assert.match(res.stderr, /then 'npm run pulumi -- preview --stack local' runs there\. Nothing was changed\./);
        assert.ok(!fs.existsSync(absent), "the refusal created the workspace");
        assert.strictEqual(gitStatus(), before);
    });

    it("runs the local stack's commands in its workspace, not beside the committed Pulumi.local.yaml", () => {
        const workspace = scratchDir();
        fs.writeFileSync(path.join(workspace, "Pulumi.local.yaml"), "config: {}\n");
        // A stand-in CLI that prints the arguments it was given (the script takes GIN_DEPLOY_PULUMI as the CLI).
        const cli = path.join(workspace, "fake-pulumi");
        fs.writeFileSync(cli, "#!/bin/sh\nprintf '%s\\n' \"$@\"\n", { mode: 0o755 });
        const res = spawnSync("bash", [path.join(ROOT, "scripts", "pulumi.sh"), "stack", "output", "--stack", "local"], {
            cwd: ROOT,
            encoding: "utf8",
            env: { ...process.env, GIN_DEPLOY_WORKSPACE: workspace, GIN_DEPLOY_PULUMI: cli },
        });
        assert.strictEqual(res.status, 0, res.stderr);
        assert.deepStrictEqual(res.stdout.trim().split("\n"), ["stack", "output", "--stack", "local", "--cwd", workspace]);
    });
});
