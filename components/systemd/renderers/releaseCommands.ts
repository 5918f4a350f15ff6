// The shell lines SystemdService runs on a host, as data: where uploads go, and how the install
// and uninstall scripts are called. Each line is plain and self-contained (no `environment`, which
// would need sshd's AcceptEnv), and carries no secret: the env file goes in on stdin.
// Pure: no Pulumi import; the host suite runs exactly these lines.

import { releaseLayout, Slot } from "../layout";
import { validateReleaseVersion } from "../../rules/releaseVersion";
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
    if (!/^[0-9a-f]{64}$/.test(binarySha256)) {
        throw new Error(`binarySha256 must be 64 lowercase hex digits (sha256 of the binary), got "${binarySha256}"`);
    }
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

// A URL path the health check may GET: no spaces, quotes or fragments.
const HEALTH_PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*$/;

export function validateHealthPath(value: string, option = "healthCheck.path"): string {
    if (typeof value !== "string" || !HEALTH_PATH.test(value) || value.length > 1024) {
        throw new Error(
            `${option} "${String(value)}" is not a URL path: start with / and use no spaces, quotes or #, e.g. "/healthz" or "/"`,
        );
    }
    return value;
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
    /** Seconds to wait for /healthz after the restart. */
    healthTimeoutSec?: number;
    /** What the health check GETs (default /healthz): 2xx or 3xx is healthy. */
    healthPath?: string;
    /** false: no /version check; the release is the binary's digest. */
    versionCheck?: boolean;
    /** Slot mode (the app binds its port itself): the slots' loopback ports. */
    slotPorts?: Readonly<Record<Slot, number>>;
    /** Slot mode: how long the old slot may keep open connections before it is stopped. */
    drainTimeoutSec?: number;
    /** Slot mode: the units besides the service and socket units (their file names). */
    extraUnits?: readonly string[];
}

/** Runs install-release.sh as root for one release; the env file content is the command's stdin. */
export function installReleaseCommand(args: InstallReleaseArgs): string {
    const up = releaseUploads(args.serviceName, args.binarySha256);
    validateReleaseVersion(args.version);
    if (!Number.isInteger(args.port) || args.port < 1 || args.port > 65535) {
        throw new Error(`port must be a TCP port from 1 to 65535, got ${args.port}`);
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
        ...(args.healthTimeoutSec !== undefined
            ? ["--health-timeout", String(seconds("healthCheck.timeoutSeconds", args.healthTimeoutSec))]
            : []),
        ...(args.healthPath !== undefined ? ["--health-path", validateHealthPath(args.healthPath)] : []),
        ...(args.versionCheck === false ? ["--version-check", "off"] : []),
        ...(args.slotPorts !== undefined ? ["--slot-ports", `${args.slotPorts.blue},${args.slotPorts.green}`] : []),
        ...(args.drainTimeoutSec !== undefined ? ["--drain-timeout", String(seconds("drainTimeoutSeconds", args.drainTimeoutSec))] : []),
        ...(args.extraUnits ?? []).flatMap((unit) => ["--unit", stagedUnitPath(args.serviceName, unit)]),
    ];
    return asRoot(shellCommand(words));
}

function seconds(option: string, value: number): number {
    if (!Number.isInteger(value) || value < 1 || value > 3600) {
        throw new Error(`${option}=${value} must be whole seconds from 1 to 3600`);
    }
    return value;
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
