// install-container.sh's two refusals for what the app may get on a host (#21), run in bash with a
// stand-in `docker` that reports a given image user: the app's network (never the host's) and its
// user (the image's, never root unless --allow-root-user). test:container runs both for real.
import * as assert from "assert";
import { spawnSync } from "child_process";
import { hostScript } from "../support/hostScripts";

const SCRIPT = hostScript("install-container.sh");
const IMAGE = `127.0.0.1:5000/gin-app@sha256:${"ab".repeat(32)}`;

/** Runs one of the script's functions alone; die() prints and exits 1, as lib.sh's does. */
function call(fn: string, setup: string): { status: number; stdout: string; stderr: string } {
    const res = spawnSync(
        "bash",
        [
            "-c",
            `set -euo pipefail; die() { echo "install-container: $*" >&2; exit 1; }
             eval "$(sed -n '/^${fn}() {/,/^}/p' "$1")"; image='${IMAGE}'; ${setup}; ${fn} 8081`,
            "bash",
            SCRIPT,
        ],
        { encoding: "utf8" },
    );
    return { status: res.status ?? -1, stdout: res.stdout.trim(), stderr: res.stderr.trim() };
}

const withUser = (user: string, allow = 0) => `docker() { printf '%s\\n' '${user}'; }; allow_root_user=${allow}`;

describe("install-container.sh: the app's network and user", () => {
    it("publishes a bridge slot on 127.0.0.1 only, and binds the app to every address inside its own namespace", () => {
        assert.deepStrictEqual(call("network_conf", "network=bridge").stdout.split("\n"), [
            "NETWORK=bridge",
            "PUBLISH=--publish=127.0.0.1:8081:8081",
            "APP_HOST=0.0.0.0",
        ]);
        assert.deepStrictEqual(call("network_conf", `network=container:${"c".repeat(64)}`).stdout.split("\n"), [
            `NETWORK=container:${"c".repeat(64)}`,
            "PUBLISH=",
            "APP_HOST=127.0.0.1",
        ]);
    });

    it("refuses the host's network and anything else, naming the value", () => {
        for (const network of ["host", "none", "bridge --privileged", ""]) {
            const res = call("network_conf", `network='${network}'`);
            assert.strictEqual(res.status, 1, network);
            assert.match(
                res.stderr,
                new RegExp(
                    `--network '${network.replace(/[-]/g, "\\-")}' is not bridge or container:ID \\(the host's network is never used`,
                ),
            );
        }
    });

    it("runs the app as the image's own non-root user", () => {
        for (const user of ["65532:65532", "65532", "nonroot", "app:staff"]) {
            assert.deepStrictEqual(call("image_user", withUser(user)), { status: 0, stdout: user, stderr: "" });
        }
    });

    it("refuses an image whose user is root or unset, naming the image and the fix, unless allowed", () => {
        for (const [user, shown] of [
            ["", "unset"],
            ["root", "root"],
            ["0", "0"],
            ["0:0", "0:0"],
            ["root:wheel", "root:wheel"],
        ]) {
            const res = call("image_user", withUser(user));
            assert.strictEqual(res.status, 1, `user '${user}' was accepted`);
            assert.strictEqual(
                res.stderr,
                `install-container: image ${IMAGE} runs as root (its USER is ${shown}); nothing was started. Fix: end its Dockerfile with a non-root USER (e.g. USER 65532:65532), or set allowRootUser: true on ContainerService to run it as root`,
            );
            assert.deepStrictEqual(call("image_user", withUser(user, 1)), { status: 0, stdout: user || "0:0", stderr: "" });
        }
    });

    it("refuses a user that is not USER[:GROUP] (it would become more than one docker argument)", () => {
        for (const user of ["65532 --privileged", "a:b:c", "-u0"]) {
            const res = call("image_user", withUser(user));
            assert.strictEqual(res.status, 1, user);
            assert.match(res.stderr, /has the user '.*', which is not USER\[:GROUP\]/);
        }
    });
});
