import * as assert from "assert";

import { parse } from "shell-quote";

import { renderContainerCommands, renderLoginCommand } from "../../../../components/container/renderers/commands";
import { rootArgv, runAsLogin } from "../../../support/rootCommand";

/** The words a POSIX shell would pass to the program. */
const argv = (line: string) => parse(line);
const STAGING = "/var/lib/gin-deploy/gin-app/staging";

const ref = `127.0.0.1:5000/gin-app@sha256:${"ab".repeat(32)}`;
const settings = {
    serviceName: "gin-app",
    imageRef: ref,
    version: "v1.2.3-4-gabc",
    port: 8080,
    slotPorts: { blue: 8081, green: 8082 },
    healthTimeoutSeconds: 60,
    healthPath: "/healthz",
    versionCheck: true,
    drainTimeoutSeconds: 0,
};

describe("container commands", () => {
    it("runs the uploaded install script's release with quoted, validated arguments, the four shared release settings always explicit", () => {
        assert.deepStrictEqual(rootArgv(renderContainerCommands(settings).release), [
            "bash",
            `${STAGING}/install-container.sh`,
            "release",
            "--image",
            ref,
            "--version",
            "v1.2.3-4-gabc",
            "--port",
            "8080",
            "--slot-ports",
            "8081,8082",
            "--health-path",
            "/healthz",
            "--health-timeout",
            "60",
            "--drain-timeout",
            "0",
            "--version-check",
            "on",
        ]);
    });

    it("adds a plain app's health path, no version check, its state volume and the drain wait; the uninstall removes the volume only when asked", () => {
        const volume = { name: "gin-app-state", mountPath: "/data", uid: 65532, gid: 65532, removeOnDestroy: false };
        const c = renderContainerCommands({
            ...settings,
            version: undefined,
            healthPath: "/",
            versionCheck: false,
            stateVolume: volume,
            drainTimeoutSeconds: 20,
        });
        assert.deepStrictEqual(rootArgv(c.release).slice(3), [
            "--image",
            ref,
            "--version",
            "sha256-abababababab",
            "--port",
            "8080",
            "--slot-ports",
            "8081,8082",
            "--health-path",
            "/",
            "--health-timeout",
            "60",
            "--drain-timeout",
            "20",
            "--version-check",
            "off",
            "--state-volume",
            "gin-app-state",
            "--state-mount",
            "/data",
            "--state-owner",
            "65532:65532",
        ]);
        assert.doesNotMatch(c.uninstall, /remove-state-volume/);
        const removing = renderContainerCommands({ ...settings, stateVolume: { ...volume, removeOnDestroy: true } });
        assert.match(removing.uninstall, /uninstall-container\.sh --remove-state-volume gin-app-state; fi$/);
        assert.strictEqual(argv(renderContainerCommands(settings).uninstall).includes("--remove-state-volume"), false);
        assert.throws(() => renderContainerCommands({ ...settings, version: undefined }), /version is missing while versionCheck is true/);
        assert.throws(() => renderContainerCommands({ ...settings, healthPath: "x" }), /healthCheck\.path "x" is not a usable health path/);
        assert.throws(
            () => renderContainerCommands({ ...settings, stateVolume: { ...volume, name: "Bad Name" } }),
            /stateVolume name "Bad Name" is not a volume name/,
        );
        assert.throws(
            () => renderContainerCommands({ ...settings, stateVolume: { ...volume, mountPath: "/proc/x" } }),
            /stateVolume\.mountPath "\/proc\/x" must be an absolute container path/,
        );
        assert.throws(
            () => renderContainerCommands({ ...settings, drainTimeoutSeconds: -1 }),
            /drainTimeoutSeconds=-1 is not a usable wait: give whole seconds from 0 to 3600/,
        );
    });

    it("asks the host to run an image whose user is root only when allowRootUser is set", () => {
        assert.ok(!argv(renderContainerCommands(settings).release).includes("--allow-root-user"));
        assert.strictEqual(argv(renderContainerCommands({ ...settings, allowRootUser: true }).release).at(-1), "--allow-root-user");
    });

    it("stages in folders of the login user's under a traversable, root-owned state folder", () => {
        assert.deepStrictEqual(runAsLogin(renderContainerCommands(settings).prepare, { uid: 1000, user: "admin", sudo: true }).calls, [
            "sudo -n install -d -m 0755 /var/lib/gin-deploy/gin-app",
            `sudo -n install -d -m 0700 -o 1000 -g 1000 ${STAGING} ${STAGING}/units`,
            `sudo -n chown -R 1000:1000 ${STAGING} ${STAGING}/units`,
        ]);
    });

    it("reads the env file from stdin: no setting on the command line", () => {
        assert.deepStrictEqual(rootArgv(renderContainerCommands(settings).writeEnv), ["bash", `${STAGING}/install-container.sh`, "env"]);
    });

    it("refuses an image by tag, a version that is not a plain word and a silly health timeout", () => {
        assert.throws(() => renderContainerCommands({ ...settings, imageRef: "127.0.0.1:5000/gin-app:v1" }), /must be pinned by digest/);
        assert.throws(
            () => renderContainerCommands({ ...settings, version: "v1; reboot" }),
            /version "v1; reboot" is not a release version/,
        );
        assert.throws(
            () => renderContainerCommands({ ...settings, healthTimeoutSeconds: 0 }),
            /healthCheck\.timeoutSeconds=0 is not a usable wait: give whole seconds from 1 to 3600/,
        );
    });

    it("logs in with the password on stdin, and not at all without credentials", () => {
        assert.deepStrictEqual(rootArgv(renderLoginCommand("gin-app", "123456789012.dkr.ecr.eu-west-1.amazonaws.com", "AWS")), [
            "bash",
            `${STAGING}/install-container.sh`,
            "login",
            "--server",
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
            "--username",
            "AWS",
        ]);
        assert.deepStrictEqual(argv(renderLoginCommand("gin-app", "127.0.0.1:5000", "")), [
            "echo",
            "registry 127.0.0.1:5000: no credentials given, no docker login",
        ]);
        assert.throws(() => renderLoginCommand("gin-app", "https://x", "AWS"), /not a host name/);
    });
});
