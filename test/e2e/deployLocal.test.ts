// deploy:local's checks before anything changes, and where it looks for the provider plugin.
// These run everywhere (no engine needed): they are what a machine without the plugin sees.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { repoRoot } from "../../scripts/localHost";
import { commandPlugin, findPlugin, missingPluginMessage } from "../../scripts/providerPlugins";

function fakeBinary(p: string): void {
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, "#!/bin/sh\nexit 0\n", { mode: 0o755 });
}

describe("deploy:local without the provider plugin", function () {
    this.timeout(2 * 60 * 1000);
    let home: string;

    beforeEach(function () {
        home = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-home-"));
    });
    afterEach(function () {
        fs.rmSync(home, { recursive: true, force: true });
    });

    it("finds the plugin where the engine loads it from: $PULUMI_HOME/plugins or PATH", function () {
        const plugin = commandPlugin();
        assert.strictEqual(plugin.version, "1.2.1");
        const bare = { PULUMI_HOME: home, PATH: "/usr/bin:/bin" };
        assert.strictEqual(findPlugin(plugin, bare), undefined);

        const installed = path.join(home, "plugins", `resource-command-v${plugin.version}`, "pulumi-resource-command");
        fakeBinary(installed);
        assert.strictEqual(findPlugin(plugin, bare), installed);
        fs.writeFileSync(`${path.dirname(installed)}.partial`, "");
        assert.strictEqual(findPlugin(plugin, bare), undefined, "an interrupted install counted as installed");

        const onPath = path.join(home, "bin", "pulumi-resource-command");
        fakeBinary(onPath);
        assert.strictEqual(findPlugin(plugin, { ...bare, PATH: `${path.dirname(onPath)}:/usr/bin` }), onPath);
        assert.strictEqual(
            findPlugin(plugin, { ...bare, PATH: `${path.dirname(onPath)}:/usr/bin`, PULUMI_IGNORE_AMBIENT_PLUGINS: "true" }),
            undefined,
        );
    });

    it("stops before anything changes, with one message naming the plugin, its version and how to get it", function () {
        const hostName = "gd-e2e-noplugin";
        const workspaceFile = path.join(repoRoot, ".gin-deploy", "workspace", "Pulumi.local.yaml");
        const before = fs.existsSync(workspaceFile) ? fs.statSync(workspaceFile).mtimeMs : undefined;
        const started = performance.now();
        const res = spawnSync("bash", [path.join(repoRoot, "scripts", "deploy-local.sh"), "up"], {
            cwd: repoRoot,
            encoding: "utf8",
            env: {
                ...process.env,
                PULUMI_HOME: home,
                PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
                GIN_DEPLOY_HOST_NAME: hostName,
                // Were the CLI asked for anything, this would fail differently.
                GIN_DEPLOY_PULUMI: "/nonexistent/pulumi",
            },
        });
        assert.strictEqual(res.status, 1, `exit ${res.status}\n${res.stdout}\n${res.stderr}`);
        assert.strictEqual(res.stderr.trim(), missingPluginMessage(commandPlugin()), "not the one message");
        for (const part of [
            '"command" v1.2.1',
            "plugin install resource command 1.2.1",
            "--file",
            "pulumi-resource-command binary",
            "nothing was changed",
        ]) {
            assert.ok(res.stderr.includes(part), `the message lacks ${JSON.stringify(part)}`);
        }
        assert.ok(performance.now() - started < 60000, "it took a minute: did it build or start something?");
        const inspect = spawnSync("docker", ["inspect", hostName], { encoding: "utf8" });
        assert.notStrictEqual(inspect.status, 0, `${hostName} was started`);
        const after = fs.existsSync(workspaceFile) ? fs.statSync(workspaceFile).mtimeMs : undefined;
        assert.strictEqual(after, before, "the local stack's settings were written");
    });
});
