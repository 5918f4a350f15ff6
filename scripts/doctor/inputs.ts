// What doctor examines, and where each value came from: flags first, then the live stack's
// outputs (through the project's CLI and file backend, when it has state), then the committed
// stack file (Pulumi.<stack>.yaml). Secrets are never read: the SSH key is a file (--key).

import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

import type { IngressRule } from "../../components/reachability/diagnosis";
import { resolveSshTarget } from "./sshTarget";
import { isPort, PORT_MAX, PORT_MIN } from "../../components/rules/port";
import type { SshTarget } from "./hostShell";
import { localHostRunning, StackPresence, stackPresence } from "./stackPresence";

export const repoRoot = path.resolve(__dirname, "..", "..");

export interface DoctorFlags {
    stack?: string;
    url?: string;
    ssh?: string;
    user?: string;
    key?: string;
    hostKey?: string;
    appPort?: number;
    service?: string;
    mode?: string;
    version?: string;
    attempts?: number;
    timeoutSeconds?: number;
    noSsh?: boolean;
}

export interface DoctorTarget {
    stack?: string;
    targetKind: "ssh" | "aws" | "kubernetes";
    mode: "systemd" | "container";
    url: string;
    expectedVersion?: string;
    expectedFrom: string;
    serviceName: string;
    appPort: number;
    ssh?: SshTarget & { keyPath: string };
    securityGroupId?: string;
    securityGroupIngress?: IngressRule[];
    attempts: number;
    timeoutMs: number;
    /** One line per value that did not come from a flag, saying where it came from. */
    notes: string[];
}

const NS = "gin-deploy";

/** Nothing to check, for a reason the user can act on: one line, the cause then the next command. */
export class DoctorInputError extends Error {
    constructor(cause: string, next: string) {
        super(`${cause}. Next: ${next}`);
        this.name = "DoctorInputError";
    }
}

/** The stacks this checkout commits a file for (Pulumi.<stack>.yaml). */
function committedStacks(): string[] {
    return fs
        .readdirSync(repoRoot)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/**
 * How a stack is deployed: its own npm script when it has one (deploy:local, deploy:local-k8s);
 * otherwise `up`, after stack:init when the stack does not exist in the backend yet.
 */
function deployCommand(stack: string, hasState: boolean): string {
    const scripts = (JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { scripts?: Record<string, string> })
        .scripts;
    if (scripts?.[`deploy:${stack}`]) return `npm run deploy:${stack}`;
    return `${hasState ? "" : `npm run stack:init -- ${stack}, then `}npm run pulumi -- up --stack ${stack}`;
}

function shownPath(p: string): string {
    const rel = path.relative(repoRoot, p);
    return rel.startsWith("..") ? p : rel;
}

/**
 * Refuses, with its own cause and next command, a stack doctor cannot check: one that does not
 * exist, and the local stack while no local host runs. (A stack that was never deployed is
 * refused where its URL is missing: an ssh stack's URL may come from its file.)
 */
function refuseUncheckable(flags: DoctorFlags, presence: StackPresence): void {
    const stack = flags.stack as string;
    if (!presence.committed && !presence.hasState && presence.backend) {
        throw new DoctorInputError(
            `no stack "${stack}": no Pulumi.${stack}.yaml in this checkout and no state for it in ${shownPath(presence.backend)}`,
            `npm run doctor -- --stack ${committedStacks().join("|")} (the committed stacks); npm run pulumi -- stack ls lists the stacks with state`,
        );
    }
    if (stack === "local" && !flags.url && !flags.ssh) {
        const host = localHostRunning();
        if (!host.running) {
            throw presence.deployed
                ? new DoctorInputError(
                      `the local host (container ${host.name}) is not running, so the local stack's service cannot answer`,
                      "npm run host -- start, then npm run doctor -- --stack local (or npm run deploy:local, which starts it and deploys)",
                  )
                : new DoctorInputError(
                      "no local host runs and the local stack was never deployed: there is nothing to check yet",
                      "npm run deploy:local (starts the host and deploys, no cloud), then npm run doctor -- --stack local",
                  );
        }
    }
}

export function committedStackConfig(stack: string): Record<string, unknown> {
    const file = path.join(repoRoot, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) return {};
    const doc = (yaml.load(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
    return doc.config ?? {};
}

/** The live stack's outputs, or why there are none. Never builds the CLI (minutes): uses one that exists. */
export function stackOutputs(stack: string): { outputs?: Record<string, unknown>; why?: string } {
    const cli = existingCli();
    if (!cli) return { why: "no pulumi CLI here yet (bash tools/pulumi-cli/build.sh builds the pinned one, minutes)" };
    const res = spawnSync("bash", [path.join(repoRoot, "scripts", "pulumi.sh"), "stack", "output", "--json", "--stack", stack], {
        cwd: repoRoot,
        encoding: "utf8",
        timeout: 60000,
        env: { ...process.env, GIN_DEPLOY_PULUMI: process.env.GIN_DEPLOY_PULUMI ?? cli },
    });
    if (res.status !== 0) {
        const text = (res.stderr || res.stdout || "").replace(/\s+/g, " ").trim();
        return { why: text.slice(0, 400) || `exit ${res.status}` };
    }
    try {
        return { outputs: JSON.parse(res.stdout) as Record<string, unknown> };
    } catch {
        return { why: "pulumi stack output printed no JSON" };
    }
}

function existingCli(): string | undefined {
    const res = spawnSync(
        "bash",
        ["-c", 'command -v pulumi || { p=$(bash tools/pulumi-cli/build.sh --path) && [ -x "$p" ] && echo "$p"; }'],
        { cwd: repoRoot, encoding: "utf8" },
    );
    return res.status === 0 && res.stdout.trim() ? res.stdout.trim() : undefined;
}

/** aws: the security group's ingress as the stack's state recorded it (`pulumi stack export`). */
export function securityGroupFromState(stack: string): { id?: string; ingress?: IngressRule[] } {
    const cli = existingCli();
    if (!cli) return {};
    const res = spawnSync("bash", [path.join(repoRoot, "scripts", "pulumi.sh"), "stack", "export", "--stack", stack], {
        cwd: repoRoot,
        encoding: "utf8",
        timeout: 60000,
        env: { ...process.env, GIN_DEPLOY_PULUMI: cli },
        maxBuffer: 64 * 1024 * 1024,
    });
    if (res.status !== 0) return {};
    return securityGroupOfDeployment(JSON.parse(res.stdout));
}

/** The first aws SecurityGroup of an exported deployment, with its ingress rules. */
export function securityGroupOfDeployment(exported: unknown): { id?: string; ingress?: IngressRule[] } {
    const resources = ((exported as { deployment?: { resources?: unknown[] } }).deployment?.resources ?? []) as {
        type?: string;
        id?: string;
        outputs?: { ingress?: Record<string, unknown>[] };
    }[];
    const sg = resources.find((r) => r.type === "aws:ec2/securityGroup:SecurityGroup");
    if (!sg) return {};
    const ingress = (sg.outputs?.ingress ?? []).map((r): IngressRule => ({
        protocol: String(r.protocol ?? ""),
        fromPort: Number(r.fromPort ?? 0),
        toPort: Number(r.toPort ?? 0),
        cidrBlocks: (r.cidrBlocks as string[] | undefined) ?? [],
        ipv6CidrBlocks: (r.ipv6CidrBlocks as string[] | undefined) ?? [],
    }));
    return { id: sg.id, ingress };
}

export function resolveTarget(flags: DoctorFlags): DoctorTarget {
    const notes: string[] = [];
    const presence = flags.stack ? stackPresence(repoRoot, flags.stack) : undefined;
    if (presence) refuseUncheckable(flags, presence);
    const cfg = flags.stack ? committedStackConfig(flags.stack) : {};
    const c = (key: string) => cfg[`${NS}:${key}`];
    let outputs: Record<string, unknown> = {};
    if (flags.stack) {
        const got = stackOutputs(flags.stack);
        if (got.outputs) {
            outputs = got.outputs;
            notes.push(`stack ${flags.stack}: read its outputs (${Object.keys(outputs).join(", ") || "none"})`);
        } else {
            notes.push(`stack ${flags.stack}: no outputs (${got.why}); using Pulumi.${flags.stack}.yaml and the flags`);
        }
    }
    const targetKind = String(c("target") ?? (flags.stack ? "aws" : "ssh")) as DoctorTarget["targetKind"];
    if (!["ssh", "aws", "kubernetes"].includes(targetKind))
        throw new Error(`gin-deploy:target is ${JSON.stringify(targetKind)}: doctor knows ssh, aws and kubernetes`);
    const modeValue = flags.mode ?? (outputs.mode as string | undefined) ?? (c("mode") as string | undefined) ?? "systemd";
    if (modeValue !== "systemd" && modeValue !== "container")
        throw new Error(`--mode ${JSON.stringify(modeValue)}: use systemd or container`);
    const appPort = flags.appPort ?? Number(c("appPort") ?? 8080);
    if (!isPort(appPort)) throw new Error(`the app port ${appPort} is not a TCP port: pass --app-port ${PORT_MIN}-${PORT_MAX}`);

    const configuredUrl = c("publicUrl") !== undefined && c("publicUrl") !== "auto" ? String(c("publicUrl")) : undefined;
    const url =
        flags.url ??
        (outputs.url as string | undefined) ??
        configuredUrl ??
        (c("sshHost") ? `http://${String(c("sshHost"))}:${appPort}` : undefined);
    if (!url && flags.stack && presence?.backend && !presence.deployed)
        throw new DoctorInputError(
            `stack "${flags.stack}" was never deployed from this checkout (${presence.hasState ? "its state holds no resources" : `no state in ${shownPath(presence.backend)}`}), so it has no URL to check`,
            `${deployCommand(flags.stack, presence.hasState)}, or --url http://HOST:PORT for a service deployed from elsewhere`,
        );
    if (!url)
        throw new Error(
            "no URL to check: pass --url http://HOST:PORT or --stack NAME of a stack with a url output or gin-deploy:publicUrl",
        );
    if (!flags.url) notes.push(`url ${url} from ${outputs.url ? "the stack's outputs" : `Pulumi.${flags.stack}.yaml`}`);

    const expectedVersion = flags.version ?? (outputs.version as string | undefined);
    const expectedFrom = flags.version
        ? "--version"
        : outputs.version
          ? "the stack's version output"
          : "neither --version nor a stack output";

    let ssh: DoctorTarget["ssh"];
    if (!flags.noSsh && targetKind !== "kubernetes") {
        const found = resolveSshTarget({ flags, stack: flags.stack, targetKind, config: cfg, outputs, repoRoot });
        if (found.ok) {
            const { hostKeyFrom, addressFrom, ...target } = found.ssh;
            ssh = target;
            if (!flags.hostKey) notes.push(`host key of ${target.host}:${target.port} from ${hostKeyFrom}`);
            if (!flags.ssh) notes.push(`ssh ${target.user}@${target.host}:${target.port} from ${addressFrom}`);
        } else if (found.problem === "no-address") {
            notes.push("no SSH address (pass --ssh HOST:PORT): only the checks from this machine run");
        } else {
            throw new Error(`${found.message}, or --no-ssh for the outside checks only`);
        }
    }
    let securityGroupId: string | undefined;
    let securityGroupIngress: IngressRule[] | undefined;
    if (targetKind === "aws" && flags.stack) {
        const sg = securityGroupFromState(flags.stack);
        securityGroupId = sg.id;
        securityGroupIngress = sg.ingress;
        if (!sg.id) notes.push("no security group in the stack's state: the security group check is skipped");
    }
    const attempts = flags.attempts ?? 3;
    const timeoutMs = (flags.timeoutSeconds ?? 5) * 1000;
    return {
        stack: flags.stack,
        targetKind,
        mode: modeValue,
        url,
        expectedVersion,
        expectedFrom,
        serviceName: flags.service ?? (outputs.serviceName as string | undefined) ?? "gin-app",
        appPort,
        ssh,
        securityGroupId,
        securityGroupIngress,
        attempts,
        timeoutMs,
        notes,
    };
}
