// systemd-socket-proxyd units: how a port that systemd owns reaches an app that binds its own
// port, so a release can start the new process beside the old one and switch between them.
// Used by container mode's front proxy and slot bridges (container/renderers/units.ts) and by
// systemd mode's slots (systemd/renderers/slotUnits.ts).
// Pure: settings in, unit text out.

import { PROTECT_KERNEL_AND_HOST } from "./sandbox";

export const SOCKET_PROXYD = "/lib/systemd/systemd-socket-proxyd";

/** Hardening of a proxy: it only moves bytes between sockets. */
export const PROXY_SANDBOX: readonly string[] = [
    "DynamicUser=yes",
    "NoNewPrivileges=yes",
    "ProtectSystem=strict",
    "ProtectHome=yes",
    "PrivateTmp=yes",
    "PrivateDevices=yes",
    ...PROTECT_KERNEL_AND_HOST,
    "ProtectProc=invisible",
    "ProcSubset=pid",
    "RestrictNamespaces=yes",
    "RestrictRealtime=yes",
    "RestrictSUIDSGID=yes",
    "LockPersonality=yes",
    "MemoryDenyWriteExecute=yes",
    "RemoveIPC=yes",
    "CapabilityBoundingSet=",
    "AmbientCapabilities=",
    "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6",
    "SystemCallArchitectures=native",
    "SystemCallFilter=@system-service",
    "SystemCallFilter=~@privileged @resources",
    "UMask=0077",
];

export interface ProxyServiceSettings {
    description: string;
    /** The .socket unit that hands this proxy its listening socket. */
    socketUnit: string;
    /** Where each accepted connection goes: host:port, or a unix socket path (resolved per connection). */
    target: string;
    /** Comment lines at the top saying what the proxy is for. */
    why: string;
}

export function renderProxyService(s: ProxyServiceSettings): string {
    return [
        ...s.why.split("\n").map((l) => `# ${l}`),
        "[Unit]",
        `Description=${s.description}`,
        `Requires=${s.socketUnit}`,
        `After=${s.socketUnit}`,
        "",
        "[Service]",
        `ExecStart=${SOCKET_PROXYD} ${s.target}`,
        "Restart=always",
        "RestartSec=1",
        ...PROXY_SANDBOX,
        "",
    ].join("\n");
}

export interface UnixSocketSettings {
    description: string;
    path: string;
    serviceUnit: string;
}

/** A unix socket any local proxy may connect to (the front proxy runs as another dynamic user). */
export function renderUnixSocket(s: UnixSocketSettings): string {
    return [
        "[Unit]",
        `Description=${s.description}`,
        "",
        "[Socket]",
        `ListenStream=${s.path}`,
        "SocketMode=0666",
        "DirectoryMode=0755",
        "Accept=no",
        `Service=${s.serviceUnit}`,
        "",
        "[Install]",
        "WantedBy=sockets.target",
        "",
    ].join("\n");
}
