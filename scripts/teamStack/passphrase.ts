// Whether a passphrase is the one a stack file's secrets were encrypted with, before the CLI is run,
// so a wrong or missing team passphrase gets one message naming the fix instead of Pulumi's
// "incorrect passphrase". Pulumi's passphrase provider (sdk/go/common/resource/config/crypt.go)
// keeps `encryptionsalt: v1:<salt>:v1:<nonce>:<sealed "pulumi">`, the key being PBKDF2-SHA256 of
// the passphrase and the salt, 1 000 000 rounds, 32 bytes, the seal AES-256-GCM.
import * as crypto from "crypto";
import * as fs from "fs";

/** The passphrase the CLI would use, from the environment; undefined when there is none. */
export function passphraseFromEnv(env: NodeJS.ProcessEnv): string | undefined {
    if (env.PULUMI_CONFIG_PASSPHRASE) return env.PULUMI_CONFIG_PASSPHRASE;
    // The CLI trims the file's surrounding white space (a trailing newline), as measured here.
    if (env.PULUMI_CONFIG_PASSPHRASE_FILE) return fs.readFileSync(env.PULUMI_CONFIG_PASSPHRASE_FILE, "utf8").trim();
    return undefined;
}

/** true or false; undefined when the salt is not in the format above (the CLI then judges). */
export function passphraseOpens(encryptionSalt: string, passphrase: string): boolean | undefined {
    const parts = encryptionSalt.split(":");
    if (parts.length !== 5 || parts[0] !== "v1" || parts[2] !== "v1") return undefined;
    const key = crypto.pbkdf2Sync(passphrase, Buffer.from(parts[1], "base64"), 1_000_000, 32, "sha256");
    const sealed = Buffer.from(parts[4], "base64");
    try {
        const decipher = crypto.createDecipheriv("aes-256-gcm", key, Buffer.from(parts[3], "base64"));
        decipher.setAuthTag(sealed.subarray(sealed.length - 16));
        const plain = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
        return plain.toString("utf8") === "pulumi";
    } catch {
        return false;
    }
}
