// The commands ContainerService runs on a host, as text (Kamal's habit: commands are data).
// The component hands them to @pulumi/command; the container suite and the contract executor run
// the very same strings over SSH. Every value that reaches a command line is validated and
// single-quoted here; secrets never do (they travel on stdin). Pure: no Pulumi here.

import { containerLayout, Slot } from "../layout";
import { validateReleaseVersion } from "../../rules/releaseVersion";
import { AS_ROOT, asRoot, prepareStagingCommand } from "../../shared/renderers/asRoot";
import { HOST_CONTRACT_FILE } from "../../shared/renderers/hostContract";
import { shellQuote } from "../../shared/renderers/shellQuote";
import { validateContainerPath, validateId, validateStateVolumeName } from "../../rules/containerValues";
import { validatePinnedImage } from "../../rules/digest";
import { validateHealthPath } from "../../rules/healthPath";
import { validatePort } from "../../rules/port";
import { validateDrainTimeout, validateHealthTimeout } from "../../rules/seconds";
import { StateVolume } from "./appOptions";

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
    /** What must answer 2xx or 3xx (resolveContainerAppOptions gives the default). */
    healthPath: string;
    /** /version must report `version`; false: the release is known by its digest. */
    versionCheck: boolean;
    /** The app's data volume: created, made writable by its user, kept unless removeOnDestroy. */
    stateVolume?: StateVolume;
    /** After the switch, wait up to this long for the old slot's connections to close; 0: stop it at once. */
    drainTimeoutSeconds: number;
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

/** A registry host with an optional port: 123456789012.dkr.ecr.eu-west-1.amazonaws.com, 127.0.0.1:5000. */
export const REGISTRY_SERVER = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$/;
const USERNAME = /^[A-Za-z0-9._@+-]{1,128}$/;

/** The name a release goes by when no version is checked: its digest's first 12 hex digits. */
export function digestVersion(imageRef: string): string {
    validatePinnedImage("imageRef", imageRef);
    return `sha256-${imageRef.slice(imageRef.indexOf("@sha256:") + 8, imageRef.indexOf("@sha256:") + 20)}`;
}

export function renderContainerCommands(s: ContainerCommandSettings): ContainerCommands {
    validatePinnedImage("imageRef", s.imageRef);
    const versionCheck = s.versionCheck;
    if (typeof versionCheck !== "boolean") throw new Error(`versionCheck=${JSON.stringify(versionCheck)} must be true or false`);
    if (versionCheck && s.version === undefined) {
        throw new Error("version is missing while versionCheck is true: give the version /version reports, or set versionCheck: false");
    }
    const version = validateReleaseVersion(s.version ?? digestVersion(s.imageRef));
    validatePort("port", s.port);
    validatePort("slotPorts.blue", s.slotPorts.blue);
    validatePort("slotPorts.green", s.slotPorts.green);
    const healthTimeout = validateHealthTimeout("healthCheck.timeoutSeconds", s.healthTimeoutSeconds);
    const healthPath = validateHealthPath(s.healthPath);
    const drain = validateDrainTimeout("drainTimeoutSeconds", s.drainTimeoutSeconds);
    const volume = s.stateVolume;
    if (volume) {
        validateStateVolumeName("stateVolume name", volume.name);
        validateContainerPath("stateVolume.mountPath", volume.mountPath, true);
        validateId("stateVolume.uid", volume.uid);
        validateId("stateVolume.gid", volume.gid);
    }
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
            // The four release settings both modes share, always explicit, with systemd's flags.
            `--health-path ${q(healthPath)}`,
            `--health-timeout ${healthTimeout}`,
            `--drain-timeout ${drain}`,
            `--version-check ${versionCheck ? "on" : "off"}`,
            ...(volume
                ? [`--state-volume ${q(volume.name)} --state-mount ${q(volume.mountPath)} --state-owner ${volume.uid}:${volume.gid}`]
                : []),
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
