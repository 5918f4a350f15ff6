// The suite's own local host (local/host.sh with its own name and ports) and an SSH session to it
// (ssh2: commands with stdin, SFTP uploads), the way the command provider reaches a host.
import { spawnSync } from "child_process";
import * as path from "path";
import { Client, SFTPWrapper } from "ssh2";

import type { HostStatus } from "../../scripts/localHost";
import { pinnedHostKey } from "../../scripts/pinnedHostKey";

export const repoRoot = path.resolve(__dirname, "..", "..");

// The status JSON of local/host.sh, as scripts/localHost.ts reads it for deploy:local.
export type { HostStatus };

export interface ExecResult {
    code: number;
    stdout: string;
    stderr: string;
}

export class LocalHost {
    constructor(
        readonly name: string,
        readonly sshPort: number,
        readonly appPort: number,
    ) {}

    private script(command: string): string {
        const res = spawnSync("bash", [path.join(repoRoot, "local", "host.sh"), command], {
            env: {
                ...process.env,
                GIN_DEPLOY_HOST_NAME: this.name,
                GIN_DEPLOY_HOST_SSH_PORT: String(this.sshPort),
                GIN_DEPLOY_HOST_APP_PORT: String(this.appPort),
            },
            encoding: "utf8",
            stdio: ["ignore", "pipe", "inherit"],
        });
        if (res.status !== 0) {
            throw new Error(`local/host.sh ${command} failed for ${this.name} (exit ${res.status ?? res.signal}); its messages are above`);
        }
        return res.stdout;
    }

    start(): HostStatus {
        this.script("start");
        return this.status();
    }

    stop(): void {
        this.script("stop");
    }

    status(): HostStatus {
        return JSON.parse(this.script("status")) as HostStatus;
    }
}

export class HostSession {
    private constructor(private readonly client: Client) {}

    static async open(status: HostStatus, privateKey: string | Buffer, attempts = 30): Promise<HostSession> {
        if (status.sshHost !== "127.0.0.1") {
            throw new Error(`the host suite talks to 127.0.0.1 only, got sshHost ${status.sshHost}`);
        }
        const pin = pinnedHostKey(status.hostKey, `${status.name} (127.0.0.1:${status.sshPort})`);
        let last: unknown;
        for (let i = 0; i < attempts; i++) {
            try {
                const client = await new Promise<Client>((resolve, reject) => {
                    const c = new Client();
                    c.once("ready", () => resolve(c));
                    // A client can report more than one error (e.g. while the host restarts and
                    // Docker's port proxy accepts before sshd does): the first fails this attempt,
                    // later ones must not crash the suite.
                    c.on("error", (err) => {
                        reject(err);
                        c.end();
                    });
                    c.connect({
                        host: "127.0.0.1",
                        port: status.sshPort,
                        username: status.user,
                        privateKey,
                        readyTimeout: 10000,
                        algorithms: pin.algorithms as never,
                        hostVerifier: pin.hostVerifier,
                    });
                });
                return new HostSession(client);
            } catch (err) {
                last = err;
                // Another key is no passing fault: stop at once.
                const refusal = pin.refusal();
                if (refusal) throw new Error(refusal, { cause: err });
                await new Promise((r) => setTimeout(r, 1000));
            }
        }
        throw new Error(`no SSH session to 127.0.0.1:${status.sshPort} after ${attempts} attempts: ${(last as Error)?.message}`);
    }

    /** Runs a command through the login shell; `stdin` is written and closed. */
    exec(command: string, stdin?: string): Promise<ExecResult> {
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
                stream.end(stdin ?? "");
            });
        });
    }

    /** Runs a command that must succeed; returns its stdout. */
    async run(command: string, stdin?: string): Promise<string> {
        const res = await this.exec(command, stdin);
        if (res.code !== 0) {
            throw new Error(`on the host, \`${command}\` exited ${res.code}:\n${res.stderr}${res.stdout}`);
        }
        return res.stdout;
    }

    async upload(content: string | Buffer, remotePath: string): Promise<void> {
        const sftp = await new Promise<SFTPWrapper>((resolve, reject) => this.client.sftp((err, s) => (err ? reject(err) : resolve(s))));
        try {
            await new Promise<void>((resolve, reject) => sftp.writeFile(remotePath, content, (err) => (err ? reject(err) : resolve())));
        } finally {
            sftp.end();
        }
    }

    close(): void {
        this.client.end();
    }
}
