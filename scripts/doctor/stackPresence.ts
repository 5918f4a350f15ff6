// Whether a stack exists and was ever deployed, read without the Pulumi CLI from the project's
// file backend (scripts/pulumi-env.sh: .gin-deploy/state unless PULUMI_BACKEND_URL names another
// file:// folder), and whether the local host runs. What doctor says when there is nothing to check
// comes from here: a missing stack, a never-deployed stack and a stopped local host each have their
// own cause and next command.
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";

import { hostStatus } from "../localHost";

const PROJECT = "gin-deploy";

export interface StackPresence {
    /** Pulumi.<stack>.yaml is in the checkout. */
    committed: boolean;
    /** The backend folder read, or undefined when the backend is not a file backend (Pulumi Cloud). */
    backend?: string;
    /** The stack has a state file in that backend (`pulumi stack init` or a deploy made it). */
    hasState: boolean;
    /** Its latest state holds resources: it was deployed and not destroyed since. */
    deployed: boolean;
}

/** The file backend's folder, as scripts/pulumi-env.sh sets it; undefined for any other backend. */
export function fileBackendDir(repoRoot: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
    const url = env.PULUMI_BACKEND_URL;
    if (!url) return path.join(repoRoot, ".gin-deploy", "state");
    if (url.startsWith("file://")) return url.slice("file://".length).replace(/^~(?=\/)/, env.HOME ?? "~");
    return undefined;
}

function readCheckpoint(file: string): unknown {
    const bytes = fs.readFileSync(file);
    return JSON.parse((file.endsWith(".gz") ? zlib.gunzipSync(bytes) : bytes).toString("utf8"));
}

export function stackPresence(repoRoot: string, stack: string, env: NodeJS.ProcessEnv = process.env): StackPresence {
    const committed = fs.existsSync(path.join(repoRoot, `Pulumi.${stack}.yaml`));
    const backend = fileBackendDir(repoRoot, env);
    if (!backend) return { committed, hasState: false, deployed: false };
    // Project-scoped stacks (the current layout), then the legacy flat one.
    const candidates = [path.join(backend, ".pulumi", "stacks", PROJECT), path.join(backend, ".pulumi", "stacks")].flatMap((dir) => [
        path.join(dir, `${stack}.json`),
        path.join(dir, `${stack}.json.gz`),
    ]);
    const file = candidates.find((f) => fs.existsSync(f));
    if (!file) return { committed, backend, hasState: false, deployed: false };
    let resources: unknown[];
    try {
        const doc = readCheckpoint(file) as { checkpoint?: { latest?: { resources?: unknown[] } } };
        resources = doc.checkpoint?.latest?.resources ?? [];
    } catch {
        // An unreadable state still means the stack exists; say so rather than guess.
        return { committed, backend, hasState: true, deployed: true };
    }
    return { committed, backend, hasState: true, deployed: resources.length > 0 };
}

/** Whether the local host (local/host.sh's container) runs; false when Docker is absent or stopped. */
export function localHostRunning(env: NodeJS.ProcessEnv = process.env): { running: boolean; name: string } {
    const name = env.GIN_DEPLOY_HOST_NAME ?? "gin-deploy-host";
    try {
        const status = hostStatus({
            name,
            sshPort: Number(env.GIN_DEPLOY_HOST_SSH_PORT ?? 2222),
            appPort: Number(env.GIN_DEPLOY_HOST_APP_PORT ?? 18080),
        });
        return { running: status.running, name };
    } catch {
        return { running: false, name };
    }
}
