import * as assert from "assert";
import { parse } from "shell-quote";

import {
    installReleaseCommand,
    prepareStagingCommand,
    releaseUploads,
    uninstallCommand,
} from "../../../../components/systemd/renderers/releaseCommands";
import { shellQuote } from "../../../../components/shared/renderers/shellQuote";
import { rootArgv, runAsLogin } from "../../../support/rootCommand";

/** The words a POSIX shell would pass to the program. */
const argv = (line: string) => parse(line);

const sha = "ab".repeat(32);
/** The four release settings both modes share, as resolveSystemdOptions gives them by default. */
const shared = { healthPath: "/healthz", healthTimeoutSec: 60, versionCheck: true };

describe("release commands", () => {
    it("stages uploads in a folder of the login user's, the binary named by its digest", () => {
        const up = releaseUploads("gin-app", sha);
        assert.strictEqual(up.binary, `/var/lib/gin-deploy/staging/systemd/gin-app/gin-app-${sha.slice(0, 12)}`);
        assert.deepStrictEqual(runAsLogin(prepareStagingCommand("gin-app"), { uid: 1000, user: "admin", sudo: true }).calls, [
            "sudo -n install -d -m 0700 -o 1000 -g 1000 /var/lib/gin-deploy/staging/systemd/gin-app",
            "sudo -n chown -R 1000:1000 /var/lib/gin-deploy/staging/systemd/gin-app",
        ]);
    });

    it("runs install-release.sh with quoted arguments, the shared release settings explicit, and the env file on stdin", () => {
        const line = installReleaseCommand({
            serviceName: "gin-app",
            version: "v1.2.3-4-gabc",
            binarySha256: sha,
            port: 8080,
            hostFirewall: false,
            ...shared,
        });
        const staging = "/var/lib/gin-deploy/staging/systemd/gin-app";
        assert.deepStrictEqual(rootArgv(line), [
            "bash",
            `${staging}/install-release.sh`,
            "--version",
            "v1.2.3-4-gabc",
            "--sha256",
            sha,
            "--binary",
            `${staging}/gin-app-${sha.slice(0, 12)}`,
            "--service-unit",
            `${staging}/gin-app.service`,
            "--socket-unit",
            `${staging}/gin-app.socket`,
            "--port",
            "8080",
            "--env-stdin",
            "--firewall",
            "off",
            "--health-path",
            "/healthz",
            "--health-timeout",
            "60",
            "--version-check",
            "on",
        ]);
    });

    it("passes the firewall switch", () => {
        assert.match(
            installReleaseCommand({ serviceName: "gin-app", version: "v1", binarySha256: sha, port: 80, hostFirewall: true, ...shared }),
            /--firewall on /,
        );
    });

    it("refuses a version the build could not stamp, a bad digest or port", () => {
        assert.throws(
            () =>
                installReleaseCommand({
                    serviceName: "gin-app",
                    version: "v1; rm -rf /",
                    binarySha256: sha,
                    port: 80,
                    hostFirewall: false,
                    ...shared,
                }),
            /version "v1; rm -rf \/" is not a release version/,
        );
        assert.throws(() => releaseUploads("gin-app", "abc"), /binarySha256 "abc" is not a sha256: give its 64 lowercase hex digits/);
        assert.throws(
            () =>
                installReleaseCommand({
                    serviceName: "gin-app",
                    version: "v1",
                    binarySha256: sha,
                    port: 0,
                    hostFirewall: false,
                    ...shared,
                }),
            /port=0 is not a TCP port: give a whole number from 1 to 65535/,
        );
    });

    it("uninstalls as root only when the script is there", () => {
        const script = "/var/lib/gin-deploy/staging/systemd/gin-app/uninstall.sh";
        const admin = { uid: 1000, user: "admin", sudo: true };
        assert.deepStrictEqual(runAsLogin(uninstallCommand("gin-app"), admin, [script]).calls, [
            `sudo -n test -f ${script}`,
            `sudo -n bash ${script}`,
        ]);
        const absent = runAsLogin(uninstallCommand("gin-app"), admin, []);
        assert.deepStrictEqual(absent.calls, [`sudo -n test -f ${script}`]);
        assert.strictEqual(absent.status, 0);
    });

    it("quotes any word so that the shell passes it back unchanged", () => {
        for (const word of ["it's", "a b", "$HOME", "`id`", "x;y", "", "back\\slash", '"quoted"']) {
            assert.deepStrictEqual(argv(`echo ${shellQuote(word)}`), ["echo", word], word);
        }
    });
});
