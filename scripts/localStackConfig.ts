// The `local` stack's settings: the committed, non-secret ones (Pulumi.local.yaml) and the
// per-checkout secrets, fitted to a given local host (its ports and key).
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

import { CONFIG_NAMESPACE } from "../config";
import { HostStatus, repoRoot } from "./localHost";

export { CONFIG_NAMESPACE };
export const SECRET_KEYS = [`${CONFIG_NAMESPACE}:sshPrivateKey`, `${CONFIG_NAMESPACE}:dbPassword`];
const DB_PASSWORD = `${CONFIG_NAMESPACE}:dbPassword`;

/** The plain settings committed in a stack file (secure values are skipped: they belong to one checkout). */
export function committedConfig(file = path.join(repoRoot, "Pulumi.local.yaml")): Record<string, string> {
    const doc = yaml.load(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | undefined;
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(doc?.config ?? {})) {
        if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
            out[key] = String(value);
        } else if (Array.isArray(value)) {
            // A list (appCidrs) reaches the program as JSON, as the engine passes it.
            out[key] = JSON.stringify(value);
        }
    }
    return out;
}

/** A new database password for a local stack that has a database (never printed). */
export function generatePassword(): string {
    return crypto.randomBytes(24).toString("base64url");
}

export interface LocalStackSettings {
    /** Every config value, keys with their namespace, as strings. */
    config: Record<string, string>;
    /** The keys of `config` that are secrets. */
    secretKeys: string[];
}

/**
 * The settings the running local host decides (where it listens, its login user, the host key it
 * presents), keys with their namespace. They replace the committed ones of the same keys, visibly:
 * deploy:local prints them (hostSettingsNotice) and they are in the workspace's stack file.
 */
export function settingsFromHost(host: HostStatus): Record<string, string> {
    const ns = CONFIG_NAMESPACE;
    return {
        [`${ns}:sshHost`]: host.sshHost,
        [`${ns}:sshPort`]: String(host.sshPort),
        [`${ns}:sshUser`]: host.user,
        [`${ns}:publicUrl`]: `http://${host.sshHost}:${host.appPort}`,
        [`${ns}:sshHostKey`]: host.hostKey,
    };
}

/**
 * The lines deploy:local prints before the update: each setting taken from the running host (or
 * given as an override, e.g. hostArch), and, for each that differs from the committed file, the
 * committed value it replaces in this run.
 */
export function hostSettingsNotice(
    hostName: string,
    fromHost: Record<string, string>,
    committed: Record<string, string>,
    stackFile: string,
): string[] {
    const short = (key: string) => key.replace(`${CONFIG_NAMESPACE}:`, "");
    const shown = (key: string, value: string) =>
        short(key) === "sshHostKey" ? value.split(" ").slice(0, 2).join(" ").slice(0, 40) + "…" : value;
    const lines = [`settings from the running host ${hostName} (written to ${stackFile}):`];
    for (const [key, value] of Object.entries(fromHost)) {
        const before = committed[key];
        const note = before !== undefined && before !== value ? `   (Pulumi.local.yaml says ${before}; the host's value is used)` : "";
        lines.push(`  ${short(key)} = ${shown(key, value)}${note}`);
    }
    return lines;
}

/**
 * The committed settings pointed at `host` (settingsFromHost: its SSH port, its published app
 * port, its user and the host key it presents) and its key file, plus any overrides (e.g. a
 * release). The database password is set only when the settings name a database (dbHost): a stack
 * without one needs none, and gets none.
 */
export function settingsForHost(
    host: HostStatus,
    secrets: { dbPassword?: string },
    overrides: Record<string, string> = {},
): LocalStackSettings {
    const ns = CONFIG_NAMESPACE;
    const config: Record<string, string> = {
        ...committedConfig(),
        ...settingsFromHost(host),
        [`${ns}:sshPrivateKey`]: fs.readFileSync(host.privateKeyPath, "utf8"),
    };
    for (const [k, v] of Object.entries(overrides)) {
        config[k.includes(":") ? k : `${ns}:${k}`] = v;
    }
    if ((config[`${ns}:dbHost`] ?? "") !== "") {
        if (secrets.dbPassword === undefined) {
            throw new Error(`the local stack names a database (${ns}:dbHost = ${config[`${ns}:dbHost`]}) but no password was given for it`);
        }
        config[DB_PASSWORD] = secrets.dbPassword;
    }
    return { config, secretKeys: SECRET_KEYS };
}
