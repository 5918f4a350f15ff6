import * as assert from "assert";

import { asRoot, prepareStagingCommand } from "../../../../components/shared/renderers/asRoot";
import { runAsLogin } from "../../../support/rootCommand";

const ROOT = { uid: 0, user: "root", sudo: false };
const ADMIN = { uid: 1000, user: "admin", sudo: true };
const NO_SUDO = { uid: 1001, user: "deploy", sudo: false };
const STAGING = "/var/lib/gin-deploy/test-app/staging";

describe("root access on a host reached as any user (asRoot)", () => {
    it("runs a step directly as root, and through sudo -n as a sudo user", () => {
        assert.deepStrictEqual(runAsLogin(asRoot("bash /x/install.sh --port 8080"), ROOT).calls, ["bash /x/install.sh --port 8080"]);
        assert.deepStrictEqual(runAsLogin(asRoot("bash /x/install.sh --port 8080"), ADMIN).calls, [
            "sudo -n bash /x/install.sh --port 8080",
        ]);
    });

    it("staging: folders made by root and handed to the login user, as root and as admin", () => {
        const line = prepareStagingCommand([STAGING, `${STAGING}/units`], ["/var/lib/gin-deploy/test-app"]);
        const asAdmin = runAsLogin(line, ADMIN);
        assert.strictEqual(asAdmin.status, 0, asAdmin.stderr);
        assert.deepStrictEqual(asAdmin.calls, [
            "sudo -n install -d -m 0755 /var/lib/gin-deploy/test-app",
            `sudo -n install -d -m 0700 -o 1000 -g 1000 ${STAGING} ${STAGING}/units`,
            `sudo -n chown -R 1000:1000 ${STAGING} ${STAGING}/units`,
        ]);
        const asRootUser = runAsLogin(line, ROOT);
        assert.strictEqual(asRootUser.status, 0, asRootUser.stderr);
        assert.deepStrictEqual(asRootUser.calls, [
            "install -d -m 0755 /var/lib/gin-deploy/test-app",
            `install -d -m 0700 -o 0 -g 0 ${STAGING} ${STAGING}/units`,
            `chown -R 0:0 ${STAGING} ${STAGING}/units`,
        ]);
    });

    it("a user without passwordless sudo: one message naming the user and the fix, and nothing run", () => {
        const run = runAsLogin(prepareStagingCommand([STAGING]), NO_SUDO);
        assert.strictEqual(run.status, 1);
        assert.deepStrictEqual(run.calls, [], "something ran on the host before the refusal");
        assert.match(run.stderr, /the login user deploy on host1 cannot run sudo without a password/);
        assert.match(run.stderr, /Nothing was changed on the host/);
        assert.match(run.stderr, /deploy ALL=\(ALL\) NOPASSWD:ALL/);
        assert.strictEqual(run.stderr.trim().split("\n").length, 1, `more than one line: ${run.stderr}`);
    });

    it("refuses a staging folder that is not a plain absolute path", () => {
        assert.throws(() => prepareStagingCommand(["relative/dir"]), /not an absolute path/);
        assert.throws(() => prepareStagingCommand(["/var/lib/x; reboot"]), /not an absolute path/);
        assert.throws(() => prepareStagingCommand(["/var/lib/../etc"]), /not an absolute path/);
        assert.throws(() => prepareStagingCommand([]), /at least one folder/);
    });
});
