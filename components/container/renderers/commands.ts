// The commands ContainerService runs on a host, as text (Kamal's habit: commands are data).
// The component hands them to @pulumi/command; the container suite and the contract executor run
// the very same strings over SSH. Every value that reaches a command line is validated and
// single-quoted here; secrets never do (they travel on stdin). Pure: no Pulumi here.

import { containerLayout, Slot } from "../layout";
import { validateReleaseVersion } from "../../rules/releaseVersion";
import { AS_ROOT, asRoot, prepareStagingCommand } from "../../shared/renderers/asRoot";
import { HOST_CONTRACT_FILE } from "../../shared/renderers/hostContract";
import { shellQuote } from "../../shared/renderers/shellQuote";
import { DEFAULT_HEALTH_PATH, StateVolume, validateHealthPath } from "./appOptions";

export interface ContainerCommandSettings {
    serviceName: string;
    /** The image by digest: REPOSITORY@sha256:<64 hex>. */
    imageRef: string;
    /** What /version must report once the release is live; optional without the version check. */
    version?: string;
    port: number;
    slotPorts: Readonly<Record<Slot, number>>;
    /** How long the new slot gets to become healthy, in seconds. */
    healthTimeoutSeconds: number;
    /** What must answer 200; default /healthz. */
    healthPath?: string;
    /** Default true: /version must report `version`. False: the release is known by its digest. */
    versionCheck?: boolean;
    /** The app's data volume: created, made writable by its user, kept unless removeOnDestroy. */
    stateVolume?: StateVolume;
    /** After the switch, wait up to this long for the old slot's connections to close; default 0 (the app drains on SIGTERM). */
    drainTimeoutSeconds?: number;
    /** Run an image whose user is root or unset; default false (install-container.sh refuses it). */
    allowRootUser?: boolean;
}

export interface ContainerCommands {
    /** Folder the scripts and units are uploaded to before a release. */
    stagingDir: string;
    /** Remote paths of the uploaded files. */
    installScriptPath: string;
    uninstallScriptPath: string;
    /** The scripts' shared helpers and the host contract, beside them. */
    libPath: string;
    contractPath: string;
    unitsDir: string;
    /** Creates the staging folders (run once). */
    prepare: string;
    /** Reads the app's env file from stdin into a 0600 file for the next release. */
    writeEnv: string;
    /** Starts the image in the idle slot, gates it on health, switches, retires the old slot. */
    release: string;
    /** Removes units, containers, env files and folders. */
    uninstall: string;
}

const IMAGE_REF = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*@sha256:[0-9a-f]{64}$/;
/** A registry host with an optional port: 123456789012.dkr.ecr.eu-west-1.amazonaws.com, 127.0.0.1:5000. */
export const REGISTRY_SERVER = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$/;
const USERNAME = /^[A-Za-z0-9._@+-]{1,128}$/;

export function validateImageRef(imageRef: string): void {
    if (!IMAGE_REF.test(imageRef)) {
        throw new Error(
            `imageRef "${imageRef}" must be pinned by digest (REPOSITORY@sha256:<64 hex>), as AppImage's imageRef output is: a tag can change under a running service`,
        );
    }
}

/** The name a release goes by when no version is checked: its digest's first 12 hex digits. */
export function digestVersion(imageRef: string): string {
    validateImageRef(imageRef);
    return `sha256-${imageRef.slice(imageRef.indexOf("@sha256:") + 8, imageRef.indexOf("@sha256:") + 20)}`;
}

export function renderContainerCommands(s: ContainerCommandSettings): ContainerCommands {
    validateImageRef(s.imageRef);
    const versionCheck = s.versionCheck ?? true;
    if (versionCheck && s.version === undefined) {
        throw new Error("version is missing while versionCheck is true: give the version /version reports, or set versionCheck: false");
    }
    const version = validateReleaseVersion(s.version ?? digestVersion(s.imageRef));
    if (!Number.isInteger(s.healthTimeoutSeconds) || s.healthTimeoutSeconds < 1 || s.healthTimeoutSeconds > 600) {
        throw new Error(`healthTimeoutSeconds=${s.healthTimeoutSeconds} must be a whole number from 1 to 600`);
    }
    const healthPath = s.healthPath ?? DEFAULT_HEALTH_PATH;
    validateHealthPath(healthPath);
    const drain = s.drainTimeoutSeconds ?? 0;
    if (!Number.isInteger(drain) || drain < 0 || drain > 300) {
        throw new Error(`drainTimeoutSeconds=${drain} must be a whole number of seconds from 0 to 300`);
    }
    const volume = s.stateVolume;
    const paths = containerLayout(s.serviceName);
    const { stagingDir, unitsDir } = paths;
    const installScriptPath = `${stagingDir}/install-container.sh`;
    const uninstallScriptPath = `${stagingDir}/uninstall-container.sh`;
    const q = shellQuote;
    return {
        stagingDir,
        installScriptPath,
        uninstallScriptPath,
        libPath: `${stagingDir}/lib.sh`,
        contractPath: `${stagingDir}/${HOST_CONTRACT_FILE}`,
        unitsDir,
        // The state folder stays traversable: the front proxy's unprivileged user follows a symlink in it.
        prepare: prepareStagingCommand([stagingDir, unitsDir], [paths.stateDir]),
        writeEnv: asRoot(`bash ${q(installScriptPath)} env`),
        release: [
            asRoot(`bash ${q(installScriptPath)} release`),
            `--image ${q(s.imageRef)}`,
            `--version ${q(version)}`,
            `--port ${s.port}`,
            `--slot-ports ${s.slotPorts.blue},${s.slotPorts.green}`,
            `--health-timeout ${s.healthTimeoutSeconds}`,
            // Only what differs from the defaults, so the reference app's command stays as it was.
            ...(healthPath !== DEFAULT_HEALTH_PATH ? [`--health-path ${q(healthPath)}`] : []),
            ...(versionCheck ? [] : ["--no-version-check"]),
            ...(volume
                ? [`--state-volume ${q(volume.name)} --state-mount ${q(volume.mountPath)} --state-owner ${volume.uid}:${volume.gid}`]
                : []),
            ...(drain > 0 ? [`--drain-timeout ${drain}`] : []),
            ...(s.allowRootUser ? ["--allow-root-user"] : []),
        ].join(" "),
        // Tested as root too: the staging folder may be another login user's.
        uninstall: `${AS_ROOT} if $as_root test -f ${q(uninstallScriptPath)}; then $as_root bash ${q(uninstallScriptPath)}${
            volume?.removeOnDestroy ? ` --remove-state-volume ${q(volume.name)}` : ""
        }; fi`,
    };
}

/**
 * `docker login` on the host, the password read from stdin. A registry without a username (the
 * local one on 127.0.0.1:5000) needs no login: the command then only says so.
 */
export function renderLoginCommand(serviceName: string, server: string, username: string): string {
    if (!REGISTRY_SERVER.test(server)) {
        throw new Error(`registry server "${server}" is not a host name with an optional :port (e.g. 127.0.0.1:5000)`);
    }
    if (username === "") {
        return `echo ${shellQuote(`registry ${server}: no credentials given, no docker login`)}`;
    }
    if (!USERNAME.test(username)) {
        throw new Error(`registry username "${username}" has characters a registry login does not use`);
    }
    const script = `${containerLayout(serviceName).stagingDir}/install-container.sh`;
    return asRoot(`bash ${shellQuote(script)} login --server ${shellQuote(server)} --username ${shellQuote(username)}`);
}
