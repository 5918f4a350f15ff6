// deploy:local's local stack: what the running host decides is shown, never silently swapped in.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { HostStatus } from "../../scripts/localHost";
import { committedConfig, hostSettingsNotice, settingsForHost, settingsFromHost } from "../../scripts/localStackConfig";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOv0Yx8mZ3qE0rQ9bq3aY0m7o3mS7y3e1nqfH6oR4m2K";

function host(dir: string, overrides: Partial<HostStatus> = {}): HostStatus {
    const keyFile = path.join(dir, "id_ed25519");
    fs.writeFileSync(keyFile, "-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-real-key\n-----END OPENSSH PRIVATE KEY-----\n");
    return {
        name: "gd-unit-host",
        running: true,
        sshHost: "127.0.0.1",
        sshPort: 2231,
        appPort: 18131,
        user: "root",
        privateKeyPath: keyFile,
        hostKey: KEY,
        image: "gin-deploy-host-image",
        ...overrides,
    };
}

describe("the local stack's settings from the running host", () => {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "gd-unit-local-settings-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("takes where the host listens, its user and its host key from the host, the rest from Pulumi.local.yaml", () => {
        const h = host(dir);
        const { config, secretKeys } = settingsForHost(h, {});
        assert.strictEqual(config["gin-deploy:sshPort"], "2231");
        assert.strictEqual(config["gin-deploy:publicUrl"], "http://127.0.0.1:18131");
        assert.strictEqual(config["gin-deploy:sshHostKey"], KEY);
        assert.strictEqual(config["gin-deploy:logLevel"], committedConfig()["gin-deploy:logLevel"]);
        assert.ok(secretKeys.includes("gin-deploy:sshPrivateKey"));
        assert.strictEqual(config["gin-deploy:dbPassword"], undefined, "no database named, so no password");
    });

    it("names each setting taken from the host, and the committed value it replaces when they differ", () => {
        const h = host(dir);
        const committed = committedConfig();
        const lines = hostSettingsNotice(h.name, settingsFromHost(h), committed, ".gin-deploy/workspace/Pulumi.local.yaml");
        assert.match(
            lines[0],
            /^settings from the running host gd-unit-host \(written to \.gin-deploy\/workspace\/Pulumi\.local\.yaml\):$/,
        );
        const port = lines.find((l) => l.includes("sshPort"));
        assert.strictEqual(
            port,
            `  sshPort = 2231   (Pulumi.local.yaml says ${committed["gin-deploy:sshPort"]}; the host's value is used)`,
        );
        const user = lines.find((l) => l.includes("sshUser"));
        assert.strictEqual(user, "  sshUser = root", "a value equal to the committed one needs no note");
        const hostKey = lines.find((l) => l.includes("sshHostKey")) ?? "";
        assert.ok(hostKey.startsWith("  sshHostKey = ssh-ed25519 AAAA") && hostKey.length < 60, hostKey);
        assert.strictEqual(lines.length, 1 + Object.keys(settingsFromHost(h)).length);
    });
});
