// SSH and SFTP the way pulumi-command 1.2.1 uses them (provider/pkg/provider/remote): one dial per
// operation with retries, a command run in a session (the login shell runs it), environment through
// the SSH "env" request, stdin piped then closed, files copied over SFTP.
import * as fs from "fs";
import * as path from "path";
import { Client, ConnectConfig, SFTPWrapper } from "ssh2";

import { PinnedHostKey, pinnedHostKey } from "../../scripts/pinnedHostKey";

/** command.types.input.remote.ConnectionArgs, resolved. */
export interface Connection {
    host: string;
    port?: number;
    user?: string;
    password?: string;
    privateKey?: string;
    privateKeyPassword?: string;
    hostKey?: string;
    dialErrorLimit?: number;
    perDialTimeout?: number;
    agentSocketPath?: string;
    proxy?: unknown;
}

export interface ExecResult {
    code: number | null;
    signal: string | null;
    stdout: string;
    stderr: string;
    /** stdout and stderr interleaved as they arrived (what the provider puts in its error). */
    combined: string;
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost)$/;

/** Refuses anything but loopback: these suites must never send traffic elsewhere. */
export function assertLoopback(conn: Connection): void {
    if (!LOOPBACK.test(conn.host)) {
        throw new Error(
            `connection.host ${JSON.stringify(conn.host)} is not a loopback address; the contract suite only talks to 127.0.0.0/8 or ::1`,
        );
    }
    if (conn.proxy) {
        throw new Error("connection.proxy is set; the contract suite does not dial through proxies");
    }
}

/** What the product sent over SSH after a login: command lines, stdin and file contents, in bytes. */
let payloadBytes = 0;
export function sentPayloadBytes(): number {
    return payloadBytes;
}

function connectConfig(conn: Connection, pin: PinnedHostKey): ConnectConfig {
    const config: ConnectConfig = {
        host: conn.host,
        port: conn.port ?? 22,
        username: conn.user ?? "root",
        readyTimeout: (conn.perDialTimeout ?? 15) * 1000,
        privateKey: conn.privateKey,
        passphrase: conn.privateKeyPassword,
        password: conn.password,
        agent: conn.agentSocketPath ?? process.env.SSH_AUTH_SOCK,
    };
    // The provider pins the host key given as `hostKey` ("type base64"): only its algorithm is
    // offered and any other key is refused (ssh.FixedHostKey).
    config.algorithms = pin.algorithms as ConnectConfig["algorithms"];
    config.hostVerifier = pin.hostVerifier;
    return config;
}

/** Dials like the provider: up to dialErrorLimit attempts (default 10; -1 = unlimited). */
export async function dial(conn: Connection): Promise<Client> {
    assertLoopback(conn);
    // The product pins every host: a connection without a key would accept whoever answers.
    if (!conn.hostKey) {
        throw new Error(`the connection to ${conn.host}:${conn.port ?? 22} has no hostKey: it would accept any host's key`);
    }
    const limit = conn.dialErrorLimit ?? 10;
    let lastError: unknown;
    for (let attempt = 1; limit === -1 || attempt <= limit; attempt++) {
        const pin = pinnedHostKey(conn.hostKey, `${conn.host}:${conn.port ?? 22}`);
        try {
            return await new Promise<Client>((resolve, reject) => {
                const client = new Client();
                client.once("ready", () => resolve(client));
                // A client can report more than one error (Docker's port proxy accepts before sshd
                // does, then drops the connection): the first fails this attempt, later ones are
                // not to crash the run.
                client.on("error", (err) => {
                    reject(err);
                    client.end();
                });
                client.connect(connectConfig(conn, pin));
            });
        } catch (err) {
            // Another host key is an answer, not a passing fault: no retry (the provider's retries
            // would meet the same key), and nothing was sent.
            const refusal = pin.refusal();
            if (refusal) throw new Error(refusal, { cause: err });
            lastError = err;
            await new Promise((r) => setTimeout(r, 1000));
        }
    }
    throw new Error(`after ${limit} failed attempts: ${(lastError as Error)?.message ?? lastError}`);
}

export async function withClient<T>(conn: Connection, fn: (client: Client) => Promise<T>): Promise<T> {
    const client = await dial(conn);
    try {
        return await fn(client);
    } finally {
        client.end();
    }
}

export interface ExecOptions {
    env?: Record<string, string>;
    stdin?: string;
    onStdout?: (chunk: string) => void;
    onStderr?: (chunk: string) => void;
}

/** Runs `command` in a new session; the server's login shell interprets it (session.Run in Go). */
export function exec(client: Client, command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    payloadBytes += Buffer.byteLength(command) + Buffer.byteLength(opts.stdin ?? "");
    return new Promise((resolve, reject) => {
        client.exec(command, { env: opts.env }, (err, stream) => {
            if (err) {
                reject(err);
                return;
            }
            let stdout = "";
            let stderr = "";
            let combined = "";
            stream.on("data", (d: Buffer) => {
                const s = d.toString("utf8");
                stdout += s;
                combined += s;
                opts.onStdout?.(s);
            });
            stream.stderr.on("data", (d: Buffer) => {
                const s = d.toString("utf8");
                stderr += s;
                combined += s;
                opts.onStderr?.(s);
            });
            stream.on("close", (code: number | null, signal: string | null) => {
                resolve({ code: code ?? null, signal: signal ?? null, stdout, stderr, combined });
            });
            if (opts.stdin && opts.stdin.length > 0) {
                stream.end(opts.stdin);
            } else {
                stream.end();
            }
        });
    });
}

/**
 * Which of `keys` the server accepts in an SSH "env" request. The provider's session.Setenv fails
 * the command when the server refuses one (sshd's AcceptEnv); ssh2 sends them without asking for a
 * reply, so this asks the server which ones arrived.
 */
export async function acceptedEnvKeys(client: Client, env: Record<string, string>): Promise<Set<string>> {
    const keys = Object.keys(env);
    for (const key of keys) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
            throw new Error(`environment key ${JSON.stringify(key)} is not a valid variable name`);
        }
    }
    if (keys.length === 0) {
        return new Set();
    }
    const probe = keys.map((k) => `"\${${k}+${k}}"`).join(" ");
    const marker = Object.fromEntries(keys.map((k) => [k, "1"]));
    const res = await exec(client, `printf '%s\\n' ${probe}`, { env: marker });
    return new Set(res.stdout.split("\n").filter((l) => l.length > 0));
}

function sftp(client: Client): Promise<SFTPWrapper> {
    return new Promise((resolve, reject) => client.sftp((err, s) => (err ? reject(err) : resolve(s))));
}

function stat(s: SFTPWrapper, p: string): Promise<fs.Stats | null> {
    return new Promise((resolve, reject) =>
        s.stat(p, (err, st) => {
            if (err) {
                // SFTP status 2 = no such file.
                if ((err as { code?: number }).code === 2) resolve(null);
                else reject(new Error(`failed to stat remote path ${p}: ${err.message}`));
                return;
            }
            resolve(st as unknown as fs.Stats);
        }),
    );
}

function mkdir(s: SFTPWrapper, p: string): Promise<void> {
    return new Promise((resolve, reject) =>
        s.mkdir(p, (err) => (err ? reject(new Error(`failed to create remote directory ${p}: ${err.message}`)) : resolve())),
    );
}

async function mkdirAll(s: SFTPWrapper, dir: string): Promise<void> {
    const st = await stat(s, dir);
    if (st) {
        if (!st.isDirectory()) throw new Error(`remote path ${dir} exists but is not a directory`);
        return;
    }
    const parent = path.posix.dirname(dir);
    if (parent !== dir) await mkdirAll(s, parent);
    await mkdir(s, dir);
}

function writeFile(s: SFTPWrapper, remotePath: string, data: Buffer): Promise<void> {
    payloadBytes += data.length;
    return new Promise((resolve, reject) => {
        const out = s.createWriteStream(remotePath);
        out.on("error", (err: Error) => reject(new Error(`failed to create remote file ${remotePath}: ${err.message}`)));
        out.on("close", () => resolve());
        out.end(data);
    });
}

/** CopyToRemote with a StringAsset: remotePath must be a file path; parents are created. */
export async function copyText(client: Client, text: string, remotePath: string): Promise<void> {
    const s = await sftp(client);
    try {
        const st = await stat(s, remotePath);
        if (st && st.isDirectory()) {
            throw new Error(`remote path ${remotePath} is a directory; when using a text asset, remotePath must be a file path`);
        }
        await mkdirAll(s, path.posix.dirname(remotePath));
        await writeFile(s, remotePath, Buffer.from(text, "utf8"));
    } finally {
        s.end();
    }
}

/**
 * CopyToRemote with a FileAsset or a directory FileArchive, following the provider's table:
 *   source | dest exists as dir | dest does not exist | dest exists as file
 *   dir    | dest/dir           | dest/dir            | error
 *   dir/   | dest/x for x in dir| dest/dir            | error
 *   file   | dest/file          | dest                | dest (overwritten)
 */
export async function copyPath(client: Client, localPath: string, remotePath: string): Promise<void> {
    const s = await sftp(client);
    try {
        const src = fs.statSync(localPath);
        const destStat = await stat(s, remotePath);
        if (src.isDirectory()) {
            if (destStat && !destStat.isDirectory()) throw new Error(`remote path ${remotePath} exists but is not a directory`);
            let dest = remotePath;
            if (!destStat) await mkdirAll(s, dest);
            if (!localPath.endsWith("/")) {
                dest = path.posix.join(dest, path.basename(localPath));
                const inner = await stat(s, dest);
                if (inner && !inner.isDirectory()) throw new Error(`remote path ${dest} exists but is not a directory`);
                if (!inner) await mkdir(s, dest);
            }
            await copyDir(s, localPath, dest);
        } else {
            let dest = remotePath;
            if (destStat && destStat.isDirectory()) dest = path.posix.join(dest, path.basename(localPath));
            else if (!destStat) await mkdirAll(s, path.posix.dirname(dest));
            await writeFile(s, dest, fs.readFileSync(localPath));
        }
    } finally {
        s.end();
    }
}

async function copyDir(s: SFTPWrapper, localDir: string, remoteDir: string): Promise<void> {
    for (const entry of fs.readdirSync(localDir, { withFileTypes: true })) {
        const local = path.join(localDir, entry.name);
        const remote = path.posix.join(remoteDir, entry.name);
        if (entry.isDirectory()) {
            if (!(await stat(s, remote))) await mkdir(s, remote);
            await copyDir(s, local, remote);
        } else {
            await writeFile(s, remote, fs.readFileSync(local));
        }
    }
}
