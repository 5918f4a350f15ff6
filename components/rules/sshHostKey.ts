// The one rule for an SSH host key as users give it: a known_hosts or authorized_keys style line
// ("ssh-ed25519 AAAA...", optionally after host names, optionally with a comment). Normalised to
// "type base64", the form @pulumi/command's connection.hostKey takes (it verifies with
// ssh.FixedHostKey and offers only that key's algorithm). Pure: no Pulumi import.
import { createHash } from "crypto";

export const HOST_KEY_TYPES = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa"] as const;

export interface HostKey {
    /** "ssh-ed25519 AAAA..." */
    line: string;
    type: string;
    /** The key blob, as the server sends it. */
    blob: Buffer;
    /** As `ssh-keygen -lf` and sshd print it: SHA256:<unpadded base64>. */
    fingerprint: string;
}

/** SHA256:<unpadded base64 of the sha256 of the key blob>, as OpenSSH prints it. */
export function hostKeyFingerprint(blob: Buffer): string {
    return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

/**
 * Parses one host key line; throws naming what is wrong. Host names in front (known_hosts) and a
 * comment after are dropped; several lines (ssh-keyscan prints one per key type) are refused:
 * pin exactly one key.
 */
export function parseHostKey(text: string): HostKey {
    const lines = text
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l.length > 0 && !l.startsWith("#"));
    if (lines.length !== 1) {
        throw new Error(
            lines.length === 0
                ? "no host key given"
                : `${lines.length} host key lines given; pin exactly one (the ssh-ed25519 line, if the host has one)`,
        );
    }
    const words = lines[0].split(/\s+/);
    const at = words.findIndex((w) => (HOST_KEY_TYPES as readonly string[]).includes(w));
    if (at < 0 || at > 1 || words[at + 1] === undefined) {
        throw new Error(`"${lines[0].slice(0, 60)}" is not a host key line (expected "ssh-ed25519 AAAA..." as ssh-keyscan prints it)`);
    }
    const type = words[at];
    const b64 = words[at + 1];
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) {
        throw new Error(`the ${type} key's data is not base64`);
    }
    const blob = Buffer.from(b64, "base64");
    // The blob starts with its own type as an SSH string: a truncated or mismatched paste shows here.
    const nameLength = blob.length >= 4 ? blob.readUInt32BE(0) : -1;
    if (nameLength < 0 || blob.length < 4 + nameLength || blob.subarray(4, 4 + nameLength).toString("latin1") !== type) {
        throw new Error(`the key data does not hold a ${type} key (truncated or mixed up when pasted?)`);
    }
    // An ed25519 key is its name and 32 bytes; the others at least carry more after the name.
    const expectedLength = type === "ssh-ed25519" ? 4 + nameLength + 4 + 32 : undefined;
    if (expectedLength !== undefined ? blob.length !== expectedLength : blob.length <= 4 + nameLength + 4) {
        throw new Error(`the ${type} key data is ${blob.length} bytes, which no such key is (truncated or mixed up when pasted?)`);
    }
    return { line: `${type} ${b64}`, type, blob, fingerprint: hostKeyFingerprint(blob) };
}
