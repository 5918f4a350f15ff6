// Recovery from an interrupted deploy (laptop closed, CI job cancelled, engine killed): the file
// backend keeps the dead update's lock, and its checkpoint keeps the operations that were under
// way (`pending_operations`). The next `up` then fails with "the stack is currently locked", and
// after `pulumi cancel` every run warns about pending CREATE operations.
//
// Rules (the same for deploy:local and `doctor --fix`):
//   - a lock whose process is gone (this host, pid not running), or older than any update takes
//     (STALE_LOCK_HOURS), is cleared with `pulumi cancel`, saying so;
//   - any other lock (a live pid here, or another host and young) is refused, with the command;
//   - pending creates are cleared with `pulumi refresh --clear-pending-creates` (the next `up`
//     creates those resources again; the remote steps are idempotent). Pending updates/deletes
//     are refused: they need a person to look at the resource.
// The reading and the decisions are plain functions of the backend's files, tested on recorded
// state files; only applyRecovery runs the CLI.

import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";

/** An update cannot take this long; a lock older than this is left over whatever its host. */
export const STALE_LOCK_HOURS = 6;

export interface StackLock {
    file: string;
    pid: number;
    username: string;
    hostname: string;
    timestamp: string;
}

export interface PendingOperation {
    urn: string;
    type: string;
}

export interface StackState {
    stack: string;
    project: string;
    locks: StackLock[];
    pending: PendingOperation[];
    checkpointFile?: string;
}

/** The file backend's directory from a PULUMI_BACKEND_URL such as file:///path/.gin-deploy/state. */
export function backendDir(backendUrl: string): string {
    if (!backendUrl.startsWith("file://")) {
        throw new Error(`stack recovery reads file backends only; PULUMI_BACKEND_URL is ${backendUrl}. Use: pulumi cancel --stack <name>`);
    }
    return backendUrl.slice("file://".length).replace(/^~(?=\/)/, os.homedir());
}

function readJsonMaybeGz(file: string): unknown {
    const raw = fs.readFileSync(file);
    const text = file.endsWith(".gz") ? zlib.gunzipSync(raw).toString("utf8") : raw.toString("utf8");
    return JSON.parse(text);
}

/** Lock files of one stack: .pulumi/locks/<org>/<project>/<stack>/*.json (and the legacy .pulumi/locks/<stack>/). */
function lockFiles(dir: string, project: string, stack: string): string[] {
    const root = path.join(dir, ".pulumi", "locks");
    const candidates = [path.join(root, stack)];
    if (fs.existsSync(root)) {
        for (const org of fs.readdirSync(root)) candidates.push(path.join(root, org, project, stack));
    }
    const files: string[] = [];
    for (const d of candidates) {
        if (!fs.existsSync(d) || !fs.statSync(d).isDirectory()) continue;
        for (const f of fs.readdirSync(d)) if (f.endsWith(".json")) files.push(path.join(d, f));
    }
    return [...new Set(files)];
}

function checkpointFile(dir: string, project: string, stack: string): string | undefined {
    const base = path.join(dir, ".pulumi", "stacks");
    for (const f of [
        path.join(base, project, `${stack}.json`),
        path.join(base, project, `${stack}.json.gz`),
        path.join(base, `${stack}.json`),
        path.join(base, `${stack}.json.gz`),
    ]) {
        if (fs.existsSync(f)) return f;
    }
    return undefined;
}

export function readStackState(dir: string, project: string, stack: string): StackState {
    const locks = lockFiles(dir, project, stack).map((file): StackLock => {
        const l = readJsonMaybeGz(file) as { pid?: number; username?: string; hostname?: string; timestamp?: string };
        return {
            file,
            pid: Number(l.pid ?? 0),
            username: String(l.username ?? "?"),
            hostname: String(l.hostname ?? "?"),
            timestamp: String(l.timestamp ?? ""),
        };
    });
    const cp = checkpointFile(dir, project, stack);
    let pending: PendingOperation[] = [];
    if (cp) {
        const doc = readJsonMaybeGz(cp) as {
            checkpoint?: { latest?: { pending_operations?: { type?: string; resource?: { urn?: string } }[] } };
        };
        pending = (doc.checkpoint?.latest?.pending_operations ?? []).map((p) => ({
            urn: String(p.resource?.urn ?? "?"),
            type: String(p.type ?? "?"),
        }));
    }
    return { stack, project, locks, pending, checkpointFile: cp };
}

export interface Environment {
    hostname: string;
    now: Date;
    /** true when a process with this pid runs on this host. */
    pidAlive: (pid: number) => boolean;
}

export function localEnvironment(): Environment {
    return {
        hostname: os.hostname(),
        now: new Date(),
        pidAlive: (pid) => {
            try {
                process.kill(pid, 0);
                return true;
            } catch (err) {
                return (err as NodeJS.ErrnoException).code === "EPERM";
            }
        },
    };
}

export type Step =
    | { kind: "cancel"; reason: string }
    | { kind: "clear-pending-creates"; reason: string }
    | { kind: "refuse"; reason: string; command: string };

/** What to do about a stack's state; an empty list when it is clean. */
export function planRecovery(state: StackState, env: Environment): Step[] {
    const steps: Step[] = [];
    const cancelCmd = `npm run pulumi -- cancel --stack ${state.stack}`;
    for (const lock of state.locks) {
        const at = Date.parse(lock.timestamp);
        const ageHours = Number.isFinite(at) ? (env.now.getTime() - at) / 3.6e6 : Infinity;
        const who = `${lock.username}@${lock.hostname} (pid ${lock.pid}) at ${lock.timestamp}`;
        if (lock.hostname === env.hostname && !env.pidAlive(lock.pid)) {
            steps.push({
                kind: "cancel",
                reason: `the stack is locked by ${who}, and that process no longer runs on this host: the update was interrupted`,
            });
        } else if (ageHours > STALE_LOCK_HOURS) {
            steps.push({
                kind: "cancel",
                reason: `the stack is locked by ${who}, ${ageHours.toFixed(1)} h ago: longer than any update takes (${STALE_LOCK_HOURS} h)`,
            });
        } else {
            const where =
                lock.hostname === env.hostname
                    ? `pid ${lock.pid} still runs on this host`
                    : `it is another host's, ${ageHours.toFixed(1)} h old`;
            steps.push({
                kind: "refuse",
                reason: `the stack is locked by ${who}: ${where}, so an update may be under way. Wait for it to end; if you are sure it is gone, clear the lock yourself`,
                command: cancelCmd,
            });
        }
    }
    const creates = state.pending.filter((p) => p.type === "creating");
    const others = state.pending.filter((p) => p.type !== "creating");
    if (creates.length > 0) {
        steps.push({
            kind: "clear-pending-creates",
            reason: `the interrupted update left ${creates.length} pending create(s) (${creates.map((p) => p.urn.split("::").pop()).join(", ")}); the next update creates them again`,
        });
    }
    if (others.length > 0) {
        steps.push({
            kind: "refuse",
            reason: `the interrupted update left pending ${[...new Set(others.map((o) => o.type))].join("/")} operation(s) on ${others.map((p) => p.urn.split("::").pop()).join(", ")}: check those resources, then refresh`,
            command: `npm run pulumi -- refresh --stack ${state.stack}`,
        });
    }
    return steps;
}

export interface RecoveryOptions {
    stack: string;
    repoRoot: string;
    /** Where the stack's settings live (deploy:local: .gin-deploy/workspace); default the repository. */
    workDir?: string;
    project?: string;
    log: (line: string) => void;
    /** For tests: the environment and the CLI runner. */
    env?: Environment;
    run?: (args: string[], cwd: string) => { status: number; output: string };
}

export interface RecoveryResult {
    ok: boolean;
    message: string;
    steps: Step[];
}

function runPulumi(repoRoot: string) {
    return (args: string[], cwd: string) => {
        const res = spawnSync("bash", [path.join(repoRoot, "scripts", "pulumi.sh"), ...args, "--cwd", cwd], {
            cwd: repoRoot,
            encoding: "utf8",
        });
        return { status: res.status ?? 1, output: `${res.stdout}${res.stderr}`.trim() };
    };
}

function backendUrlOf(repoRoot: string): string {
    const out = spawnSync("bash", [path.join(repoRoot, "scripts", "pulumi-env.sh"), "--json"], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
    });
    if (out.status !== 0) throw new Error("scripts/pulumi-env.sh --json failed (its message is above)");
    return (JSON.parse(out.stdout) as { backendUrl: string }).backendUrl;
}

/** Reads the stack's state, clears what is safe to clear, and refuses the rest with the command. */
export async function recoverStack(opts: RecoveryOptions, backendUrl?: string): Promise<RecoveryResult> {
    const dir = backendDir(backendUrl ?? process.env.PULUMI_BACKEND_URL ?? backendUrlOf(opts.repoRoot));
    const state = readStackState(dir, opts.project ?? "gin-deploy", opts.stack);
    const steps = planRecovery(state, opts.env ?? localEnvironment());
    if (steps.length === 0) return { ok: true, message: `stack ${opts.stack}: no lock and no pending operations`, steps };
    const refusals = steps.filter((s): s is Extract<Step, { kind: "refuse" }> => s.kind === "refuse");
    if (refusals.length > 0) {
        return { ok: false, message: refusals.map((r) => `${r.reason}:\n  ${r.command}`).join("\n"), steps };
    }
    const run = opts.run ?? runPulumi(opts.repoRoot);
    const cwd = opts.workDir ?? opts.repoRoot;
    for (const step of steps) {
        opts.log(step.reason);
        const args =
            step.kind === "cancel"
                ? ["cancel", "--yes", "--non-interactive", "--stack", opts.stack]
                : ["refresh", "--clear-pending-creates", "--yes", "--non-interactive", "--skip-preview", "--stack", opts.stack];
        opts.log(`running: pulumi ${args.join(" ")}`);
        const res = run(args, cwd);
        if (res.status !== 0) {
            return { ok: false, message: `pulumi ${args.join(" ")} failed (exit ${res.status}):\n${res.output}`, steps };
        }
    }
    return { ok: true, message: `stack ${opts.stack}: recovered (${steps.map((s) => s.kind).join(", ")})`, steps };
}
