// The suite's own local host (local/host.sh with its own name and ports) and an SSH session to it
// (ssh2: commands with stdin, SFTP uploads), the way the command provider reaches a host.
import { spawnSync } from "child_process";
import * as path from "path";
import { SFTPWrapper } from "ssh2";

import type { HostSettings, HostStatus } from "../../scripts/localHost";
import { connectPinned, HostKeyRefused, HostShell, ShellResult } from "../../scripts/doctor/hostShell";

export const repoRoot = path.resolve(__dirname, "..", "..");

// The status JSON of local/host.sh, as scripts/localHost.ts reads it for deploy:local.
export type { HostStatus };

export type ExecResult = ShellResult;

export class LocalHost {
    constructor(
        readonly name: string,
        readonly sshPort: number,
        readonly appPort: number,
    ) {}

    /** A suite's host from the table (test/support/hosts.ts). */
    static of(settings: HostSettings): LocalHost {
        return new LocalHost(settings.name, settings.sshPort, settings.appPort);
    }

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

export class HostSession extends HostShell {
    static async open(status: HostStatus, privateKey: string | Buffer, attempts = 30): Promise<HostSession> {
        if (status.sshHost !== "127.0.0.1") {
            throw new Error(`the host suite talks to 127.0.0.1 only, got sshHost ${status.sshHost}`);
        }
        const target = {
            host: "127.0.0.1",
            port: status.sshPort,
            user: status.user,
            privateKey: Buffer.from(privateKey),
            hostKey: status.hostKey,
        };
        let last: unknown;
        for (let i = 0; i < attempts; i++) {
            try {
                return new HostSession(await connectPinned(target));
            } catch (err) {
                // Another key is no passing fault: stop at once.
                if (err instanceof HostKeyRefused) throw err;
                last = err;
                await new Promise((r) => setTimeout(r, 1000));
            }
        }
        throw new Error(`no SSH session to 127.0.0.1:${status.sshPort} after ${attempts} attempts: ${(last as Error)?.message}`);
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
