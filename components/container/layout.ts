// Where a container-mode service lives on a host, and its two release slots: the one place the
// unit and command renderers, the component and the host scripts (through the rendered contract)
// read. Pure: no Pulumi import.
import { validateServiceName } from "../rules/serviceName";

export type Slot = "blue" | "green";
export const SLOTS: readonly Slot[] = ["blue", "green"];

/** `docker stop` lets the app drain this long; above the app's SHUTDOWN_TIMEOUT (20 s). */
export const DEFAULT_STOP_TIMEOUT_SECONDS = 30;

/**
 * The service's persistent data (ContainerService's stateVolume): a named Docker volume, not a
 * host folder, because the engine resolves a bind path in its own mount namespace (on the local
 * stack the engine is the machine's, not the SSH host's) and keeps a volume's data itself. Both
 * slots mount it; only uninstall-container.sh --remove-state-volume deletes it. Not in the host
 * contract: only a service with a state volume passes its name to the scripts.
 */
export function stateVolumeName(serviceName: string): string {
    validateServiceName(serviceName);
    return `${serviceName}-state`;
}

/** Where the state volume appears in the container, and the user it is made writable for (the reference image's). */
export const DEFAULT_STATE_MOUNT_PATH = "/data";
export const DEFAULT_STATE_UID = 65532;

/** The slots' loopback ports: the two ports after the public one, unless given. */
export function defaultSlotPorts(port: number): Record<Slot, number> {
    return { blue: port + 1, green: port + 2 };
}

export interface ContainerLayout {
    serviceName: string;
    configDir: string;
    stateDir: string;
    runDir: string;
    /**
     * The symlink that names the current slot's socket; the front proxy follows it. SLOT_LINK in the
     * contract, as in systemd's slot mode (whose CURRENT_LINK is the current release folder's link).
     */
    slotLink: string;
    /** The slots' unix sockets, which the slot link points at (slotSocketPath). */
    blueSocketPath: string;
    greenSocketPath: string;
    unitDir: string;
    /** The service's claim on its name on this host: nothing of that name is taken over without it. */
    claimMarker: string;
    /** Where uploads wait (root only): the scripts, the units and the contract. */
    stagingDir: string;
    unitsDir: string;
}

function runDir(serviceName: string): string {
    return `/run/gin-deploy/${serviceName}`;
}

/** A slot's unix socket; "%i" gives the form the slot unit template (<name>-slot@.socket) listens on. */
export function slotSocketPath(serviceName: string, slot: Slot | "%i"): string {
    return `${runDir(serviceName)}/${slot}.sock`;
}

export function containerLayout(serviceName: string): ContainerLayout {
    validateServiceName(serviceName);
    const stateDir = `/var/lib/gin-deploy/${serviceName}`;
    return {
        serviceName,
        configDir: `/etc/gin-deploy/${serviceName}`,
        stateDir,
        runDir: runDir(serviceName),
        slotLink: `${stateDir}/current.sock`,
        blueSocketPath: slotSocketPath(serviceName, "blue"),
        greenSocketPath: slotSocketPath(serviceName, "green"),
        claimMarker: `${stateDir}/owned`,
        unitDir: "/etc/systemd/system",
        stagingDir: `${stateDir}/staging`,
        unitsDir: `${stateDir}/staging/units`,
    };
}
