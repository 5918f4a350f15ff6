// The options that let container mode run an ordinary Gin app unmodified (its own health path, no
// /version, data in a volume, its own command line): the release options both modes share
// (shared/renderers/releaseOptions.ts) plus container mode's own, checked and given their defaults in one
// place. Every refusal names the option, the value and the fix, and comes before ContainerService
// registers anything. Pure: no Pulumi here.

import { DEFAULT_STATE_MOUNT_PATH, DEFAULT_STATE_UID, stateVolumeName } from "../layout";
import { validateContainerPath, validateId } from "../../rules/containerValues";
import { validateHealthTimeout } from "../../rules/seconds";
import { ReleaseOptions, resolveReleaseOptions, ResolvedReleaseOptions } from "../../shared/renderers/releaseOptions";

export interface ContainerAppOptions extends ReleaseOptions {
    /** The older spelling of healthCheck.timeoutSeconds. */
    healthTimeoutSeconds?: number;
    /** Whether a version was given at all (it may be an Output, so only its presence is known here). */
    versionGiven: boolean;
    stateVolume?: { mountPath?: string; uid?: number; gid?: number; removeStateOnDestroy?: boolean };
    /** @deprecated The older spelling of workingDirectory (the same absolute container path). */
    workingDir?: string;
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

export interface ResolvedContainerAppOptions extends ResolvedReleaseOptions {
    stateVolume?: StateVolume;
    allowRootUser: boolean;
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

export function resolveContainerAppOptions(serviceName: string, o: ContainerAppOptions): ResolvedContainerAppOptions {
    const newTimeout = o.healthCheck?.timeoutSeconds;
    if (newTimeout !== undefined && o.healthTimeoutSeconds !== undefined && newTimeout !== o.healthTimeoutSeconds) {
        throw new Error(
            `healthCheck.timeoutSeconds=${newTimeout} and healthTimeoutSeconds=${o.healthTimeoutSeconds} disagree: give only healthCheck.timeoutSeconds`,
        );
    }
    if (newTimeout === undefined && o.healthTimeoutSeconds !== undefined)
        validateHealthTimeout("healthTimeoutSeconds", o.healthTimeoutSeconds);
    if (o.workingDirectory !== undefined && o.workingDir !== undefined) {
        throw new Error(
            `workingDirectory ${JSON.stringify(o.workingDirectory)} and workingDir ${JSON.stringify(o.workingDir)} are both given: give only workingDirectory (workingDir is its older spelling)`,
        );
    }
    const workingOption = o.workingDir !== undefined ? "workingDir" : "workingDirectory";
    const shared = resolveReleaseOptions({
        ...o,
        healthCheck: { ...o.healthCheck, timeoutSeconds: newTimeout ?? o.healthTimeoutSeconds },
        workingDirectory: o.workingDirectory ?? o.workingDir,
    });
    if (shared.versionCheck && !o.versionGiven) {
        throw new Error(
            "version is missing while versionCheck is true: give the version the app's /version reports, or set versionCheck: false for an app without /version (the release is then known by its image digest)",
        );
    }

    let stateVolume: StateVolume | undefined;
    if (o.stateVolume !== undefined) {
        const s = o.stateVolume;
        const mountPath = validateContainerPath("stateVolume.mountPath", s.mountPath ?? DEFAULT_STATE_MOUNT_PATH, true);
        const uid = validateId("stateVolume.uid", s.uid ?? DEFAULT_STATE_UID);
        const gid = validateId("stateVolume.gid", s.gid ?? uid);
        const removeOnDestroy = s.removeStateOnDestroy ?? false;
        if (typeof removeOnDestroy !== "boolean") {
            throw new Error(`stateVolume.removeStateOnDestroy=${JSON.stringify(removeOnDestroy)} must be true or false`);
        }
        stateVolume = { name: stateVolumeName(serviceName), mountPath, uid, gid, removeOnDestroy };
    }

    validateContainerArgs(shared.args);
    if (shared.workingDirectory !== undefined) validateContainerPath(workingOption, shared.workingDirectory, false);

    const allowRootUser = o.allowRootUser ?? false;
    if (typeof allowRootUser !== "boolean") {
        throw new Error(`allowRootUser=${JSON.stringify(allowRootUser)} must be true or false`);
    }
    return { ...shared, stateVolume, allowRootUser };
}
