// The host key doctor pins when it logs in: the one `up` pinned. From --host-key, else the stack's
// sshHostKey output (aws: the key the stack made), else its config (ssh targets; the local stack's
// workspace file, where deploy:local writes the local host's key). No key, no login.
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

import { parseHostKey } from "../../components/rules/sshHostKey";

export interface HostKeySources {
    flag?: string;
    /** The live stack's outputs. */
    outputs: Record<string, unknown>;
    /** The committed stack file's config. */
    config: Record<string, unknown>;
    stack?: string;
    repoRoot: string;
}

function localWorkspaceKey(repoRoot: string): string | undefined {
    const file = path.join(repoRoot, ".gin-deploy", "workspace", "Pulumi.local.yaml");
    if (!fs.existsSync(file)) return undefined;
    const doc = (yaml.load(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
    const value = doc.config?.["gin-deploy:sshHostKey"];
    return typeof value === "string" && value !== "" ? value : undefined;
}

/** The pinned key and where it came from; throws with the fix when there is none, or a bad one. */
export function resolveHostKey(s: HostKeySources, where: string): { hostKey: string; from: string } {
    const candidates: [unknown, string][] = [
        [s.flag, "--host-key"],
        [s.outputs.sshHostKey, "the stack's sshHostKey output"],
        [s.config["gin-deploy:sshHostKey"], `Pulumi.${s.stack}.yaml`],
        [s.stack === "local" ? localWorkspaceKey(s.repoRoot) : undefined, "the local stack's workspace (deploy:local)"],
    ];
    for (const [value, from] of candidates) {
        if (typeof value !== "string" || value.trim() === "") continue;
        try {
            return { hostKey: parseHostKey(value).line, from };
        } catch (err) {
            throw new Error(`the host key from ${from} is not usable: ${(err as Error).message}`, { cause: err });
        }
    }
    throw new Error(
        `SSH to ${where} needs the host's key, to be sure it is that host: none in the stack's outputs or config. ` +
            `Pass --host-key "ssh-ed25519 AAAA..." (the stack's gin-deploy:sshHostKey, or its sshHostKey output), or --no-ssh for the outside checks only`,
    );
}
