// `npm run logs`: the options it takes and the commands it sends (the real hosts and cluster run them
// in test:aws-host, test:reuse and test:k8s).
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";

import { containerLogCommand, kubectlLogArgs, systemdLogCommand, validateLogOptions } from "../../scripts/logs/logCommands";

const ROOT = path.join(__dirname, "..", "..");
const logs = (...args: string[]) =>
    spawnSync("node", ["-r", "ts-node/register/transpile-only", "scripts/logs.ts", ...args], { cwd: ROOT, encoding: "utf8" });

describe("npm run logs", () => {
    it("takes -n and --since as numbers and durations, and refuses anything else with the form", () => {
        assert.doesNotThrow(() => validateLogOptions({ lines: 50, follow: false, since: "10m" }));
        assert.throws(() => validateLogOptions({ lines: 0, follow: false }), /-n 0 must be a whole number of lines/);
        assert.throws(
            () => validateLogOptions({ lines: 10, follow: false, since: "yesterday" }),
            /--since "yesterday" is not a duration: use a number and s, m or h/,
        );
        assert.throws(() => validateLogOptions({ lines: 10, follow: false, since: "10m; reboot" }), /is not a duration/);
    });

    it("reads the live unit's journal in systemd mode, as root, and says which unit", () => {
        const line = systemdLogCommand("gin-app", { lines: 20, follow: true, since: "2h" });
        assert.match(
            line,
            /\*\/blue\.sock\) unit=gin-app-slot-blue\.service ;; \*\/green\.sock\) unit=gin-app-slot-green\.service ;; \*\) unit=gin-app\.service/,
        );
        assert.match(line, /\$as_root journalctl -u "\$unit" -n 20 --no-pager --since -7200s --follow$/);
        assert.match(line, /echo "logs: \$unit on \$\(hostname\)" >&2/);
    });

    it("reads the live slot's container in container mode, and refuses when no slot is live", () => {
        const line = containerLogCommand("gin-app", { lines: 5, follow: false });
        assert.match(line, /readlink \/var\/lib\/gin-deploy\/gin-app\/current\.sock/);
        assert.match(line, /\$as_root docker logs --tail 5 gin-app-"\$slot"$/);
        assert.match(line, /no live release of gin-app on this host/);
    });

    it("reads every pod of the service on kubernetes, by the Deployment's selector", () => {
        assert.deepStrictEqual(kubectlLogArgs("gin", "gin-app", { lines: 7, follow: false, since: "30s" }), [
            "logs",
            "--namespace",
            "gin",
            "--selector",
            "app.kubernetes.io/name=gin-app,app.kubernetes.io/component=server",
            "--all-containers",
            "--prefix",
            "--tail",
            "7",
            "--since",
            "30s",
        ]);
        assert.throws(
            () => kubectlLogArgs("Bad NS", "gin-app", { lines: 1, follow: false }),
            /namespace "Bad NS" is not a Kubernetes name/,
        );
    });

    it("answers --help, and refuses a bad call with one line and the usage", () => {
        const help = logs("--help");
        assert.strictEqual(help.status, 0);
        assert.match(help.stdout, /^usage: npm run logs -- --stack NAME/);
        const bad = logs("--stack", "local", "--since", "soon");
        assert.strictEqual(bad.status, 2);
        assert.match(bad.stderr, /^logs: --since "soon" is not a duration/);
        const none = logs();
        assert.strictEqual(none.status, 2);
        assert.match(none.stderr, /give --stack NAME/);
    });
});
