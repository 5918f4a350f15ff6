// The local host (local/host.sh) as seen from TypeScript: start it, read its status, stop it.
import { execFileSync, spawnSync } from "child_process";
import * as path from "path";

export const repoRoot = path.resolve(__dirname, "..");

/** The port inside the host that local/host.sh publishes on 127.0.0.1 as appPort. */
export const APP_PORT_IN_HOST = 8080;

export interface HostSettings {
    /** Container name (GIN_DEPLOY_HOST_NAME). */
    name: string;
    sshPort: number;
    appPort: number;
}

export interface HostStatus {
    name: string;
    running: boolean;
    sshHost: string;
    sshPort: number;
    appPort: number;
    user: string;
    privateKeyPath: string;
    /** The host's SSH host key ("ssh-ed25519 AAAA..."), read through Docker; empty while it is not running. */
    hostKey: string;
    image: string;
}

function hostEnv(host: HostSettings): NodeJS.ProcessEnv {
    return {
        ...process.env,
        GIN_DEPLOY_HOST_NAME: host.name,
        GIN_DEPLOY_HOST_SSH_PORT: String(host.sshPort),
        GIN_DEPLOY_HOST_APP_PORT: String(host.appPort),
    };
}

function hostScript(): string {
    return path.join(repoRoot, "local", "host.sh");
}

export function hostStatus(host: HostSettings): HostStatus {
    const out = execFileSync("bash", [hostScript(), "status"], {
        env: hostEnv(host),
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
    });
    return JSON.parse(out) as HostStatus;
}

/** Starts the host (building its image once); the script's progress goes to stderr. */
export function startHost(host: HostSettings): HostStatus {
    const res = spawnSync("bash", [hostScript(), "start"], { env: hostEnv(host), stdio: ["ignore", "inherit", "inherit"] });
    if (res.status !== 0) {
        throw new Error(`local/host.sh start failed for ${host.name} (exit ${res.status ?? res.signal}); its messages are above`);
    }
    return hostStatus(host);
}

export function stopHost(host: HostSettings): void {
    const res = spawnSync("bash", [hostScript(), "stop"], { env: hostEnv(host), stdio: ["ignore", "inherit", "inherit"] });
    if (res.status !== 0) {
        throw new Error(`local/host.sh stop failed for ${host.name} (exit ${res.status ?? res.signal})`);
    }
}

/** Runs a command on the host as root (through local/host.sh ssh); `input` goes to its stdin. */
export function onHost(host: HostSettings, command: string, input?: string): { status: number; stdout: string; stderr: string } {
    const res = spawnSync("bash", [hostScript(), "ssh", command], { env: hostEnv(host), encoding: "utf8", input: input ?? "" });
    return { status: res.status ?? -1, stdout: res.stdout, stderr: res.stderr };
}
