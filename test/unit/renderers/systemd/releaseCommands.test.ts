import * as assert from "assert";
import {
    installReleaseCommand, prepareStagingCommand, releaseUploads, shellQuote, uninstallCommand,
} from "../../../../components/renderers/systemd/releaseCommands";

const sha = "ab".repeat(32);

describe("release commands", () => {
    it("stages uploads in a root-only folder, the binary named by its digest", () => {
        const up = releaseUploads("gin-app", sha);
        assert.strictEqual(up.binary, `/var/lib/gin-deploy/systemd/gin-app/staging/gin-app-${sha.slice(0, 12)}`);
        assert.strictEqual(prepareStagingCommand("gin-app"), "install -d -m 0700 '/var/lib/gin-deploy/systemd/gin-app/staging'");
    });

    it("runs install-release.sh with quoted arguments and the env file on stdin", () => {
        const line = installReleaseCommand({ serviceName: "gin-app", version: "v1.2.3-4-gabc", binarySha256: sha, port: 8080, hostFirewall: false });
        assert.strictEqual(line,
            "'bash' '/var/lib/gin-deploy/systemd/gin-app/staging/install-release.sh' '--service' 'gin-app' " +
            "'--version' 'v1.2.3-4-gabc' '--sha256' '" + sha + "' " +
            `'--binary' '/var/lib/gin-deploy/systemd/gin-app/staging/gin-app-${sha.slice(0, 12)}' ` +
            "'--service-unit' '/var/lib/gin-deploy/systemd/gin-app/staging/gin-app.service' " +
            "'--socket-unit' '/var/lib/gin-deploy/systemd/gin-app/staging/gin-app.socket' " +
            "'--port' '8080' '--env-stdin' '--firewall' 'off'");
    });

    it("passes the firewall switch", () => {
        assert.match(installReleaseCommand({ serviceName: "gin-app", version: "v1", binarySha256: sha, port: 80, hostFirewall: true }), /'--firewall' 'on'$/);
    });

    it("refuses a version the build could not stamp, a bad digest or port", () => {
        assert.throws(() => installReleaseCommand({ serviceName: "gin-app", version: "v1; rm -rf /", binarySha256: sha, port: 80, hostFirewall: false }), /version "v1; rm -rf \/" must be/);
        assert.throws(() => releaseUploads("gin-app", "abc"), /binarySha256 must be 64 lowercase hex digits/);
        assert.throws(() => installReleaseCommand({ serviceName: "gin-app", version: "v1", binarySha256: sha, port: 0, hostFirewall: false }), /port must be a TCP port/);
    });

    it("uninstalls only when the script is there", () => {
        assert.strictEqual(uninstallCommand("gin-app"),
            "if [ -f '/var/lib/gin-deploy/systemd/gin-app/staging/uninstall.sh' ]; then bash '/var/lib/gin-deploy/systemd/gin-app/staging/uninstall.sh' --service 'gin-app'; " +
            "else echo 'uninstall: gin-app is not installed here'; fi");
    });

    it("quotes single quotes for the shell", () => {
        assert.strictEqual(shellQuote("it's"), `'it'\\''s'`);
    });
});
