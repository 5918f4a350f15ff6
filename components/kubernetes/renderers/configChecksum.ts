// The pod template's checksum annotation: pods read their ConfigMap and Secret only when they
// start, so a change of either must change the template, or the running pods would keep the old
// values. The plain settings are hashed as they are (they are in the ConfigMap for anyone to read
// anyway). The secrets are not: the annotation is readable by whoever may read Deployments, so a
// plain hash of a password would let them test guesses at the speed of SHA-256. Their part is a
// salted scrypt digest instead (a memory-hard hash: each guess costs tens of milliseconds and 16 MiB),
// salted with the namespace and app name, so equal passwords of two services do not look equal.
// Pure: no Pulumi; the caller keeps the secret values inside a secret Output until this returns.

import { createHash, scryptSync } from "crypto";

// N=2^14, r=8: 16 MiB and roughly 50 ms per hash, within Node's default scrypt memory bound.
const SCRYPT = { N: 2 ** 14, r: 8, p: 1 };

function canonical(entries: Readonly<Record<string, string>>): string {
    return JSON.stringify(
        Object.keys(entries)
            .sort()
            .map((k) => [k, entries[k]]),
    );
}

/** The salted digest of the secret values (hex). Reveals nothing a guess could be checked against cheaply. */
export function secretDigest(namespace: string, appName: string, secrets: Readonly<Record<string, string>>): string {
    const salt = `gin-deploy.io/config-checksum:v1:${namespace}/${appName}`;
    return scryptSync(canonical(secrets), salt, 32, SCRYPT).toString("hex");
}

/** sha256 over the ConfigMap's data and the secrets' salted digest. */
export function configChecksum(configData: Readonly<Record<string, string>>, secretDigestHex: string): string {
    return createHash("sha256")
        .update(`config:${canonical(configData)}\nsecrets:${secretDigestHex}`)
        .digest("hex");
}
