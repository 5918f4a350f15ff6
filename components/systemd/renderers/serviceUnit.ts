// The systemd service unit of a release (S17, hardened). Pure: settings in, unit text out.
//
// From the article: network-online ordering, Restart=always, a dedicated user (DynamicUser: a
// fresh unprivileged uid per start, nothing to create on the host), LimitNOFILE=65536 and a
// start-rate limit against crash loops. Added: Type=notify (the app sends READY=1 once it serves,
// so `systemctl restart` returns only when the new release is ready), socket activation (the
// .socket unit owns the port; see socketUnit.ts) and a sandbox that brings
// `systemd-analyze security` from the article's 9.2 down to about 1.
//
// The start-rate limit counts every start, deliberate ones too: five releases within a minute
// would hit StartLimitBurst=5 and leave the service failed. The install script therefore runs
// `systemctl reset-failed` before each deliberate restart, so the limit counts only the starts
// systemd makes by itself after crashes, which is what it is meant to catch.

import { PROTECT_KERNEL_AND_HOST } from "../../shared/renderers/sandbox";
import { releaseLayout } from "../layout";
import { systemdExecLine } from "../../shared/renderers/execArgs";
import { ExtraDirectives, validateExtraDirectives } from "./extraDirectives";
import { appDirectories } from "./appDirectories";
import { validatePort } from "../../rules/port";

export interface ServiceUnitSettings {
    serviceName: string;
    description?: string;
    /** true (default): the service takes its listening socket from <name>.socket. */
    socketActivated?: boolean;
    /** Seconds systemd waits after SIGTERM; must exceed the app's SHUTDOWN_TIMEOUT (20 s) + SHUTDOWN_DELAY. */
    stopTimeoutSec?: number;
    /** Seconds for the app to send READY=1 before the start counts as failed. */
    startTimeoutSec?: number;
    /** Pause before systemd restarts a crashed process. */
    restartSec?: number;
    /** Crash-loop guard: more than startLimitBurst starts within startLimitIntervalSec fail the unit. */
    startLimitIntervalSec?: number;
    startLimitBurst?: number;
    limitNofile?: number;
    /**
     * PrivateUsers=yes (a user namespace) tightens the sandbox further, but fails inside containers
     * such as the local host ("Failed to set up user namespacing"): opt in on real machines.
     */
    privateUsers?: boolean;
    /**
     * "notify" (default): Type=notify, started means READY=1 was sent. "exec": Type=exec, started
     * means the binary was executed; the install script then waits for an HTTP answer instead.
     */
    readiness?: "notify" | "exec";
    /** What runs; default the current release's binary. A slot runs its own release's. */
    executable?: string;
    /** ExecStart arguments, quoted for systemd (execArgs.ts). */
    args?: readonly string[];
    /**
     * WorkingDirectory=: absolute, or relative to the state directory. Inside the state directory's
     * top folder it is created and owned by the app (appDirectories.ts); elsewhere it must exist.
     */
    workingDirectory?: string;
    /** StateDirectory= name: /var/lib/<name>, writable by the dynamic user, kept across releases (every level of a nested name). */
    stateDirectory?: string;
    /** User= for the dynamic user: units with the same name share one uid while they run (both slots). */
    user?: string;
    /** PORT for an app that binds its port itself (a slot's loopback port). */
    port?: number;
    /** More [Service] lines; keys the unit sets itself are refused (extraDirectives.ts). */
    extraDirectives?: ExtraDirectives;
}

const DEFAULTS = {
    socketActivated: true,
    stopTimeoutSec: 30,
    startTimeoutSec: 30,
    restartSec: 1,
    startLimitIntervalSec: 60,
    startLimitBurst: 5,
    limitNofile: 65536,
    privateUsers: false,
};

function positiveInteger(name: string, value: number, max: number): number {
    if (!Number.isInteger(value) || value < 1 || value > max) {
        throw new Error(`${name} must be a whole number from 1 to ${max}, got ${value}`);
    }
    return value;
}

// The app's folders (validation and the StateDirectory= entries) live in appDirectories.ts.
export { validateStateDirectory, validateWorkingDirectory } from "./appDirectories";

export function renderServiceUnit(settings: ServiceUnitSettings): string {
    const s = { ...DEFAULTS, ...dropUndefined(settings), serviceName: settings.serviceName };
    const layout = releaseLayout(s.serviceName);
    positiveInteger("stopTimeoutSec", s.stopTimeoutSec, 3600);
    positiveInteger("startTimeoutSec", s.startTimeoutSec, 3600);
    positiveInteger("restartSec", s.restartSec, 3600);
    positiveInteger("startLimitIntervalSec", s.startLimitIntervalSec, 86400);
    positiveInteger("startLimitBurst", s.startLimitBurst, 1000);
    positiveInteger("limitNofile", s.limitNofile, 1048576);
    const description = s.description ?? `${s.serviceName} (Gin service deployed by gin-deploy)`;
    if (/[\n\r\0]/.test(description)) {
        throw new Error("description must be a single line: remove line breaks");
    }

    const readiness = s.readiness ?? "notify";
    if (readiness !== "notify" && readiness !== "exec") {
        throw new Error(`readiness "${String(readiness)}" must be "notify" or "exec"`);
    }
    if (s.port !== undefined) validatePort("port", s.port);
    if (s.user !== undefined && !/^[a-z][a-z0-9-]{0,31}$/.test(s.user)) {
        throw new Error(`user "${s.user}" is not a user name: lower-case letters, digits and -`);
    }
    const dirs = appDirectories(s.stateDirectory, s.workingDirectory);
    const files = [
        ...(dirs.workingDirectory !== undefined ? [`WorkingDirectory=${dirs.workingDirectory.replace(/%/g, "%%")}`] : []),
        ...(dirs.stateDirectories.length > 0 ? [`StateDirectory=${dirs.stateDirectories.join(" ")}`] : []),
    ];

    const socket = layout.socketUnitName;
    const lines = [
        "[Unit]",
        `Description=${description}`,
        "Wants=network-online.target",
        s.socketActivated ? `After=network-online.target ${socket}` : "After=network-online.target",
        ...(s.socketActivated ? [`Requires=${socket}`] : []),
        `StartLimitIntervalSec=${s.startLimitIntervalSec}`,
        `StartLimitBurst=${s.startLimitBurst}`,
        "",
        "[Service]",
        ...(readiness === "notify" ? ["Type=notify", "NotifyAccess=main"] : ["Type=exec"]),
        `ExecStart=${systemdExecLine(s.executable ?? layout.currentBinary, s.args)}`,
        `EnvironmentFile=${layout.envFile}`,
        // The env file may not set PORT for such a unit (the component refuses it): it would win.
        ...(s.port !== undefined ? [`Environment=PORT=${s.port}`] : []),
        "Restart=always",
        `RestartSec=${s.restartSec}`,
        `TimeoutStartSec=${s.startTimeoutSec}`,
        `TimeoutStopSec=${s.stopTimeoutSec}`,
        // SIGTERM to the app only (it drains), SIGKILL to the whole group after the timeout.
        "KillMode=mixed",
        `LimitNOFILE=${s.limitNofile}`,
        // The app logs every request (S11). journald's default per-service limit (10 000 lines
        // per 30 s) is reached by a busy service, after which it drops lines silently, the crash
        // reason of a failed release included (measured on the local host): no limit here.
        "LogRateLimitIntervalSec=0",
        "",
        "# Identity: a transient unprivileged user, no capabilities, no way to gain any.",
        "DynamicUser=yes",
        ...(s.user !== undefined ? [`User=${s.user}`] : []),
        "CapabilityBoundingSet=",
        "AmbientCapabilities=",
        "NoNewPrivileges=yes",
        "RestrictSUIDSGID=yes",
        "UMask=0077",
        ...(s.privateUsers ? ["PrivateUsers=yes"] : []),
        "",
        "# File system: read-only everywhere, private /tmp and /dev, no home directories.",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "PrivateTmp=yes",
        "PrivateDevices=yes",
        "PrivateMounts=yes",
        "DevicePolicy=closed",
        "ProtectProc=invisible",
        "ProcSubset=pid",
        "",
        "# Kernel and host: none of it is the app's business.",
        ...PROTECT_KERNEL_AND_HOST,
        "PrivateIPC=yes",
        "RestrictNamespaces=yes",
        "RestrictRealtime=yes",
        "LockPersonality=yes",
        "MemoryDenyWriteExecute=yes",
        "RemoveIPC=yes",
        "KeyringMode=private",
        "",
        "# Network: IP (to serve, and to reach the database) and the journal/notify sockets only.",
        "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
        "",
        "# System calls: what a network service uses, nothing privileged.",
        "SystemCallArchitectures=native",
        "SystemCallFilter=@system-service",
        "SystemCallFilter=~@privileged @resources",
        "SystemCallErrorNumber=EPERM",
        ...(files.length > 0 ? ["", "# The app's own files: its working directory and the data it keeps across releases.", ...files] : []),
    ];
    const setByUnit = new Set(
        lines
            .slice(lines.indexOf("[Service]"))
            .map((l) => /^([A-Za-z]+)=/.exec(l)?.[1])
            .filter((k): k is string => k !== undefined),
    );
    const extra = validateExtraDirectives(s.extraDirectives, setByUnit);
    return [
        ...lines,
        ...(extra.length > 0 ? ["", "# Added by the user (extraDirectives).", ...extra.map(([k, v]) => `${k}=${v}`)] : []),
        "",
        "[Install]",
        "WantedBy=multi-user.target",
        "",
    ].join("\n");
}

function dropUndefined<T extends object>(value: T): Partial<T> {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
