// gindeploy:aws:SshHostKey — the SSH host key of an instance this stack creates, made once and
// kept in the state as a secret. cloud-init installs it at first boot (ssh_keys), so the stack knows
// the host's key before the host exists and every connection, the first one included, verifies it.
// A dynamic resource with Node's crypto: no extra provider, and the key never leaves the state.
import * as pulumi from "@pulumi/pulumi";

import { DynamicProvider } from "../shared/dynamicProvider";

export interface SshHostKeyPairOutputs {
    /** "ssh-ed25519 AAAA...": what connection.hostKey and known_hosts take. */
    publicKey: string;
    /** OpenSSH private key format (what sshd and cloud-init's ssh_keys read). */
    privateKey: string;
}

/**
 * A new ed25519 key pair, the private half in OpenSSH's own format ("openssh-key-v1", unencrypted):
 * Node exports PKCS#8, which OpenSSH does not read for ed25519 host keys.
 */
export function generateEd25519HostKey(comment = "gin-deploy-host"): SshHostKeyPairOutputs {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const crypto = require("crypto") as typeof import("crypto");
    const { privateKey } = crypto.generateKeyPairSync("ed25519");
    const jwk = privateKey.export({ format: "jwk" });
    const seed = Buffer.from(jwk.d!, "base64url");
    const pub = Buffer.from(jwk.x!, "base64url");
    const u32 = (n: number) => {
        const b = Buffer.alloc(4);
        b.writeUInt32BE(n);
        return b;
    };
    const str = (data: Buffer | string) => {
        const b = typeof data === "string" ? Buffer.from(data, "utf8") : data;
        return Buffer.concat([u32(b.length), b]);
    };
    const publicBlob = Buffer.concat([str("ssh-ed25519"), str(pub)]);
    const check = crypto.randomBytes(4);
    let secret = Buffer.concat([check, check, str("ssh-ed25519"), str(pub), str(Buffer.concat([seed, pub])), str(comment)]);
    // Padded to the cipher's block size (8 for "none") with 1, 2, 3, ...
    const padding = (8 - (secret.length % 8)) % 8;
    secret = Buffer.concat([secret, Buffer.from(Array.from({ length: padding }, (_, i) => i + 1))]);
    const body = Buffer.concat([
        Buffer.from("openssh-key-v1\0", "latin1"),
        str("none"),
        str("none"),
        str(""),
        u32(1),
        str(publicBlob),
        str(secret),
    ]);
    const wrapped = body
        .toString("base64")
        .match(/.{1,70}/g)!
        .join("\n");
    return {
        publicKey: `ssh-ed25519 ${publicBlob.toString("base64")}`,
        privateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\n${wrapped}\n-----END OPENSSH PRIVATE KEY-----\n`,
    };
}

const provider: pulumi.dynamic.ResourceProvider = {
    async create() {
        return { id: `ssh-host-key-${Date.now().toString(36)}`, outs: generateEd25519HostKey() };
    },
    // No inputs: nothing can change, so the key lives as long as the resource.
    async diff() {
        return { changes: false };
    },
};

class SshHostKeyPairResource extends pulumi.dynamic.Resource {
    declare readonly publicKey: pulumi.Output<string>;
    declare readonly privateKey: pulumi.Output<string>;

    constructor(name: string, opts?: pulumi.CustomResourceOptions) {
        super(
            provider,
            name,
            { publicKey: undefined, privateKey: undefined },
            { ...opts, additionalSecretOutputs: ["privateKey"] },
            "gindeploy",
            "SshHostKeyPair",
        );
    }
}

/** The key pair, under its own dynamic provider (which is handed none of the stack's config). */
export class SshHostKeyPair extends pulumi.ComponentResource {
    /** "ssh-ed25519 AAAA...": what connection.hostKey and known_hosts take. */
    readonly publicKey: pulumi.Output<string>;
    /** OpenSSH private key text; a secret. */
    readonly privateKey: pulumi.Output<string>;

    constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
        super("gindeploy:aws:SshHostKey", name, {}, opts);
        const key = new SshHostKeyPairResource(name, {
            parent: this,
            provider: new DynamicProvider(`${name}-provider`, { parent: this }),
        });
        this.publicKey = key.publicKey;
        this.privateKey = pulumi.secret(key.privateKey);
        this.registerOutputs({ publicKey: this.publicKey });
    }
}
