// doctor's and logs' one answer to "where is this stack's host, as which user, with which keys".
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { parseHostPort, resolveSshTarget, SshSources } from "../../scripts/doctor/sshTarget";

const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOv0Yx8mZ3qE0rQ9bq3aY0m7o3mS7y3e1nqfH6oR4m2K";

describe("resolveSshTarget (doctor and logs)", () => {
    let dir: string;
    let keyFile: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "gd-unit-ssh-target-"));
        keyFile = path.join(dir, "deploy_key");
        fs.writeFileSync(keyFile, "stand-in key\n");
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const sources = (over: Partial<SshSources>): SshSources => ({
        flags: { key: keyFile },
        stack: "dev",
        targetKind: "aws",
        config: {},
        outputs: { sshHostKey: HOST_KEY },
        repoRoot: dir,
        ...over,
    });

    it("aws: the instance's publicIp output, admin unless the stack names a user, the host key output", () => {
        const r = resolveSshTarget(sources({ outputs: { publicIp: "203.0.113.10", sshHostKey: HOST_KEY } }));
        assert.ok(r.ok);
        assert.deepStrictEqual(
            [r.ssh.host, r.ssh.port, r.ssh.user, r.ssh.hostKey, r.ssh.addressFrom, r.ssh.privateKey.toString()],
            ["203.0.113.10", 22, "admin", HOST_KEY, "the publicIp output", "stand-in key\n"],
        );
    });

    it("ssh: gin-deploy:sshHost and sshPort from the stack file, root by default; flags win", () => {
        const config = { "gin-deploy:sshHost": "198.51.100.4", "gin-deploy:sshPort": 2200, "gin-deploy:sshHostKey": HOST_KEY };
        const r = resolveSshTarget(sources({ targetKind: "ssh", config, outputs: {} }));
        assert.ok(r.ok);
        assert.deepStrictEqual([r.ssh.host, r.ssh.port, r.ssh.user, r.ssh.addressFrom], ["198.51.100.4", 2200, "root", "Pulumi.dev.yaml"]);
        const flagged = resolveSshTarget(
            sources({ targetKind: "ssh", config, outputs: {}, flags: { key: keyFile, ssh: "[::1]:2299", user: "deploy" } }),
        );
        assert.ok(flagged.ok);
        assert.deepStrictEqual(
            [flagged.ssh.host, flagged.ssh.port, flagged.ssh.user, flagged.ssh.addressFrom],
            ["::1", 2299, "deploy", "--ssh"],
        );
    });

    it("says what is missing and the next command: no address, no key file, a key file that is not there", () => {
        const noAddress = resolveSshTarget(sources({}));
        assert.ok(!noAddress.ok && noAddress.problem === "no-address");
        assert.match(
            noAddress.message,
            /stack "dev" has no host address yet .*Next: npm run pulumi -- up --stack dev, or pass --ssh HOST\[:PORT\]/,
        );

        const noKey = resolveSshTarget(sources({ flags: {}, outputs: { publicIp: "203.0.113.10" } }));
        assert.ok(!noKey.ok && noKey.problem === "no-key");
        assert.match(noKey.message, /SSH to 203\.0\.113\.10:22 needs the deploy key's file.*Next: pass --key FILE/);

        const local = resolveSshTarget(
            sources({ stack: "local", targetKind: "ssh", flags: {}, config: { "gin-deploy:sshHost": "127.0.0.1" } }),
        );
        assert.ok(!local.ok && local.problem === "key-missing");
        assert.match(local.message, /no deploy key at .*\.gin-deploy\/ssh\/id_ed25519\. Next: npm run deploy:local/);
    });

    it("reads HOST[:PORT] and refuses anything else", () => {
        assert.deepStrictEqual(parseHostPort("127.0.0.1"), { host: "127.0.0.1", port: 22 });
        assert.deepStrictEqual(parseHostPort("[::1]:2222"), { host: "::1", port: 2222 });
        assert.throws(() => parseHostPort("a:b:c"), /is not HOST\[:PORT\]/);
        assert.throws(() => parseHostPort("h:70000"), /the port must be 1-65535/);
    });
});
