// The EC2 twin (local/ec2-twin/twin.sh) from TypeScript: the instance the dev and prod stacks'
// programs create, booted from the very user data they render, and a root shell into it from
// outside (docker exec: the console, not the deploy's connection) to inspect and to plant faults.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import type { HostStatus } from "../../scripts/localHost";
import { repoRoot } from "../../scripts/localHost";
import type { RootShell } from "../contract/hostInspection";
import { suiteHost } from "../support/hosts";

export interface TwinSettings {
    name: string;
    /** Where the twin's sshd (port 22 inside) and the instance's app port are published on 127.0.0.1. */
    sshPort: number;
    appPort: number;
}

export const TWIN: TwinSettings = suiteHost("twin");

function twin(args: string[], env: Record<string, string> = {}, capture = false): string {
    const res = spawnSync("bash", [path.join(repoRoot, "local/ec2-twin/twin.sh"), ...args], {
        env: {
            ...process.env,
            GIN_DEPLOY_TWIN_NAME: TWIN.name,
            GIN_DEPLOY_TWIN_SSH_PORT: String(TWIN.sshPort),
            GIN_DEPLOY_TWIN_APP_PORT: String(TWIN.appPort),
            ...env,
        },
        encoding: "utf8",
        stdio: ["ignore", capture ? "pipe" : "inherit", "inherit"],
    });
    if (res.status !== 0)
        throw new Error(`local/ec2-twin/twin.sh ${args[0]} failed (exit ${res.status ?? res.signal}); its messages are above`);
    return capture ? res.stdout : "";
}

/** The engine, the login key and the image, ready; the twin's status (its login key's path). */
export function prepareTwin(): HostStatus {
    return JSON.parse(twin(["prepare"], {}, true)) as HostStatus;
}

export function twinStatus(): HostStatus {
    return JSON.parse(twin(["status"], {}, true)) as HostStatus;
}

/** A new instance booting from `userData` (cloud-init runs it); an earlier one is replaced. */
export function startTwin(userData: string, options: { docker: boolean; instanceAppPort: number }): void {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gd-twin-user-data-"));
    try {
        const file = path.join(dir, "user-data");
        fs.writeFileSync(file, userData, { mode: 0o600 });
        twin(["start"], {
            USER_DATA: file,
            GIN_DEPLOY_TWIN_DOCKER: options.docker ? "1" : "0",
            GIN_DEPLOY_TWIN_INSTANCE_APP_PORT: String(options.instanceAppPort),
        });
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

export function stopTwin(): void {
    twin(["stop"]);
}

/** A root shell into the twin from outside (docker exec), as the instance's console would give. */
export const twinRootShell: RootShell = (command, input) => {
    const res = spawnSync("docker", ["exec", "-i", TWIN.name, "sh", "-c", command], {
        encoding: "utf8",
        input: input ?? "",
        // A file listing of a host with Docker and the AWS CLI installed runs to megabytes.
        maxBuffer: 256 << 20,
    });
    return { status: res.status ?? -1, stdout: res.stdout, stderr: res.stderr };
};

export const TWIN_HOST = { name: TWIN.name, rootShell: twinRootShell };
