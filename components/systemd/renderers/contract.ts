// The systemd mode's host contract (contract.sh): the release layout as the host scripts read it,
// the two slots' unit names and paths, and what uninstall may remove of the app's own data.
import { privateStateDirectoryPath, releaseLayout, slotLayout, SLOTS, stateDirectoryPath, stateDirectoryRoot } from "../layout";
import { renderHostContract } from "../../shared/renderers/hostContract";

export interface SystemdContractOptions {
    /** The app's StateDirectory= name, if it has one (nested or not: uninstall removes its top folder). */
    stateDirectory?: string;
    /** Uninstall removes the state directory too (default false: the data outlives the service). */
    removeStateOnDestroy?: boolean;
}

export function renderSystemdContract(serviceName: string, options: SystemdContractOptions = {}): string {
    const slots: Record<string, string> = {};
    for (const slot of SLOTS) {
        const s = slotLayout(serviceName, slot);
        // BLUE_APP_UNIT, GREEN_SOCKET_PATH, ...: the scripts read them as ${SLOT^^}_NAME.
        slots[`${slot}AppUnit`] = s.appUnit;
        slots[`${slot}BridgeSocketUnit`] = s.bridgeSocketUnit;
        slots[`${slot}BridgeServiceUnit`] = s.bridgeServiceUnit;
        slots[`${slot}SocketPath`] = s.socketPath;
        slots[`${slot}BinaryLink`] = s.binaryLink;
    }
    // The whole state tree is the app's, whatever the layout: "app/db" is removed as /var/lib/app.
    const root = options.stateDirectory !== undefined ? stateDirectoryRoot(options.stateDirectory) : undefined;
    return renderHostContract("systemd", {
        ...releaseLayout(serviceName),
        ...slots,
        appStateDir: root ? stateDirectoryPath(root) : "",
        // With DynamicUser systemd keeps the data under /var/lib/private and links /var/lib/NAME to it.
        appPrivateStateDir: root ? privateStateDirectoryPath(root) : "",
        removeStateOnDestroy: options.removeStateOnDestroy ? "yes" : "no",
    });
}
