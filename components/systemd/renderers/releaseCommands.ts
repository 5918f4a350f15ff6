// The shell lines SystemdService runs on a host, as data: where uploads go, and how the install
// and uninstall scripts are called. Each line is plain and self-contained (no `environment`, which
// would need sshd's AcceptEnv), and carries no secret: the env file goes in on stdin.
// Pure: no Pulumi import; the host suite runs exactly these lines.

import { releaseLayout, Slot } from "../layout";
import { validateSha256 } from "../../rules/digest";
import { validateHealthPath } from "../../rules/healthPath";
import { validatePort } from "../../rules/port";
import { validateReleaseVersion } from "../../rules/releaseVersion";
import { validateDrainTimeout, validateHealthTimeout } from "../../rules/seconds";
import { AS_ROOT, asRoot, prepareStagingCommand as prepareStaging } from "../../shared/renderers/asRoot";
import { HOST_CONTRACT_FILE } from "../../shared/renderers/hostContract";
import { shellCommand, shellQuote } from "../../shared/renderers/shellQuote";

export interface ReleaseUploads {
    stagingDir: string;
    binary: string;
    serviceUnit: string;
    socketUnit: string;
    installScript: string;
    uninstallScript: string;
    /** The scripts' shared helpers and the host contract, beside them. */
    lib: string;
    contract: string;
}

/** Where each upload lands; the binary's name carries its digest, so uploads never mix releases. */
export function releaseUploads(serviceName: string, binarySha256: string): ReleaseUploads {
    const layout = releaseLayout(serviceName);
    validateSha256("binarySha256", binarySha256);
    const dir = layout.stagingDir;
    return {
        stagingDir: dir,
        binary: `${dir}/${serviceName}-${binarySha256.slice(0, 12)}`,
        serviceUnit: `${dir}/${layout.serviceUnitName}`,
        socketUnit: `${dir}/${layout.socketUnitName}`,
        installScript: `${dir}/install-release.sh`,
        uninstallScript: `${dir}/uninstall.sh`,
        lib: `${dir}/lib.sh`,
        contract: `${dir}/${HOST_CONTRACT_FILE}`,
    };
}

/** Where another unit file (a slot's) waits for the install script. */
export function stagedUnitPath(serviceName: string, unitName: string): string {
    if (!/^[a-z0-9-]+(@[a-z0-9-]*)?\.(service|socket)$/.test(unitName)) {
        throw new Error(`unit name "${unitName}" is not a .service or .socket file name`);
    }
    return `${releaseLayout(serviceName).stagingDir}/${unitName}`;
}

/**
 * Creates the staging folder, owned by the login user and private to it (CopyToRemote neither
 * creates folders nor sets modes), after checking that the login user can become root.
 */
export function prepareStagingCommand(serviceName: string): string {
    return prepareStaging([releaseLayout(serviceName).stagingDir]);
}

export interface InstallReleaseArgs {
    serviceName: string;
    version: string;
    binarySha256: string;
    port: number;
    hostFirewall: boolean;
    // The release settings both modes share, always on the command line (resolveSystemdOptions gives the defaults).
    /** Seconds to wait for the health check after the restart. */
    healthTimeoutSec: number;
    /** What the health check GETs: 2xx or 3xx is healthy. */
    healthPath: string;
    /** false: no /version check; the release is the binary's digest. */
    versionCheck: boolean;
    /** Slot mode (the app binds its port itself): the slots' loopback ports. */
    slotPorts?: Readonly<Record<Slot, number>>;
    /** Slot mode (needed with slotPorts): how long the old slot may keep open connections before it is stopped. */
    drainTimeoutSec?: number;
    /** Slot mode: the units besides the service and socket units (their file names). */
    extraUnits?: readonly string[];
}

/** Runs install-release.sh as root for one release; the env file content is the command's stdin. */
export function installReleaseCommand(args: InstallReleaseArgs): string {
    const up = releaseUploads(args.serviceName, args.binarySha256);
    validateReleaseVersion(args.version);
    validatePort("port", args.port);
    if (typeof args.versionCheck !== "boolean") throw new Error(`versionCheck=${JSON.stringify(args.versionCheck)} must be true or false`);
    if ((args.slotPorts === undefined) !== (args.drainTimeoutSec === undefined)) {
        throw new Error("slotPorts and drainTimeoutSec go together (slot mode has both, socket activation neither): give both or none");
    }
    const words = [
        "bash",
        up.installScript,
        "--version",
        args.version,
        "--sha256",
        args.binarySha256,
        "--binary",
        up.binary,
        "--service-unit",
        up.serviceUnit,
        "--socket-unit",
        up.socketUnit,
        "--port",
        String(args.port),
        "--env-stdin",
        "--firewall",
        args.hostFirewall ? "on" : "off",
        // The release settings both modes share, always explicit, with container mode's flags.
        "--health-path",
        validateHealthPath(args.healthPath),
        "--health-timeout",
        String(validateHealthTimeout("healthCheck.timeoutSeconds", args.healthTimeoutSec)),
        ...(args.drainTimeoutSec !== undefined
            ? ["--drain-timeout", String(validateDrainTimeout("drainTimeoutSeconds", args.drainTimeoutSec))]
            : []),
        "--version-check",
        args.versionCheck ? "on" : "off",
        ...(args.slotPorts !== undefined
            ? [
                  "--slot-ports",
                  `${validatePort("slotPorts.blue", args.slotPorts.blue)},${validatePort("slotPorts.green", args.slotPorts.green)}`,
              ]
            : []),
        ...(args.extraUnits ?? []).flatMap((unit) => ["--unit", stagedUnitPath(args.serviceName, unit)]),
    ];
    return asRoot(shellCommand(words));
}

/** Removes the service and all its files; succeeds when there is nothing left to remove. */
export function uninstallCommand(serviceName: string): string {
    const script = shellQuote(releaseLayout(serviceName).stagingDir + "/uninstall.sh");
    // Tested as root too: the staging folder may be another login user's.
    return (
        `${AS_ROOT} if $as_root test -f ${script}; then $as_root bash ${script}; ` +
        `else echo ${shellQuote(`uninstall: ${serviceName} is not installed here`)}; fi`
    );
}
