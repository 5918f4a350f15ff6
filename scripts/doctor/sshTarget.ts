// Where a stack's host is reached over SSH, for doctor and logs alike, as `up` reaches it: the
// address (aws: the instance's publicIp output; ssh: gin-deploy:sshHost), the login user (the
// stack's sshUser, else the target's default: admin on aws, root elsewhere), the deploy key's file
// (the local stack's is found), and the host key every connection pins. Flags win.
import * as fs from "fs";
import * as path from "path";
import { isPort, PORT_MAX, PORT_MIN } from "../../components/rules/port";

import { resolveHostKey } from "./hostKey";
import type { SshTarget } from "./hostShell";

export interface SshFlags {
    ssh?: string;
    user?: string;
    key?: string;
    hostKey?: string;
}

export interface SshSources {
    flags: SshFlags;
    stack?: string;
    targetKind: string;
    /** The stack's config, keys with their namespace. */
    config: Record<string, unknown>;
    outputs: Record<string, unknown>;
    repoRoot: string;
}

export type ResolvedSsh = SshTarget & { keyPath: string; hostKeyFrom: string; addressFrom: string };

export type SshResolution =
    | { ok: true; ssh: ResolvedSsh }
    /** no-address: nothing says where the host is; no-key: no key file given; key-missing: the file is not there. */
    | { ok: false; problem: "no-address" | "no-key" | "key-missing"; message: string };

/** HOST[:PORT] ([IPv6]:PORT too); the port defaults to 22. */
export function parseHostPort(value: string): { host: string; port: number } {
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(value);
    if (!m) throw new Error(`--ssh ${JSON.stringify(value)} is not HOST[:PORT] (e.g. --ssh 127.0.0.1:2222)`);
    const port = m[2] ? Number(m[2]) : 22;
    if (!isPort(port)) throw new Error(`--ssh ${JSON.stringify(value)}: the port must be ${PORT_MIN}-${PORT_MAX}`);
    return { host: m[1].replace(/^\[|\]$/g, ""), port };
}

export function resolveSshTarget(s: SshSources): SshResolution {
    const c = (k: string) => s.config[`gin-deploy:${k}`];
    const fromStack =
        s.targetKind === "aws"
            ? s.outputs.publicIp
                ? { spec: `${String(s.outputs.publicIp)}:${String(c("sshPort") ?? 22)}`, from: "the publicIp output" }
                : undefined
            : c("sshHost")
              ? { spec: `${String(c("sshHost"))}:${String(c("sshPort") ?? 22)}`, from: `Pulumi.${s.stack ?? "?"}.yaml` }
              : undefined;
    const spec = s.flags.ssh ?? fromStack?.spec;
    if (!spec) {
        return {
            ok: false,
            problem: "no-address",
            message: `stack "${s.stack ?? "?"}" has no host address yet (never deployed from this checkout?). Next: npm run pulumi -- up --stack ${s.stack ?? "NAME"}, or pass --ssh HOST[:PORT]`,
        };
    }
    const { host, port } = parseHostPort(spec);
    const configuredUser = c("sshUser");
    const user =
        s.flags.user ?? (configuredUser && configuredUser !== "auto" ? String(configuredUser) : s.targetKind === "aws" ? "admin" : "root");
    const localKey = s.stack === "local" ? path.join(s.repoRoot, ".gin-deploy", "ssh", "id_ed25519") : undefined;
    const keyPath = s.flags.key ?? localKey;
    if (!keyPath) {
        return {
            ok: false,
            problem: "no-key",
            message: `SSH to ${host}:${port} needs the deploy key's file, a secret of the stack that is not read here. Next: pass --key FILE (the key of gin-deploy:sshPrivateKey)`,
        };
    }
    if (!fs.existsSync(keyPath)) {
        return {
            ok: false,
            problem: "key-missing",
            message:
                keyPath === localKey && !s.flags.key
                    ? `no deploy key at ${keyPath}. Next: npm run deploy:local (it makes the key and the host)`
                    : `--key ${keyPath} does not exist. Next: pass the file of the deploy key`,
        };
    }
    const pinned = resolveHostKey(
        { flag: s.flags.hostKey, outputs: s.outputs, config: s.config, stack: s.stack, repoRoot: s.repoRoot },
        `${host}:${port}`,
    );
    return {
        ok: true,
        ssh: {
            host,
            port,
            user,
            privateKey: fs.readFileSync(keyPath),
            keyPath,
            hostKey: pinned.hostKey,
            hostKeyFrom: pinned.from,
            addressFrom: s.flags.ssh ? "--ssh" : (fromStack?.from ?? ""),
        },
    };
}
