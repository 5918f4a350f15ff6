// One SSH session to the host doctor examines (ssh2, key authentication, as the command provider
// connects, the host's key pinned): run a command with stdin, get its output. Used read-only.
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

export class HostShell {
    private constructor(private readonly client: Client) {}

    static open(target: SshTarget, timeoutMs = 10000): Promise<HostShell> {
        const pin = pinnedHostKey(target.hostKey, `${target.host}:${target.port}`);
        return new Promise((resolve, reject) => {
            const c = new Client();
            c.once("ready", () => resolve(new HostShell(c)));
            // Later errors (after ready, or a second one) must not crash doctor.
            c.on("error", (err) => {
                const refusal = pin.refusal();
                reject(refusal ? new Error(refusal) : err);
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
