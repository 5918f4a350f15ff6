// Where a systemd-mode release lives on a host: the one place that the unit renderers, the
// install command, the component, the host scripts (through the rendered contract) and the host
// suite read, so the paths cannot drift apart. Pure: no Pulumi import.
import { validateServiceName } from "../rules/serviceName";
import { defaultSlotPorts, Slot, SLOTS } from "../container/layout";

// The same two release slots as container mode, when the app binds its port itself.
export { defaultSlotPorts, Slot, SLOTS };

export interface ReleaseLayout {
    serviceName: string;
    /** gin-app.service / gin-app.socket */
    serviceUnitName: string;
    socketUnitName: string;
    /** /opt/gin-app: releases/<version>-<sha12>/gin-app, and the `current` link to one of them. */
    appDir: string;
    releasesDir: string;
    currentLink: string;
    /** What the unit executes: always through `current`, so switching the link switches the release. */
    currentBinary: string;
    /** The folder of the 0600 root env file systemd reads before it drops privileges. */
    envDir: string;
    envFile: string;
    /**
     * Where uploads wait for the install script: the login user's (it uploads over SFTP), so not
     * inside the root-only stateDir.
     */
    stagingDir: string;
    /** Where the install script keeps the previous units and env file for a rollback. */
    stateDir: string;
    /** The service's claim on its name on this host: nothing of that name is taken over without it. */
    claimMarker: string;
    /** Where systemd reads the units from. */
    unitDir: string;
    /** Slot mode (the app binds its own port): the front proxy follows this link to a slot's socket. */
    slotLink: string;
    /** Slot mode: the slots' unix sockets. */
    runDir: string;
}

/** One release slot of a service that binds its port itself (socketActivated: false). */
export interface SlotLayout {
    slot: Slot;
    /** The app itself, on the slot's loopback port: gin-app-slot-blue.service. */
    appUnit: string;
    /** The slot's unix socket and its bridge to the app's port: gin-app-bridge-blue.socket/.service. */
    bridgeSocketUnit: string;
    bridgeServiceUnit: string;
    socketPath: string;
    /** The release this slot runs: a link to a release folder, so the two slots run different ones. */
    binaryLink: string;
    binary: string;
}

export function slotLayout(serviceName: string, slot: Slot): SlotLayout {
    const layout = releaseLayout(serviceName);
    const binaryLink = `${layout.appDir}/slots/${slot}`;
    return {
        slot,
        appUnit: `${serviceName}-slot-${slot}.service`,
        bridgeSocketUnit: `${serviceName}-bridge-${slot}.socket`,
        bridgeServiceUnit: `${serviceName}-bridge-${slot}.service`,
        socketPath: `${layout.runDir}/${slot}.sock`,
        binaryLink,
        binary: `${binaryLink}/${serviceName}`,
    };
}

/** Where systemd keeps StateDirectory= folders. */
export const STATE_ROOT = "/var/lib";

/** Where StateDirectory=NAME lives for the app (systemd keeps it across restarts and releases). */
export function stateDirectoryPath(name: string): string {
    return `${STATE_ROOT}/${name}`;
}

/**
 * The top folder of a state directory ("app" of "app/db"): the app's whole state tree, since every
 * level of a nested name is the app's (systemd/renderers/appDirectories.ts); what uninstall removes.
 */
export function stateDirectoryRoot(name: string): string {
    return name.split("/")[0];
}

/** Where systemd really keeps a DynamicUser= service's state folder (/var/lib/NAME links to it). */
export function privateStateDirectoryPath(name: string): string {
    return `${STATE_ROOT}/private/${name}`;
}

export function releaseLayout(serviceName: string): ReleaseLayout {
    validateServiceName(serviceName);
    const appDir = `/opt/${serviceName}`;
    // Apart from container mode's /var/lib/gin-deploy/<name>, so the two modes never share files.
    const stateDir = `/var/lib/gin-deploy/systemd/${serviceName}`;
    return {
        serviceName,
        serviceUnitName: `${serviceName}.service`,
        socketUnitName: `${serviceName}.socket`,
        appDir,
        releasesDir: `${appDir}/releases`,
        currentLink: `${appDir}/current`,
        currentBinary: `${appDir}/current/${serviceName}`,
        envDir: `/etc/${serviceName}`,
        envFile: `/etc/${serviceName}/${serviceName}.env`,
        stagingDir: `/var/lib/gin-deploy/staging/systemd/${serviceName}`,
        stateDir,
        claimMarker: `${stateDir}/owned`,
        unitDir: "/etc/systemd/system",
        slotLink: `${appDir}/current-slot.sock`,
        runDir: `/run/gin-deploy/systemd/${serviceName}`,
    };
}
