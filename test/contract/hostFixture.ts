// The contract suite's host (test/support/hosts.ts): started once
// for the whole run by the first test that needs it, removed at the end (GIN_DEPLOY_KEEP_HOSTS=1 keeps it).
import { HostSettings, HostStatus, startHost, stopHost } from "../../scripts/localHost";
import { suiteHost } from "../support/hosts";

export const CONTRACT_HOST: HostSettings = suiteHost("contract");

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
