// The user data of an instance the stack creates: its SSH host key for cloud-init to install
// (ssh_keys; no other key type is generated), joined with any first-boot setup (a mode's
// #cloud-config, or a script). Holds a private key: the component passes it only as a secret.
// Pure: no Pulumi import.
//
// A #cloud-config given in JSON form (what this project's renderers write) is merged into one
// document; any other #cloud-config or #! script becomes the second part of a MIME multipart
// message, which cloud-init reads part by part.

export interface HostKeyMaterial {
    /** OpenSSH private key text. */
    privateKey: string;
    /** "ssh-ed25519 AAAA..." */
    publicKey: string;
}

export const MULTIPART_BOUNDARY = "==gin-deploy-user-data==";

function hostKeyConfig(key: HostKeyMaterial): Record<string, unknown> {
    if (!/^-----BEGIN OPENSSH PRIVATE KEY-----\n/.test(key.privateKey) || !/^ssh-ed25519 [A-Za-z0-9+/]+={0,2}$/.test(key.publicKey)) {
        throw new Error('the host key must be an ed25519 key pair: OpenSSH private key text and an "ssh-ed25519 AAAA..." line');
    }
    return {
        ssh_keys: { ed25519_private: key.privateKey, ed25519_public: key.publicKey },
        // Only the key the stack pinned: the image's keys are deleted and no other type is made.
        ssh_deletekeys: true,
        ssh_genkeytypes: [],
    };
}

function jsonCloudConfig(userData: string): Record<string, unknown> | undefined {
    const match = /^#cloud-config\n(\{[\s\S]*\})\s*$/.exec(userData);
    if (!match) return undefined;
    try {
        const parsed = JSON.parse(match[1]) as unknown;
        return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
    } catch {
        return undefined;
    }
}

export function renderHostUserData(key: HostKeyMaterial, userData?: string): string {
    const keyConfig = hostKeyConfig(key);
    if (userData === undefined || userData.trim() === "") {
        return `#cloud-config\n${JSON.stringify(keyConfig, null, 2)}\n`;
    }
    const json = jsonCloudConfig(userData);
    if (json) {
        for (const k of Object.keys(keyConfig)) {
            if (k in json) throw new Error(`userData sets ${k}; the host key is the component's own (leave ${k} out)`);
        }
        return `#cloud-config\n${JSON.stringify({ ...keyConfig, ...json }, null, 2)}\n`;
    }
    let type: string;
    if (userData.startsWith("#cloud-config\n")) type = "text/cloud-config";
    else if (userData.startsWith("#!")) type = "text/x-shellscript";
    else
        throw new Error('userData must start with "#cloud-config" or "#!" (a script): the host key is added to it as cloud-init user data');
    if (userData.includes(`--${MULTIPART_BOUNDARY}`)) {
        throw new Error(`userData contains the line --${MULTIPART_BOUNDARY}, which separates the parts of the user data`);
    }
    const part = (contentType: string, body: string) =>
        `--${MULTIPART_BOUNDARY}\nContent-Type: ${contentType}; charset="utf-8"\nMIME-Version: 1.0\n\n${body.endsWith("\n") ? body : `${body}\n`}`;
    return (
        `Content-Type: multipart/mixed; boundary="${MULTIPART_BOUNDARY}"\nMIME-Version: 1.0\n\n` +
        part("text/cloud-config", `#cloud-config\n${JSON.stringify(keyConfig, null, 2)}`) +
        part(type, userData) +
        `--${MULTIPART_BOUNDARY}--\n`
    );
}
