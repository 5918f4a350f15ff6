// The command provider's resources (@pulumi/command COMMAND_PROVIDER_VERSION), carried out as its Go code does
// (github.com/pulumi/pulumi-command, provider/pkg/provider/{remote,local}):
// - remote.Command: create runs `create`; an input change runs `update` (or `create` when there is
//   no `update`); delete runs the `delete` of the state. `triggers` replace. Environment goes through
//   SSH env requests and fails the command when sshd refuses one; previous stdout/stderr are offered
//   as PULUMI_COMMAND_STDOUT/STDERR; stdin is piped; a non-zero exit fails with the command and its
//   output; `logging` chooses what is printed.
// - remote.CopyToRemote: copies on create, and on update when the source's hash or remotePath
//   changed; deleting leaves the files.
// - local.Command: the same lifecycle, run by /bin/sh -c (or `interpreter`) in `dir`.
import { spawn } from "child_process";
import * as path from "path";

import { ExecutedResource, fingerprintOf, HandlerContext, ResourceHandler } from "./executor";
import type { RecordedResource, SourceValue } from "../support/programRecorder";
import { acceptedEnvKeys, Connection, copyPath, copyText, exec, withClient } from "./ssh";

/**
 * The provider version whose Go code these handlers copy. A contract test fails when the SDK in
 * package.json moves away from it: then read the provider's changes and bring the handlers along.
 */
export const COMMAND_PROVIDER_VERSION = "1.2.1";

type Logging = "stdout" | "stderr" | "stdoutAndStderr" | "none";

interface CommandInputs {
    connection?: Connection;
    create?: string;
    update?: string;
    delete?: string;
    environment?: Record<string, string>;
    stdin?: string;
    logging?: Logging;
    addPreviousOutputInEnv?: boolean;
    triggers?: unknown[];
    // local.Command only
    dir?: string;
    interpreter?: string[];
}

interface CommandOutputs {
    stdout?: string;
    stderr?: string;
}

const shouldLogStdout = (l?: Logging) => l === undefined || l === "stdout" || l === "stdoutAndStderr";
const shouldLogStderr = (l?: Logging) => l === undefined || l === "stderr" || l === "stdoutAndStderr";

function lineLogger(ctx: HandlerContext, prefix: string) {
    let buffer = "";
    return {
        write(chunk: string) {
            buffer += chunk;
            let i: number;
            while ((i = buffer.indexOf("\n")) >= 0) {
                ctx.log(`  ${prefix} | ${buffer.slice(0, i)}`);
                buffer = buffer.slice(i + 1);
            }
        },
        flush() {
            if (buffer.length > 0) ctx.log(`  ${prefix} | ${buffer}`);
            buffer = "";
        },
    };
}

function previousOutputEnv(inputs: CommandInputs, previous: CommandOutputs | undefined): Record<string, string> {
    if (inputs.addPreviousOutputInEnv === false || !previous) return {};
    const env: Record<string, string> = {};
    if (previous.stdout) env.PULUMI_COMMAND_STDOUT = previous.stdout;
    if (previous.stderr) env.PULUMI_COMMAND_STDERR = previous.stderr;
    return env;
}

function connectionOf(res: RecordedResource | ExecutedResource["resource"]): Connection {
    const conn = (res.inputs as CommandInputs).connection;
    if (!conn || typeof conn.host !== "string") {
        throw new Error(`${res.type} ${res.name} has no connection.host`);
    }
    return conn;
}

async function runRemote(
    name: string,
    conn: Connection,
    inputs: CommandInputs,
    command: string,
    previous: CommandOutputs | undefined,
    ctx: HandlerContext,
): Promise<CommandOutputs> {
    return withClient(conn, async (client) => {
        const env = inputs.environment ?? {};
        const accepted = await acceptedEnvKeys(client, env);
        for (const key of Object.keys(env)) {
            if (!accepted.has(key)) {
                throw new Error(
                    `could not set environment variable "${key}": ssh: setenv failed (the SSH server must accept it via AcceptEnv)`,
                );
            }
        }
        // The provider sets these optimistically and only warns when the server refuses them.
        const prev = previousOutputEnv(inputs, previous);
        const prevAccepted = await acceptedEnvKeys(client, prev);
        const sessionEnv = { ...env, ...Object.fromEntries(Object.entries(prev).filter(([k]) => prevAccepted.has(k))) };

        const out = lineLogger(ctx, name);
        const res = await exec(client, command, {
            env: sessionEnv,
            stdin: inputs.stdin,
            onStdout: shouldLogStdout(inputs.logging) ? (s) => out.write(s) : undefined,
            onStderr: shouldLogStderr(inputs.logging) ? (s) => out.write(s) : undefined,
        });
        out.flush();
        if (res.code !== 0) {
            const status = res.code === null ? `signal ${res.signal}` : `status ${res.code}`;
            throw new Error(`Process exited with ${status}: running ${JSON.stringify(command)}:\n${res.combined}`);
        }
        return { stdout: res.stdout.replace(/\n$/, ""), stderr: res.stderr.replace(/\n$/, "") };
    });
}

export const remoteCommand: ResourceHandler = {
    replaceOnChanges: ["triggers"],
    async create(res, ctx) {
        const inputs = res.inputs as CommandInputs;
        if (inputs.create === undefined) return {};
        return { ...(await runRemote(res.name, connectionOf(res), inputs, inputs.create, undefined, ctx)) };
    },
    async update(old, res, ctx) {
        const inputs = res.inputs as CommandInputs;
        const command = inputs.update ?? inputs.create;
        if (command === undefined) return old.outputs;
        return { ...(await runRemote(res.name, connectionOf(res), inputs, command, old.outputs as CommandOutputs, ctx)) };
    },
    async delete(old, ctx) {
        const inputs = old.resource.inputs as CommandInputs;
        if (inputs.delete === undefined) return;
        await runRemote(old.resource.name, connectionOf(old.resource), inputs, inputs.delete, old.outputs as CommandOutputs, ctx);
    },
};

interface CopyInputs {
    connection: Connection;
    source: SourceValue;
    remotePath: string;
}

async function copy(res: RecordedResource, ctx: HandlerContext): Promise<void> {
    const { source, remotePath } = res.inputs as unknown as CopyInputs;
    if (typeof remotePath !== "string" || remotePath === "") throw new Error(`${res.name}: remotePath is required`);
    await withClient(connectionOf(res), async (client) => {
        if (source?.kind === "asset" && source.text !== undefined) {
            await copyText(client, source.text, remotePath);
        } else if (source?.path !== undefined) {
            await copyPath(client, path.resolve(ctx.projectDir, source.path), remotePath);
        } else {
            throw new Error(`${res.name}: source must be a path-based FileAsset, a StringAsset, or a path FileArchive`);
        }
    });
}

export const remoteCopyToRemote: ResourceHandler = {
    replaceOnChanges: ["triggers"],
    async create(res, ctx) {
        await copy(res, ctx);
        return {};
    },
    async update(old, res, ctx) {
        // The provider copies again only when the source's hash or the remote path changed.
        const before = JSON.stringify([old.fingerprint.source, old.fingerprint.remotePath]);
        const now = JSON.stringify([fingerprintOf(res.inputs.source, ctx.projectDir), res.inputs.remotePath]);
        if (before !== now) await copy(res, ctx);
        return {};
    },
};

function runLocal(
    name: string,
    inputs: CommandInputs,
    command: string,
    previous: CommandOutputs | undefined,
    ctx: HandlerContext,
): Promise<CommandOutputs> {
    const [program, ...args] = [...(inputs.interpreter && inputs.interpreter.length > 0 ? inputs.interpreter : ["/bin/sh", "-c"]), command];
    return new Promise((resolve, reject) => {
        const child = spawn(program, args, {
            cwd: inputs.dir ?? ctx.projectDir,
            env: { ...process.env, ...(inputs.environment ?? {}), ...previousOutputEnv(inputs, previous) },
            stdio: ["pipe", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        let combined = "";
        const out = lineLogger(ctx, name);
        child.stdout.on("data", (d: Buffer) => {
            stdout += d;
            combined += d;
            if (shouldLogStdout(inputs.logging)) out.write(d.toString());
        });
        child.stderr.on("data", (d: Buffer) => {
            stderr += d;
            combined += d;
            if (shouldLogStderr(inputs.logging)) out.write(d.toString());
        });
        child.on("error", reject);
        child.on("close", (code, signal) => {
            out.flush();
            if (code !== 0) reject(new Error(`exit status ${code ?? signal}: running ${JSON.stringify(command)}:\n${combined}`));
            else resolve({ stdout: stdout.replace(/\n$/, ""), stderr: stderr.replace(/\n$/, "") });
        });
        child.stdin.end(inputs.stdin ?? "");
    });
}

export const localCommand: ResourceHandler = {
    replaceOnChanges: ["triggers"],
    async create(res, ctx) {
        const inputs = res.inputs as CommandInputs;
        if (inputs.create === undefined) return {};
        return { ...(await runLocal(res.name, inputs, inputs.create, undefined, ctx)) };
    },
    async update(old, res, ctx) {
        const inputs = res.inputs as CommandInputs;
        const command = inputs.update ?? inputs.create;
        if (command === undefined) return old.outputs;
        return { ...(await runLocal(res.name, inputs, command, old.outputs as CommandOutputs, ctx)) };
    },
    async delete(old, ctx) {
        const inputs = old.resource.inputs as CommandInputs;
        if (inputs.delete === undefined) return;
        await runLocal(old.resource.name, inputs, inputs.delete, old.outputs as CommandOutputs, ctx);
    },
};

/** The handlers for every resource type of the command provider. */
export const commandHandlers: Record<string, ResourceHandler> = {
    "command:remote:Command": remoteCommand,
    "command:remote:CopyToRemote": remoteCopyToRemote,
    "command:local:Command": localCommand,
};
