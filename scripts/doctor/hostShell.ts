// One SSH session to a host (ssh2, key authentication, as the command provider connects, the
// host's key pinned): run a command with stdin, get its output. doctor uses it read-only; the
// host suites' HostSession adds uploads and retries on top.
import { Client } from "ssh2";

import { pinnedHostKey } from "../pinnedHostKey";

export interface SshTarget {
    host: string;
    port: number;
    user: string;
    privateKey: Buffer;
    /** The host key the host must present ("ssh-ed25519 AAAA..."): any other is refused. */
    hostKey: string;
}

export interface ShellResult {
    code: number;
    stdout: string;
    stderr: string;
}

/** The host presented another key than the pinned one: no retry can help. */
export class HostKeyRefused extends Error {}

/** An SSH connection to `target` that accepts only its pinned host key (refused with both fingerprints). */
export function connectPinned(target: SshTarget, timeoutMs = 10000): Promise<Client> {
    const pin = pinnedHostKey(target.hostKey, `${target.host}:${target.port}`);
    return new Promise((resolve, reject) => {
        const c = new Client();
        c.once("ready", () => resolve(c));
        // A client can report more than one error (a second one, or one after ready, e.g. while a
        // host restarts and Docker's port proxy accepts before sshd does): only the first counts.
        c.on("error", (err) => {
            const refusal = pin.refusal();
            reject(refusal ? new HostKeyRefused(refusal, { cause: err }) : err);
            c.end();
        });
        c.connect({
            host: target.host,
            port: target.port,
            username: target.user,
            privateKey: target.privateKey,
            readyTimeout: timeoutMs,
            algorithms: pin.algorithms as never,
            hostVerifier: pin.hostVerifier,
        });
    });
}

export class HostShell {
    protected constructor(protected readonly client: Client) {}

    static async connect(target: SshTarget, timeoutMs = 10000): Promise<HostShell> {
        return new HostShell(await connectPinned(target, timeoutMs));
    }

    /** Runs a command through the login shell; `stdin` is written and closed. */
    exec(command: string, stdin = ""): Promise<ShellResult> {
        return new Promise((resolve, reject) => {
            this.client.exec(command, (err, stream) => {
                if (err) return reject(err);
                let stdout = "";
                let stderr = "";
                stream.on("data", (d: Buffer) => {
                    stdout += d.toString("utf8");
                });
                stream.stderr.on("data", (d: Buffer) => {
                    stderr += d.toString("utf8");
                });
                stream.on("close", (code: number | null) => resolve({ code: code ?? -1, stdout, stderr }));
                stream.end(stdin);
            });
        });
    }

    close(): void {
        this.client.end();
    }
}
