// SystemdService's options for apps that are not the reference app (plain `r.Run()`, no /healthz,
// no /version, no READY=1, data in a folder): checked and turned into what the unit renderers and
// the install command take. Every refusal names the option, the value and the fix, and happens
// before the component registers anything. Pure: no Pulumi import.

import { Slot, SLOTS, stateDirectoryPath } from "../layout";
import { validateHealthPath } from "../../rules/healthPath";
import { validatePort } from "../../rules/port";
import { ReleaseOptions, resolveReleaseOptions } from "../../shared/renderers/releaseOptions";
import { ExtraDirectives } from "./extraDirectives";
import { renderServiceUnit, ServiceUnitSettings } from "./serviceUnit";
import { validateStateDirectory } from "./appDirectories";

/** The release options both modes share (health check, version check, drain, working directory, args), and systemd's own. */
export interface SystemdServiceOptions extends ReleaseOptions {
    /**
     * How the release knows the app is up. "notify" (default): the app sends READY=1 (Type=notify).
     * { httpPath }: Type=exec, and the install script waits until GET <httpPath> answers 2xx or 3xx.
     */
    readiness?: "notify" | { httpPath: string };
    /**
     * true (default): systemd owns the port and hands it to the app (LISTEN_FDS). false: the app
     * binds PORT itself; releases then switch between two slots behind a proxy that keeps the port.
     */
    socketActivated?: boolean;
    /** With socketActivated false: the slots' loopback ports (default port+1 and port+2). */
    slotPorts?: Readonly<Record<Slot, number>>;
    /**
     * With socketActivated false only (a socket-activated app has no old slot): how long the old
     * slot may keep connections open (default 30 s). healthCheck.path defaults to the readiness
     * httpPath when there is one.
     */
    drainTimeoutSeconds?: number;
    /**
     * StateDirectory=: true for the service's name, or a name; /var/lib/<name>, kept across
     * releases. A nested name ("app/db") makes every level the app's, its top folder included.
     */
    stateDirectory?: boolean | string;
    /** Default false: destroying the service keeps the state directory (with a nested name, its whole top folder). */
    removeStateOnDestroy?: boolean;
    /**
     * WorkingDirectory= of the app: relative to the state directory ("db": /var/lib/<state>/db), or
     * absolute. Inside the state directory it is created and owned by the app; elsewhere it must exist.
     * (args: after the binary in ExecStart, quoted for systemd, not a shell.)
     */
    workingDirectory?: string;
    /** More [Service] directives of the app's unit, e.g. { MemoryMax: "512M" }. */
    extraDirectives?: ExtraDirectives;
}

export interface ResolvedSystemdOptions {
    socketActivated: boolean;
    /** undefined: derive from the port. */
    slotPorts?: Readonly<Record<Slot, number>>;
    /** Slot mode's wait for the old slot (socket activation has none, and passes no --drain-timeout). */
    drainTimeoutSec: number;
    versionCheck: boolean;
    healthPath: string;
    healthTimeoutSec: number;
    stateDirectory?: string;
    stateDirectoryPath?: string;
    removeStateOnDestroy: boolean;
    /** The app unit's settings besides its name (and, for a slot, its port and binary). */
    app: Omit<ServiceUnitSettings, "serviceName">;
}

function isBoolean(option: string, value: unknown): boolean | undefined {
    if (value !== undefined && typeof value !== "boolean") {
        throw new Error(`${option} must be true or false, got ${JSON.stringify(value)}`);
    }
    return value;
}

export function resolveSystemdOptions(serviceName: string, o: SystemdServiceOptions): ResolvedSystemdOptions {
    const socketActivated = isBoolean("socketActivated", o.socketActivated) ?? true;
    const removeStateOnDestroy = isBoolean("removeStateOnDestroy", o.removeStateOnDestroy) ?? false;

    let httpPath: string | undefined;
    if (o.readiness !== undefined && o.readiness !== "notify") {
        const r = o.readiness as { httpPath?: unknown };
        if (typeof r !== "object" || r === null || typeof r.httpPath !== "string") {
            throw new Error(
                `readiness ${JSON.stringify(o.readiness)} must be "notify" or { httpPath: "/some/path" } (an app that never sends READY=1)`,
            );
        }
        httpPath = validateHealthPath(r.httpPath, "readiness.httpPath");
    }
    if (socketActivated && o.slotPorts !== undefined) {
        throw new Error("slotPorts applies only with socketActivated: false (a socket-activated app has no slots): remove slotPorts");
    }
    if (socketActivated && o.drainTimeoutSeconds !== undefined) {
        throw new Error("drainTimeoutSeconds applies only with socketActivated: false: remove it");
    }
    const shared = resolveReleaseOptions(o, httpPath);
    if (o.slotPorts !== undefined) {
        if (typeof o.slotPorts !== "object" || o.slotPorts === null) {
            throw new Error(`slotPorts must be { blue: PORT, green: PORT }, got ${JSON.stringify(o.slotPorts)}`);
        }
        for (const slot of SLOTS) validatePort(`slotPorts.${slot}`, o.slotPorts[slot]);
    }

    let stateDirectory: string | undefined;
    if (o.stateDirectory === true) stateDirectory = serviceName;
    else if (typeof o.stateDirectory === "string") stateDirectory = validateStateDirectory(o.stateDirectory);
    else if (o.stateDirectory !== undefined && o.stateDirectory !== false) {
        throw new Error(
            `stateDirectory must be true (for /var/lib/${serviceName}), false or a folder name, got ${JSON.stringify(o.stateDirectory)}`,
        );
    }
    if (removeStateOnDestroy && stateDirectory === undefined) {
        throw new Error("removeStateOnDestroy needs a stateDirectory to remove: set stateDirectory, or drop removeStateOnDestroy");
    }

    const app: Omit<ServiceUnitSettings, "serviceName"> = {
        readiness: httpPath !== undefined ? "exec" : undefined,
        args: o.args === undefined ? undefined : shared.args,
        workingDirectory: shared.workingDirectory,
        stateDirectory,
        extraDirectives: o.extraDirectives,
    };
    // Render once now, so a bad argument, folder or directive fails before any resource exists.
    renderServiceUnit({ serviceName, ...app, socketActivated });

    return {
        socketActivated,
        slotPorts: o.slotPorts,
        drainTimeoutSec: shared.drainTimeoutSeconds,
        versionCheck: shared.versionCheck,
        healthPath: shared.healthPath,
        healthTimeoutSec: shared.healthTimeoutSeconds,
        stateDirectory,
        stateDirectoryPath: stateDirectory !== undefined ? stateDirectoryPath(stateDirectory) : undefined,
        removeStateOnDestroy,
        app,
    };
}

/** The env file may not set PORT when each slot's unit sets it (systemd would let the file win). */
export function checkEnvironmentForSlots(environment: Readonly<Record<string, unknown>>, socketActivated: boolean): void {
    if (!socketActivated && Object.prototype.hasOwnProperty.call(environment, "PORT")) {
        throw new Error(
            "environment.PORT is refused with socketActivated: false: each slot runs with PORT=<its slot port> behind the public `port`; remove PORT",
        );
    }
}
