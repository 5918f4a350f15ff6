// An SSH client that accepts one host key only (ssh2's ConnectConfig), as the command provider
// does with connection.hostKey: only that key's algorithm is offered, and a host presenting any
// other key is refused before anything is sent, with both fingerprints named.
import { hostKeyFingerprint, parseHostKey } from "../components/rules/sshHostKey";

export interface PinnedHostKey {
    /** ssh2 ConnectConfig fields. */
    algorithms: { serverHostKey: string[] };
    hostVerifier: (key: Buffer) => boolean;
    /** After a refused connection: why, with the expected and the presented fingerprints. */
    refusal(): string | undefined;
}

export function pinnedHostKey(expectedLine: string, where: string): PinnedHostKey {
    const expected = parseHostKey(expectedLine);
    let presented: string | undefined;
    return {
        algorithms: { serverHostKey: [expected.type] },
        hostVerifier: (key: Buffer) => {
            if (key.equals(expected.blob)) return true;
            presented = hostKeyFingerprint(key);
            return false;
        },
        refusal: () =>
            presented === undefined
                ? undefined
                : `${where} presented the host key ${presented}, not the pinned ${expected.fingerprint}: refused before anything was sent. ` +
                  `If the host was rebuilt on purpose, pin its new key; otherwise something else answers at that address.`,
    };
}
