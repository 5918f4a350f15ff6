// The systemd units that run the app as a container on a host with Docker (container mode).
//
// Why this shape: a release must lose no request, and Docker cannot hand a listening socket to a
// container. So systemd owns the public port for good and the app runs in one of two slots:
//
//   <name>.socket            ListenStream=<port>: the public port, never closed by a release
//   <name>.service           systemd-socket-proxyd -> <stateDir>/current.sock (a symlink)
//   <name>-slot@.socket      ListenStream=/run/gin-deploy/<name>/%i.sock (slot blue or green)
//   <name>-slot@.service     systemd-socket-proxyd -> 127.0.0.1:<slot port>
//   <name>-container@.service  `docker run` of the slot's image by digest, published on the slot port
//
// The container has its own network (Docker's bridge), never the host's: its slot port is published
// on the host's 127.0.0.1 only, and on AWS the instance's metadata hop limit of 1 keeps the
// metadata service (and so the instance role) out of its reach. install-container.sh writes the
// slot's NETWORK, PUBLISH and APP_HOST (see its network_conf).
//
// The front proxy resolves its target on every new connection, so a release starts the new slot
// beside the old one, checks it, and switches by renaming the symlink: new connections go to the
// new slot, connections already open stay on the old one, which then drains on SIGTERM.
// Pure: settings in, file names and contents out; no Pulumi here.

import { systemdExecWord } from "../../shared/renderers/execArgs";
import { PROTECT_KERNEL_AND_HOST } from "../../shared/renderers/sandbox";
import { PROXY_SANDBOX, SOCKET_PROXYD } from "../../shared/renderers/socketProxy";

import { containerLayout, Slot, slotSocketPath, SLOTS } from "../layout";
import { validateContainerPath } from "../../rules/containerValues";
import { validatePort } from "../../rules/port";
import { validateContainerArgs } from "./appOptions";

export { Slot, SLOTS };

export interface ContainerUnitSettings {
    /** The service name: units, container names and folders derive from it. */
    serviceName: string;
    /** The public TCP port the .socket unit owns on the host. */
    port: number;
    /** The host's loopback ports the two slots' containers are reached on (published there). */
    slotPorts: Readonly<Record<Slot, number>>;
    /** Seconds `docker stop` gives the app to drain before SIGKILL. */
    stopTimeoutSeconds: number;
    /** A named volume both slots mount read-write (the root filesystem stays read-only). */
    stateVolume?: { name: string; mountPath: string };
    /** The container's working directory (`docker run --workdir`); unset keeps the image's. */
    workingDirectory?: string;
    /** Arguments after the image: the app's command line (passed to its entrypoint). */
    args?: readonly string[];
}

export interface RenderedFile {
    path: string;
    content: string;
}

export function validateContainerUnitSettings(s: ContainerUnitSettings): void {
    containerLayout(s.serviceName);
    const ports: Array<[string, number]> = [
        ["port", s.port],
        ["slotPorts.blue", s.slotPorts.blue],
        ["slotPorts.green", s.slotPorts.green],
    ];
    for (const [key, value] of ports) validatePort(key, value);
    if (new Set(ports.map(([, v]) => v)).size !== ports.length) {
        throw new Error(
            `port ${s.port} and slotPorts ${s.slotPorts.blue}/${s.slotPorts.green} must all differ: each slot listens on its own loopback port`,
        );
    }
    if (!Number.isInteger(s.stopTimeoutSeconds) || s.stopTimeoutSeconds < 1 || s.stopTimeoutSeconds > 300) {
        throw new Error(`stopTimeoutSeconds=${s.stopTimeoutSeconds} must be a whole number from 1 to 300`);
    }
    if (s.stateVolume) validateContainerPath("stateVolume.mountPath", s.stateVolume.mountPath, true);
    if (s.workingDirectory !== undefined) validateContainerPath("workingDirectory", s.workingDirectory, false);
    if (s.args) validateContainerArgs(s.args);
}

/** Hardening of the unit that runs the Docker client (which reads its config under /root). */
const CLIENT_SANDBOX = [
    "NoNewPrivileges=yes",
    "ProtectSystem=strict",
    "ProtectHome=read-only",
    "PrivateTmp=yes",
    "PrivateDevices=yes",
    ...PROTECT_KERNEL_AND_HOST,
    "RestrictNamespaces=yes",
    "RestrictRealtime=yes",
    "RestrictSUIDSGID=yes",
    "LockPersonality=yes",
    "MemoryDenyWriteExecute=yes",
    "CapabilityBoundingSet=",
    "RestrictAddressFamilies=AF_UNIX",
    "SystemCallArchitectures=native",
    "SystemCallFilter=@system-service",
];

export function renderContainerUnits(s: ContainerUnitSettings): RenderedFile[] {
    validateContainerUnitSettings(s);
    const n = s.serviceName;
    const p = containerLayout(n);
    const unit = (name: string, content: string): RenderedFile => ({ path: `${p.unitDir}/${name}`, content });

    const frontSocket = `# ${n}: the public port. Held by systemd across releases, so no connection is refused.
[Unit]
Description=${n} public port ${s.port}

[Socket]
ListenStream=${s.port}
Accept=no
NoDelay=yes
Backlog=4096
Service=${n}.service

[Install]
WantedBy=sockets.target
`;

    const frontService = `# ${n}: forwards each connection to the current slot. The target is a symlink the
# release switches; the proxy resolves it per connection, so it is never restarted for a release.
[Unit]
Description=${n} front proxy to the current slot
Requires=${n}.socket
After=${n}.socket

[Service]
ExecStart=${SOCKET_PROXYD} ${p.slotLink}
Restart=always
RestartSec=1
${PROXY_SANDBOX.join("\n")}
`;

    const slotSocket = `# ${n}: slot %i's entry, a unix socket the front proxy reaches through ${p.slotLink}.
[Unit]
Description=${n} slot %i entry

[Socket]
ListenStream=${slotSocketPath(n, "%i")}
SocketMode=0666
DirectoryMode=0755
Accept=no
Service=${n}-slot@%i.service

[Install]
WantedBy=sockets.target
`;

    const slotService = `# ${n}: slot %i's bridge from its unix socket to its container's loopback port.
[Unit]
Description=${n} slot %i bridge to its container
Requires=${n}-slot@%i.socket
After=${n}-slot@%i.socket

[Service]
EnvironmentFile=${p.configDir}/slot-%i.conf
ExecStart=${SOCKET_PROXYD} 127.0.0.1:\${SLOT_PORT}
Restart=always
RestartSec=1
${PROXY_SANDBOX.join("\n")}
`;

    // Lines only an app that asks for them gets, so the reference app's unit stays as it was.
    // volume-nocopy: otherwise the engine fills an empty volume from the image's path (created by
    // --workdir, say) and gives its root that path's owner, undoing install-container.sh's chown.
    const extraRunLines = [
        ...(s.stateVolume ? [`  --mount type=volume,source=${s.stateVolume.name},target=${s.stateVolume.mountPath},volume-nocopy \\`] : []),
        ...(s.workingDirectory !== undefined ? [`  --workdir ${s.workingDirectory} \\`] : []),
    ];
    const argWords = (s.args ?? []).map((a) => ` ${systemdExecWord(a)}`).join("");

    // docker is resolved on systemd's fixed search path (/usr/local/bin before /usr/bin), which
    // finds both a distribution's client and a mounted static one.

    const containerService = `# ${n}: slot %i's container, run by digest. Its settings come from a 0600 env file the
# Docker client reads (secrets never appear on a command line); the slot sets HOST and PORT, and
# APP_USER, the image's own user (install-container.sh refuses root unless --allow-root-user).
# $PUBLISH, unbraced, is split into zero or more arguments: none where the container shares the
# host container's namespace.
[Unit]
Description=${n} container (slot %i)
Wants=docker.service network-online.target
After=docker.service network-online.target
StartLimitIntervalSec=60
StartLimitBurst=10

[Service]
Type=simple
EnvironmentFile=${p.configDir}/slot-%i.conf
# A container left behind by a killed client would block the name.
ExecStartPre=-docker rm --force ${n}-%i
ExecStart=docker run --rm --name ${n}-%i \\
  --network \${NETWORK} \\
  $PUBLISH \\
  --env-file ${p.configDir}/slot-%i.env \\
  --env HOST=\${APP_HOST} --env PORT=\${SLOT_PORT} \\
  --read-only --tmpfs /tmp:rw,noexec,nosuid,size=16m \\
${extraRunLines.map((l) => `${l}\n`).join("")}  --user \${APP_USER} --cap-drop ALL --security-opt no-new-privileges \\
  --pids-limit 256 --memory 512m \\
  --log-opt max-size=10m --log-opt max-file=3 \\
  --label io.gin-deploy.service=${n} --label io.gin-deploy.slot=%i \\
  \${IMAGE}${argWords}
ExecStop=docker stop -t ${s.stopTimeoutSeconds} ${n}-%i
TimeoutStopSec=${s.stopTimeoutSeconds + 15}
Restart=always
RestartSec=1
# The Docker client only talks to the engine's socket. Its sandbox limits the client; the engine
# socket itself is root-equivalent, so the app's confinement is the container's own (see ExecStart).
${CLIENT_SANDBOX.join("\n")}

[Install]
WantedBy=multi-user.target
`;

    return [
        unit(`${n}.socket`, frontSocket),
        unit(`${n}.service`, frontService),
        unit(`${n}-slot@.socket`, slotSocket),
        unit(`${n}-slot@.service`, slotService),
        unit(`${n}-container@.service`, containerService),
    ];
}
