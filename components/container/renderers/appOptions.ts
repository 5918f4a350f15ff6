// The options that let container mode run an ordinary Gin app unmodified (its own health path, no
// /version, data in a volume, its own command line, no graceful drain), checked and given their
// defaults in one place. Every refusal names the option, the value and the fix, and comes before
// ContainerService registers anything. Pure: no Pulumi here.

import { DEFAULT_STATE_MOUNT_PATH, DEFAULT_STATE_UID, stateVolumeName } from "../layout";

export const DEFAULT_HEALTH_PATH = "/healthz";
export const DEFAULT_HEALTH_TIMEOUT_SECONDS = 60;

export interface ContainerAppOptions {
    healthCheck?: { path?: string; timeoutSeconds?: number };
    /** The older spelling of healthCheck.timeoutSeconds. */
    healthTimeoutSeconds?: number;
    versionCheck?: boolean;
    /** Whether a version was given at all (it may be an Output, so only its presence is known here). */
    versionGiven: boolean;
    stateVolume?: { mountPath?: string; uid?: number; gid?: number; removeStateOnDestroy?: boolean };
    args?: readonly string[];
    workingDir?: string;
    drainTimeoutSeconds?: number;
    /** Run an image whose user is root (or unset); default false: such an image is refused. */
    allowRootUser?: boolean;
}

/** The state volume as the units and the scripts use it. */
export interface StateVolume {
    name: string;
    mountPath: string;
    uid: number;
    gid: number;
    removeOnDestroy: boolean;
}

export interface ResolvedContainerAppOptions {
    healthPath: string;
    healthTimeoutSeconds: number;
    versionCheck: boolean;
    stateVolume?: StateVolume;
    args: string[];
    workingDir?: string;
    drainTimeoutSeconds: number;
    allowRootUser: boolean;
}

// A URL path curl can take as is and the scripts can pass unquoted: no spaces, quotes or #.
const HEALTH_PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/?-]{0,200}$/;
// An absolute container path that `--mount target=` and `--workdir` take without escaping.
const CONTAINER_PATH = /^(\/[A-Za-z0-9_][A-Za-z0-9._-]*)+$/;
// Paths the engine or the unit itself owns: a volume or workdir there would shadow them.
const RESERVED_PATHS = ["/proc", "/sys", "/dev", "/tmp", "/etc"];

export function validateHealthPath(path: string): void {
    if (!HEALTH_PATH.test(path)) {
        throw new Error(
            `healthCheck.path "${path}" is not a URL path: give one starting with "/" without spaces, quotes or "#" (e.g. "/healthz", or "/" for an app without a health route)`,
        );
    }
}

function validateTimeout(option: string, value: number, min: number, max: number): void {
    if (!Number.isInteger(value) || value < min || value > max) {
        throw new Error(`${option}=${value} must be a whole number of seconds from ${min} to ${max}`);
    }
}

/** A volume may not shadow what the engine mounts; a working directory may be anywhere. */
export function validateContainerPath(option: string, value: string, mount: boolean): void {
    const reserved = mount && RESERVED_PATHS.some((r) => value === r || value.startsWith(`${r}/`));
    if (typeof value !== "string" || !CONTAINER_PATH.test(value) || reserved || value.split("/").includes("..")) {
        const outside = mount ? `, outside ${RESERVED_PATHS.join(", ")}` : "";
        throw new Error(
            `${option} "${value}" must be an absolute container path of letters, digits and . _ - (no "..", commas or spaces)${outside}: e.g. "/data"`,
        );
    }
}

export function validateContainerArgs(args: readonly string[]): void {
    if (!Array.isArray(args) || args.length > 64) {
        throw new Error(`args must be a list of at most 64 strings (got ${JSON.stringify(args)})`);
    }
    args.forEach((arg, i) => {
        if (typeof arg !== "string" || /[\0\n\r]/.test(arg)) {
            throw new Error(
                `args[${i}] ${JSON.stringify(arg)} must be a string without newlines or NUL: one argument of the app's command line`,
            );
        }
    });
}

function validateId(option: string, value: number): void {
    if (!Number.isInteger(value) || value < 0 || value > 2147483647) {
        throw new Error(`${option}=${value} must be a numeric user or group id (0-2147483647), e.g. 65532 for the reference image's user`);
    }
}

export function resolveContainerAppOptions(serviceName: string, o: ContainerAppOptions): ResolvedContainerAppOptions {
    const healthPath = o.healthCheck?.path ?? DEFAULT_HEALTH_PATH;
    validateHealthPath(healthPath);
    const newTimeout = o.healthCheck?.timeoutSeconds;
    if (newTimeout !== undefined && o.healthTimeoutSeconds !== undefined && newTimeout !== o.healthTimeoutSeconds) {
        throw new Error(
            `healthCheck.timeoutSeconds=${newTimeout} and healthTimeoutSeconds=${o.healthTimeoutSeconds} disagree: give only healthCheck.timeoutSeconds`,
        );
    }
    const healthTimeoutSeconds = newTimeout ?? o.healthTimeoutSeconds ?? DEFAULT_HEALTH_TIMEOUT_SECONDS;
    validateTimeout(newTimeout !== undefined ? "healthCheck.timeoutSeconds" : "healthTimeoutSeconds", healthTimeoutSeconds, 1, 600);

    const versionCheck = o.versionCheck ?? true;
    if (typeof versionCheck !== "boolean") {
        throw new Error(`versionCheck=${JSON.stringify(versionCheck)} must be true or false`);
    }
    if (versionCheck && !o.versionGiven) {
        throw new Error(
            "version is missing while versionCheck is true: give the version the app's /version reports, or set versionCheck: false for an app without /version (the release is then known by its image digest)",
        );
    }

    let stateVolume: StateVolume | undefined;
    if (o.stateVolume !== undefined) {
        const s = o.stateVolume;
        const mountPath = s.mountPath ?? DEFAULT_STATE_MOUNT_PATH;
        validateContainerPath("stateVolume.mountPath", mountPath, true);
        const uid = s.uid ?? DEFAULT_STATE_UID;
        validateId("stateVolume.uid", uid);
        const gid = s.gid ?? uid;
        validateId("stateVolume.gid", gid);
        const removeOnDestroy = s.removeStateOnDestroy ?? false;
        if (typeof removeOnDestroy !== "boolean") {
            throw new Error(`stateVolume.removeStateOnDestroy=${JSON.stringify(removeOnDestroy)} must be true or false`);
        }
        stateVolume = { name: stateVolumeName(serviceName), mountPath, uid, gid, removeOnDestroy };
    }

    const args = [...(o.args ?? [])];
    validateContainerArgs(args);
    if (o.workingDir !== undefined) validateContainerPath("workingDir", o.workingDir, false);

    const drainTimeoutSeconds = o.drainTimeoutSeconds ?? 0;
    validateTimeout("drainTimeoutSeconds", drainTimeoutSeconds, 0, 300);
    const allowRootUser = o.allowRootUser ?? false;
    if (typeof allowRootUser !== "boolean") {
        throw new Error(`allowRootUser=${JSON.stringify(allowRootUser)} must be true or false`);
    }
    return {
        healthPath,
        healthTimeoutSeconds,
        versionCheck,
        stateVolume,
        args,
        workingDir: o.workingDir,
        drainTimeoutSeconds,
        allowRootUser,
    };
}
