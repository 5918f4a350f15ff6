// Every local host a suite, a script or a bench starts, in one table: its container name and the
// loopback ports it publishes (SSH, app). Suites run one after the other in `npm test`, but a
// developer runs them side by side, and two hosts on one port or name would take each other's
// place. Each entry can be moved with its own environment variables (<PREFIX>_HOST_NAME or
// <PREFIX>_NAME, <PREFIX>_SSH_PORT, <PREFIX>_APP_PORT), as the suites always allowed.
import type { HostSettings } from "../../scripts/localHost";

interface HostEntry {
    /** Who starts it. */
    owner: string;
    name: string;
    sshPort: number;
    appPort: number;
    /** The environment variables that override name, SSH port and app port. */
    env: { name: string; sshPort: string; appPort: string };
}

function entry(owner: string, prefix: string, nameVar: string, name: string, sshPort: number, appPort: number): HostEntry {
    return {
        owner,
        name,
        sshPort,
        appPort,
        env: { name: `${prefix}_${nameVar}`, sshPort: `${prefix}_SSH_PORT`, appPort: `${prefix}_APP_PORT` },
    };
}

export const HOSTS = {
    // Started by scripts, not by a suite: listed so that no suite takes their ports.
    local: entry("npm run deploy:local (scripts/deploy-local.ts)", "GIN_DEPLOY_HOST", "NAME", "gin-deploy-host", 2222, 18080),
    bench: entry("npm run bench:preview (scripts/benchPreview.ts)", "GIN_DEPLOY_BENCH_HOST", "NAME", "gd-bench", 2239, 18139),
    // The suites'.
    host: entry("test:host", "GIN_DEPLOY_TEST_HOST", "NAME", "gd-test-host", 2231, 18131),
    contract: entry("test:contract", "GIN_DEPLOY_CONTRACT", "HOST_NAME", "gd-contract", 2232, 18132),
    e2e: entry("test:e2e", "GIN_DEPLOY_E2E", "HOST_NAME", "gd-e2e", 2233, 18133),
    container: entry("test:container", "GIN_DEPLOY_CONTAINER", "HOST_NAME", "gd-container", 2234, 18134),
    reuse: entry("test:reuse", "GIN_DEPLOY_REUSE", "HOST_NAME", "gd-reuse", 2235, 18135),
    doctor: entry("test:doctor", "GIN_DEPLOY_DOCTOR", "HOST_NAME", "gin-deploy-doctor", 2240, 18240),
    twin: entry("test:aws-host (local/ec2-twin/twin.sh)", "GIN_DEPLOY_TWIN", "NAME", "gd-ec2-twin", 2241, 18141),
} as const satisfies Record<string, HostEntry>;

export type HostKey = keyof typeof HOSTS;

/** The host a suite starts: the table's entry, moved by its environment variables when set. */
export function suiteHost(key: HostKey, env: NodeJS.ProcessEnv = process.env): HostSettings {
    const e: HostEntry = HOSTS[key];
    return {
        name: env[e.env.name] ?? e.name,
        sshPort: Number(env[e.env.sshPort] ?? e.sshPort),
        appPort: Number(env[e.env.appPort] ?? e.appPort),
    };
}
