// What a release does for an app on a host, the same in systemd and container mode: one options
// type, one set of defaults, one resolver. Each mode's options extend ReleaseOptions and check only
// what is its own (systemd's relative workingDirectory, container's argument limits). The host
// scripts read the defaults from the host contract too. Pure: no Pulumi import.
import { validateHealthPath } from "../../rules/healthPath";
import { validateDrainTimeout, validateHealthTimeout } from "../../rules/seconds";

export interface ReleaseOptions {
    /** What the release waits for: GET `path` answers 2xx or 3xx within `timeoutSeconds` (defaults in RELEASE_DEFAULTS). */
    healthCheck?: { path?: string; timeoutSeconds?: number };
    /** Default true: /version must report the release's version. false: no check; the release is known by its digest. */
    versionCheck?: boolean;
    /**
     * After the switch, how long the old slot may keep its open connections before it is stopped
     * (default 30 s; 0 stops it at once, for an app that drains itself on SIGTERM).
     */
    drainTimeoutSeconds?: number;
    /** The app's working directory (each mode says what a relative one means, if anything). */
    workingDirectory?: string;
    /** Arguments after the binary or image: the app's own command line. Default none. */
    args?: readonly string[];
}

/**
 * The defaults of both modes. Drain 30 s: an app that exits at once on SIGTERM would otherwise drop
 * the requests still in flight on the old slot.
 */
export const RELEASE_DEFAULTS = {
    healthPath: "/healthz",
    healthTimeoutSeconds: 60,
    drainTimeoutSeconds: 30,
    versionCheck: true,
} as const;

export interface ResolvedReleaseOptions {
    healthPath: string;
    healthTimeoutSeconds: number;
    drainTimeoutSeconds: number;
    versionCheck: boolean;
    workingDirectory?: string;
    args: string[];
}

/** `defaultHealthPath`: a mode's own fallback (systemd's readiness httpPath), else RELEASE_DEFAULTS'. */
export function resolveReleaseOptions(o: ReleaseOptions, defaultHealthPath: string = RELEASE_DEFAULTS.healthPath): ResolvedReleaseOptions {
    if (o.healthCheck !== undefined && (typeof o.healthCheck !== "object" || o.healthCheck === null)) {
        throw new Error(`healthCheck must be an object { path?, timeoutSeconds? }, got ${JSON.stringify(o.healthCheck)}`);
    }
    const versionCheck = o.versionCheck ?? RELEASE_DEFAULTS.versionCheck;
    if (typeof versionCheck !== "boolean") {
        throw new Error(`versionCheck=${JSON.stringify(versionCheck)} must be true or false`);
    }
    if (o.workingDirectory !== undefined && typeof o.workingDirectory !== "string") {
        throw new Error(`workingDirectory must be a folder path, got ${JSON.stringify(o.workingDirectory)}`);
    }
    if (o.args !== undefined && (!Array.isArray(o.args) || o.args.some((a) => typeof a !== "string"))) {
        throw new Error(`args must be a list of strings (one per argument), got ${JSON.stringify(o.args)}`);
    }
    return {
        healthPath: validateHealthPath(o.healthCheck?.path ?? defaultHealthPath),
        healthTimeoutSeconds: validateHealthTimeout(
            "healthCheck.timeoutSeconds",
            o.healthCheck?.timeoutSeconds ?? RELEASE_DEFAULTS.healthTimeoutSeconds,
        ),
        drainTimeoutSeconds: validateDrainTimeout("drainTimeoutSeconds", o.drainTimeoutSeconds ?? RELEASE_DEFAULTS.drainTimeoutSeconds),
        versionCheck,
        workingDirectory: o.workingDirectory,
        args: [...(o.args ?? [])],
    };
}
