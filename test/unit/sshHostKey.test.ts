// The host key: made by the stack for an instance, given by the user for an ssh target, pinned by
// every client; and the user data that installs it.
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { generateEd25519HostKey } from "../../components/aws/sshHostKeyPair";
import { MULTIPART_BOUNDARY, renderHostUserData } from "../../components/aws/renderers/hostUserData";
import { hostKeyFingerprint, parseHostKey } from "../../components/rules/sshHostKey";
import { pinnedHostKey } from "../../scripts/pinnedHostKey";

describe("SSH host keys", () => {
    const made = generateEd25519HostKey();

    it("makes an ed25519 key pair that OpenSSH reads, the public half matching", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gd-hostkey-"));
        try {
            const file = path.join(dir, "key");
            fs.writeFileSync(file, made.privateKey, { mode: 0o600 });
            const derived = execFileSync("ssh-keygen", ["-y", "-f", file], { encoding: "utf8" }).trim();
            assert.strictEqual(derived.split(" ").slice(0, 2).join(" "), made.publicKey);
            const listed = execFileSync("ssh-keygen", ["-l", "-f", file], { encoding: "utf8" });
            assert.ok(listed.includes(parseHostKey(made.publicKey).fingerprint), `ssh-keygen -l: ${listed}`);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
        assert.notStrictEqual(generateEd25519HostKey().publicKey, made.publicKey, "two keys came out the same");
    });

    it("takes a known_hosts or ssh-keyscan line, and refuses what is not one key", () => {
        const [type, b64] = made.publicKey.split(" ");
        assert.strictEqual(parseHostKey(`[127.0.0.1]:2222 ${type} ${b64}`).line, made.publicKey);
        assert.strictEqual(parseHostKey(`${type} ${b64} root@host\n`).line, made.publicKey);
        assert.throws(() => parseHostKey(""), /no host key given/);
        assert.throws(() => parseHostKey(`${made.publicKey}\n${made.publicKey}`), /2 host key lines given; pin exactly one/);
        assert.throws(() => parseHostKey(`ssh-rsa ${b64}`), /does not hold a ssh-rsa key/);
        assert.throws(() => parseHostKey(`${type} ${b64.slice(0, 20)}`), /truncated or mixed up/);
        assert.throws(() => parseHostKey("hello world"), /is not a host key line/);
    });

    it("a client pinning a key accepts that key only, offers only its algorithm, and names both fingerprints", () => {
        const pin = pinnedHostKey(made.publicKey, "host1:22");
        assert.deepStrictEqual(pin.algorithms.serverHostKey, ["ssh-ed25519"]);
        assert.strictEqual(pin.hostVerifier(parseHostKey(made.publicKey).blob), true);
        assert.strictEqual(pin.refusal(), undefined);
        const other = parseHostKey(generateEd25519HostKey().publicKey);
        assert.strictEqual(pin.hostVerifier(other.blob), false);
        const refusal = pin.refusal() ?? "";
        assert.ok(refusal.includes(other.fingerprint) && refusal.includes(hostKeyFingerprint(parseHostKey(made.publicKey).blob)), refusal);
        assert.match(refusal, /refused before anything was sent/);
    });

    describe("user data that installs it (cloud-init ssh_keys)", () => {
        it("alone: one #cloud-config with the key and no other key type", () => {
            const doc = JSON.parse(renderHostUserData(made).replace(/^#cloud-config\n/, ""));
            assert.deepStrictEqual(doc, {
                ssh_keys: { ed25519_private: made.privateKey, ed25519_public: made.publicKey },
                ssh_deletekeys: true,
                ssh_genkeytypes: [],
            });
        });

        it("merged into a mode's JSON #cloud-config, which may not set the key itself", () => {
            const doc = JSON.parse(renderHostUserData(made, '#cloud-config\n{"runcmd": [["true"]]}\n').replace(/^#cloud-config\n/, ""));
            assert.deepStrictEqual(doc.runcmd, [["true"]]);
            assert.strictEqual(doc.ssh_keys.ed25519_public, made.publicKey);
            assert.throws(() => renderHostUserData(made, '#cloud-config\n{"ssh_keys": {}}\n'), /userData sets ssh_keys/);
        });

        it("beside a YAML #cloud-config or a script, as a MIME multipart message", () => {
            const text = renderHostUserData(made, "#!/bin/sh\necho hi\n");
            assert.match(text, new RegExp(`^Content-Type: multipart/mixed; boundary="${MULTIPART_BOUNDARY}"`));
            assert.match(text, /Content-Type: text\/cloud-config;[\s\S]*"ed25519_public"/);
            assert.match(text, /Content-Type: text\/x-shellscript;[^\n]*\nMIME-Version: 1.0\n\n#!\/bin\/sh\necho hi\n/);
            assert.match(
                renderHostUserData(made, "#cloud-config\npackages: [curl]\n"),
                /text\/cloud-config[^\n]*\nMIME-Version: 1.0\n\n#cloud-config\npackages: \[curl\]/,
            );
            assert.throws(() => renderHostUserData(made, "packages: [curl]"), /must start with "#cloud-config" or "#!"/);
        });
    });
});
