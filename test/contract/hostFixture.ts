// The contract suite's host (gd-contract on 127.0.0.1:2232/18132 unless overridden): started once
// for the whole run by the first test that needs it, removed at the end (GIN_DEPLOY_KEEP_HOSTS=1 keeps it).
import { HostSettings, HostStatus, startHost, stopHost } from "../../scripts/localHost";

export const CONTRACT_HOST: HostSettings = {
    name: process.env.GIN_DEPLOY_CONTRACT_HOST_NAME ?? "gd-contract",
    sshPort: Number(process.env.GIN_DEPLOY_CONTRACT_SSH_PORT ?? 2232),
    appPort: Number(process.env.GIN_DEPLOY_CONTRACT_APP_PORT ?? 18132),
};

let started: HostStatus | undefined;

export function contractHost(): HostStatus {
    started ??= startHost(CONTRACT_HOST);
    return started;
}

export const mochaHooks = {
    afterAll(): void {
        if (started && process.env.GIN_DEPLOY_KEEP_HOSTS !== "1") stopHost(CONTRACT_HOST);
    },
};
