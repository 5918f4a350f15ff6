// What the container suite stands on: the tools, the local registry, the stand-in base images and
// the local host with the Docker socket, each started here only when not already running, and
// removed at the end only if started here.
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

import { HostSettings, HostStatus, onHost, repoRoot, startHost, stopHost } from "../../scripts/localHost";
import { registryRunning, startRegistry, stopRegistry } from "../../scripts/localRegistry";
import { suiteHost } from "../support/hosts";

export const CONTAINER_HOST: HostSettings = suiteHost("container");

/**
 * A Docker client the host can run: this kind of machine ships a static one in /usr/local/bin; elsewhere
 * (Debian's docker.io, a CI runner) the one on PATH, which the host's Debian libc must be able to load.
 */
function dockerClientForHost(): string {
    if (fs.existsSync("/usr/local/bin/docker")) return "/usr/local/bin/docker";
    return fs.realpathSync(execFileSync("bash", ["-c", "command -v docker"], { encoding: "utf8" }).trim());
}

/** The host runs app containers on the machine's engine through its socket (root over the engine: local stack only). */
function socketArgs(): string {
    return `-v /var/run/docker.sock:/var/run/docker.sock -v ${dockerClientForHost()}:/usr/local/bin/docker:ro`;
}
export const REGISTRY = "127.0.0.1:5000";

export function run(cmd: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): string {
    const res = spawnSync(cmd, args, {
        cwd: repoRoot,
        encoding: "utf8",
        input: opts.input ?? "",
        env: opts.env ?? process.env,
        maxBuffer: 64 << 20,
    });
    if (res.status !== 0) {
        throw new Error(
            `${cmd} ${args.join(" ")} failed (exit ${res.status ?? res.signal}):\n${(res.stdout + res.stderr).split("\n").slice(-40).join("\n")}`,
        );
    }
    return res.stdout.trim();
}

/** The machine's Docker engine, started (as local/host.sh starts it) when this suite runs alone on a fresh machine. */
export function ensureDocker(): void {
    run("bash", ["-c", "source local/host.sh && ensure_docker"]);
}

export function installTools(): void {
    run("bash", [path.join(repoRoot, "test/container/setup-tools.sh")]);
}

let registryStartedByThisRun = false;
export function ensureRegistry(): void {
    if (registryRunning()) return;
    startRegistry();
    registryStartedByThisRun = true;
}

export function registryStartedHere(): boolean {
    return registryStartedByThisRun;
}

export function stopRegistryIfStartedHere(): boolean {
    if (registryStartedByThisRun) {
        stopRegistry();
        registryStartedByThisRun = false;
        return true;
    }
    return false;
}

/** Builds (once per recipe) the stand-in base images; returns their references. */
export function standInImages(): { builderImage: string; runtimeImage: string } {
    const script = (name: string) =>
        execFileSync("bash", [`local/standin-images/${name}.sh`], {
            cwd: repoRoot,
            encoding: "utf8",
            stdio: ["ignore", "pipe", "inherit"],
        }).trim();
    return { builderImage: script("standin-golang"), runtimeImage: script("standin-alpine") };
}

let host: HostStatus | undefined;
export function containerHost(): HostStatus {
    if (!host) {
        process.env.GIN_DEPLOY_HOST_EXTRA_ARGS = socketArgs();
        host = startHost(CONTAINER_HOST);
        // A host left by an earlier run without the socket cannot run containers: recreate it.
        if (onHost(CONTAINER_HOST, "docker version --format '{{.Server.Version}}'").status !== 0) {
            stopHost(CONTAINER_HOST);
            host = startHost(CONTAINER_HOST);
        }
    }
    return host;
}

export function stopContainerHost(): void {
    if (host && process.env.GIN_DEPLOY_KEEP_HOSTS !== "1") {
        // App containers run on the machine's engine inside the host's network namespace; remove any
        // a failed run left there before the host itself goes.
        const hostId = run("docker", ["inspect", "--format", "{{.Id}}", CONTAINER_HOST.name]);
        const ids = run("docker", ["ps", "-aq", "--filter", "label=io.gin-deploy.service"]).split("\n").filter(Boolean);
        for (const id of ids) {
            if (run("docker", ["inspect", "--format", "{{.HostConfig.NetworkMode}}", id]) === `container:${hostId}`) {
                run("docker", ["rm", "--force", id]);
            }
        }
        stopHost(CONTAINER_HOST);
    }
    host = undefined;
}

/** Runs a command on the host as root; throws with its output unless it exits 0. */
export function hostRun(command: string, input?: string): string {
    const res = onHost(CONTAINER_HOST, command, input);
    if (res.status !== 0) throw new Error(`on ${CONTAINER_HOST.name}: ${command} failed (exit ${res.status}):\n${res.stdout}${res.stderr}`);
    return res.stdout.trim();
}

export function connectionFor(status: HostStatus) {
    return {
        host: status.sshHost,
        port: status.sshPort,
        user: status.user,
        privateKey: fs.readFileSync(status.privateKeyPath, "utf8"),
        hostKey: status.hostKey,
    };
}

export function writeReport(name: string, figures: Record<string, unknown>): string {
    const dir = path.join(repoRoot, "reports");
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, name);
    fs.writeFileSync(file, `${JSON.stringify(figures, null, 2)}\n`);
    return file;
}
