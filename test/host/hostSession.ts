// An SSH session to a suite's local host (ssh2: commands with stdin, SFTP uploads), the way the
// command provider reaches a host. The host itself is started and stopped by scripts/localHost.ts.
import { SFTPWrapper } from "ssh2";

import type { HostStatus } from "../../scripts/localHost";
import { connectPinned, HostKeyRefused, HostShell, ShellResult } from "../../scripts/doctor/hostShell";

export type ExecResult = ShellResult;

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
