// `npm run logs -- --stack NAME [-n N] [--follow] [--since 10m]`: the service's log from its live
// release, in every target and mode, without knowing units, slots or container names.
//   systemd: the live unit's journal (the live slot's in slot mode); container: the live slot's
//   container; kubernetes: every pod of the Deployment (kubectl), each line prefixed with its pod.
// Hosts are reached as `up` reaches them: the stack's login user, root through sudo -n, the host's
// key pinned (a host presenting another is refused before anything is sent).
//
// Where things come from: the stack's outputs (when it has state here), its Pulumi.<stack>.yaml (the
// local stack: its workspace's), and flags, which win:
//   --ssh HOST[:PORT]  --user USER  --key FILE (the deploy key; the local stack's is found)
//   --host-key LINE    --mode systemd|container  --service NAME (gin-app)
//   --kubeconfig FILE  --namespace NS   (kubernetes; local-k8s's kubeconfig is found)
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { Client } from "ssh2";

import { connectPinned, HostKeyRefused } from "./doctor/hostShell";
import { committedStackConfig, repoRoot, stackOutputs } from "./doctor/inputs";
import { resolveSshTarget } from "./doctor/sshTarget";
import { stackPresence } from "./doctor/stackPresence";
import { containerLogCommand, kubectlLogArgs, LogOptions, systemdLogCommand, validateLogOptions } from "./logs/logCommands";

const USAGE = `usage: npm run logs -- --stack NAME [-n LINES] [--follow] [--since 30s|10m|2h]
  [--ssh HOST[:PORT]] [--user USER] [--key FILE] [--host-key LINE] [--mode systemd|container] [--service NAME]
  [--kubeconfig FILE] [--namespace NS]`;

interface Args extends LogOptions {
    stack?: string;
    ssh?: string;
    user?: string;
    key?: string;
    hostKey?: string;
    mode?: string;
    service?: string;
    kubeconfig?: string;
    namespace?: string;
}

const VALUE_FLAGS: Record<string, keyof Args> = {
    "--stack": "stack",
    "-n": "lines",
    "--lines": "lines",
    "--since": "since",
    "--ssh": "ssh",
    "--user": "user",
    "--key": "key",
    "--host-key": "hostKey",
    "--mode": "mode",
    "--service": "service",
    "--kubeconfig": "kubeconfig",
    "--namespace": "namespace",
};

/** One line, the cause and the next command; exit 2. */
class Refusal extends Error {}

export function parseArgs(argv: string[]): Args | "help" {
    const out: Args = { lines: 100, follow: false };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--help" || a === "-h") return "help";
        if (a === "--follow" || a === "-f") {
            out.follow = true;
            continue;
        }
        const [flag, inline] =
            a.startsWith("--") && a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
        const key = VALUE_FLAGS[flag];
        if (!key) throw new Refusal(`unknown argument ${JSON.stringify(a)}\n${USAGE}`);
        const value = inline ?? argv[++i];
        if (value === undefined || value.startsWith("--")) throw new Refusal(`${flag} needs a value\n${USAGE}`);
        if (key === "lines") out.lines = /^\d+$/.test(value) ? Number(value) : NaN;
        else (out as unknown as Record<string, string>)[key] = value;
    }
    if (!out.stack && !out.ssh && !out.kubeconfig) throw new Refusal(`give --stack NAME (e.g. --stack local)\n${USAGE}`);
    try {
        validateLogOptions(out);
    } catch (err) {
        throw new Refusal((err as Error).message, { cause: err });
    }
    return out;
}

/** The stack's config as this checkout has it: the local stack's workspace file, else Pulumi.<stack>.yaml. */
function stackConfig(stack: string): Record<string, unknown> {
    const workspace = path.join(repoRoot, ".gin-deploy", "workspace", `Pulumi.${stack}.yaml`);
    if (stack === "local" && fs.existsSync(workspace)) {
        return ((yaml.load(fs.readFileSync(workspace, "utf8")) ?? {}) as { config?: Record<string, unknown> }).config ?? {};
    }
    return committedStackConfig(stack);
}

function refuseAbsent(stack: string): void {
    const presence = stackPresence(repoRoot, stack);
    if (!presence.committed && !presence.hasState && presence.backend) {
        throw new Refusal(`no stack "${stack}": no Pulumi.${stack}.yaml here and no state for it. Next: npm run pulumi -- stack ls`);
    }
}

/** The binary kubectl: on PATH, or the one the local cluster's build made. */
function kubectl(): string {
    if (spawnSync("sh", ["-c", "command -v kubectl"]).status === 0) return "kubectl";
    const built = path.join(
        process.env.XDG_CACHE_HOME ?? path.join(process.env.HOME ?? "", ".cache"),
        "gin-deploy",
        "kubernetes-v1.37.2",
        "bin",
        "kubectl",
    );
    if (fs.existsSync(built)) return built;
    throw new Refusal("no kubectl on PATH. Next: install kubectl, or run npm run cluster -- start once (it builds one)");
}

function kubernetesLogs(args: Args, cfg: Record<string, unknown>, outputs: Record<string, unknown>): Promise<number> {
    const kubeconfig =
        args.kubeconfig ?? (args.stack === "local-k8s" ? path.join(repoRoot, ".gin-deploy", "cluster", "kubeconfig") : undefined);
    if (!kubeconfig || !fs.existsSync(kubeconfig)) {
        throw new Refusal(
            kubeconfig
                ? `no kubeconfig at ${kubeconfig}: the local cluster is not running. Next: npm run deploy:local-k8s`
                : "the kubeconfig is a secret of the stack, which logs does not read. Next: pass --kubeconfig FILE",
        );
    }
    const namespace = args.namespace ?? (outputs.namespace as string | undefined) ?? String(cfg["gin-deploy:namespace"] ?? "");
    if (!namespace) throw new Refusal("no namespace in the stack's outputs or config. Next: pass --namespace NS");
    const argv = ["--kubeconfig", kubeconfig, ...kubectlLogArgs(namespace, args.service ?? "gin-app", args)];
    console.error(`logs: pods of ${args.service ?? "gin-app"} in namespace ${namespace}`);
    return new Promise((resolve) => {
        const child = spawn(kubectl(), argv, { stdio: ["ignore", "inherit", "inherit"] });
        child.on("close", (code) => resolve(code ?? 1));
    });
}

async function hostLogs(args: Args, cfg: Record<string, unknown>, outputs: Record<string, unknown>, kind: string): Promise<number> {
    const c = (k: string) => cfg[`gin-deploy:${k}`];
    let found;
    try {
        found = resolveSshTarget({ flags: args, stack: args.stack, targetKind: kind, config: cfg, outputs, repoRoot });
    } catch (err) {
        throw new Refusal((err as Error).message, { cause: err });
    }
    if (!found.ok) throw new Refusal(found.message);
    const target = found.ssh;
    const { host, port, user } = target;
    const mode = args.mode ?? (outputs.mode as string | undefined) ?? String(c("mode") ?? "systemd");
    const service = args.service ?? (outputs.serviceName as string | undefined) ?? "gin-app";
    const command = mode === "container" ? containerLogCommand(service, args) : systemdLogCommand(service, args);
    let client: Client;
    try {
        client = await connectPinned(target, 15000);
    } catch (err) {
        throw new Refusal(
            err instanceof HostKeyRefused
                ? err.message
                : `cannot reach ${user}@${host}:${port}: ${(err as Error).message}. Next: npm run doctor -- --stack ${args.stack ?? "NAME"}`,
            { cause: err },
        );
    }
    return new Promise((resolve, reject) => {
        client.exec(command, (err, stream) => {
            if (err) return reject(err);
            stream.on("data", (d: Buffer) => process.stdout.write(d));
            stream.stderr.on("data", (d: Buffer) => process.stderr.write(d));
            stream.on("close", (code: number | null) => {
                client.end();
                resolve(code ?? 1);
            });
            // Ctrl-C ends a --follow: close the session, not just this process.
            process.once("SIGINT", () => stream.close());
        });
    });
}

async function main(): Promise<number> {
    let args: Args | "help";
    try {
        args = parseArgs(process.argv.slice(2));
        if (args === "help") {
            console.log(USAGE);
            return 0;
        }
        if (args.stack) refuseAbsent(args.stack);
        const cfg = args.stack ? stackConfig(args.stack) : {};
        const outputs = args.stack ? (stackOutputs(args.stack).outputs ?? {}) : {};
        const kind = args.kubeconfig ? "kubernetes" : String(cfg["gin-deploy:target"] ?? (args.ssh ? "ssh" : "aws"));
        return await (kind === "kubernetes" ? kubernetesLogs(args, cfg, outputs) : hostLogs(args, cfg, outputs, kind));
    } catch (err) {
        console.error(`logs: ${(err as Error).message}`);
        return err instanceof Refusal ? 2 : 1;
    }
}

if (require.main === module) {
    void main().then((code) => process.exit(code));
}
