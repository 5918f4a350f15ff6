// Cloud-init user data for an AWS host in container mode: installs Docker, logs the host in to
// ECR with its instance role (and again every 6 hours, as ECR tokens last 12), and installs the
// container-mode units (containerUnits.ts) so a release over SSH only has to start a slot.
// No secret goes here: user data is readable by any process on the instance through the metadata
// service, so the app's env file still arrives over SSH from stdin. Pure: no Pulumi here.
//
// The output is JSON after the `#cloud-config` line: JSON is YAML, and JSON.stringify escapes
// unit text exactly, so no hand-written YAML quoting can go wrong.

import { REGISTRY_SERVER } from "./commands";
import { RenderedFile } from "./units";

export interface ContainerCloudInitSettings {
    /** The AWS region of the registry, e.g. eu-west-1. */
    region: string;
    /** The registry host, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com. */
    registryServer: string;
    /** The container-mode units to install (from renderContainerUnits). */
    units: readonly RenderedFile[];
    /**
     * The service's claim on its name (install-container.sh's `owned` marker): the units this
     * user data installs are the deploy's own, so the first release must not take them for the host's.
     */
    claimPath?: string;
}

const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

export const ECR_LOGIN_SCRIPT = "/usr/local/sbin/gin-deploy-ecr-login";

export function renderContainerCloudInit(s: ContainerCloudInitSettings): string {
    if (!REGION.test(s.region)) {
        throw new Error(`region "${s.region}" is not an AWS region name (e.g. eu-west-1)`);
    }
    // ECR's ACCOUNT.dkr.ecr.REGION.amazonaws.com on AWS; any registry host that takes ECR's login
    // password (the EC2 twin's local registry stands in for ECR).
    if (!REGISTRY_SERVER.test(s.registryServer)) {
        throw new Error(
            `registryServer "${s.registryServer}" is not a registry host (ACCOUNT.dkr.ecr.REGION.amazonaws.com): pass the EcrRegistry's server`,
        );
    }
    for (const unit of s.units) {
        if (!unit.path.startsWith("/etc/systemd/system/")) {
            throw new Error(`unit path ${unit.path} is outside /etc/systemd/system`);
        }
    }

    const loginScript = `#!/bin/sh
# Logs Docker in to ECR with the instance role's credentials (installed by gin-deploy).
set -eu
aws ecr get-login-password --region ${s.region} \\
  | docker login --username AWS --password-stdin ${s.registryServer} >/dev/null
`;
    const loginService = `[Unit]
Description=gin-deploy: log Docker in to ECR
Wants=network-online.target docker.service
After=network-online.target docker.service

[Service]
Type=oneshot
ExecStart=${ECR_LOGIN_SCRIPT}
`;
    const loginTimer = `[Unit]
Description=gin-deploy: refresh the ECR login before its 12-hour token expires

[Timer]
OnBootSec=1min
OnUnitActiveSec=6h

[Install]
WantedBy=timers.target
`;

    const config = {
        package_update: true,
        packages: ["docker.io", "curl", "awscli"],
        write_files: [
            { path: ECR_LOGIN_SCRIPT, permissions: "0755", owner: "root:root", content: loginScript },
            { path: "/etc/systemd/system/gin-deploy-ecr-login.service", permissions: "0644", owner: "root:root", content: loginService },
            { path: "/etc/systemd/system/gin-deploy-ecr-login.timer", permissions: "0644", owner: "root:root", content: loginTimer },
            ...s.units.map((u) => ({ path: u.path, permissions: "0644", owner: "root:root", content: u.content })),
            ...(s.claimPath ? [{ path: s.claimPath, permissions: "0644", owner: "root:root", content: "" }] : []),
        ],
        // The login stays last: cloud-init runs runcmd as one shell script without `set -e`, so
        // the script's status (and cloud-init's) is the login's. AppHost's boot step waits for
        // `cloud-init status --wait` before any release, which therefore pulls after this login
        // (the aws target gives the host no registry token of its own), or never starts when it failed.
        runcmd: [
            ["systemctl", "daemon-reload"],
            ["systemctl", "enable", "--now", "docker.service"],
            ["systemctl", "enable", "--now", "gin-deploy-ecr-login.timer"],
            [ECR_LOGIN_SCRIPT],
        ],
    };
    return `#cloud-config\n${JSON.stringify(config, null, 2)}\n`;
}
