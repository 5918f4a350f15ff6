// What an operator acts on, as ContainerService outputs (systemd mode's appUnits / liveUnitCommand /
// logsCommand, for containers): the two slots' units and containers, a command for the host that
// names the live container, and one that shows the app's log. Pure: no Pulumi import.
//
// The app runs in <name>-container@blue.service or <name>-container@green.service, each running the
// container <name>-<slot> in the foreground, so the container's output is also the unit's journal.
// Which slot is live is known only on the host, after a release: the current link's target
// (<state dir>/current.sock -> <run dir>/<slot>.sock), readable by root.

import { containerLayout, SLOTS } from "../layout";
import { shellQuote } from "../../shared/renderers/shellQuote";

/** The units the app runs in: <name>-container@blue.service and <name>-container@green.service. */
export function containerAppUnitNames(serviceName: string): string[] {
    return SLOTS.map((slot) => `${containerLayout(serviceName).serviceName}-container@${slot}.service`);
}

/** The two slots' container names: <name>-blue and <name>-green (`docker ps --filter label=io.gin-deploy.service=<name>`). */
export function containerNames(serviceName: string): string[] {
    return SLOTS.map((slot) => `${containerLayout(serviceName).serviceName}-${slot}`);
}

/** A command for the host (as root) that prints the live container, e.g. `gin-app-green` (`gin-app-` before the first release). */
export function liveContainerCommand(serviceName: string): string {
    const link = shellQuote(containerLayout(serviceName).slotLink);
    return `echo "${serviceName}-$(basename "$(readlink ${link})" .sock)"`;
}

/** A command for the host (as root) that shows the app's log from both slots' units (add -f, -n N, --since T). */
export function containerLogsCommand(serviceName: string): string {
    return ["journalctl", ...containerAppUnitNames(serviceName).flatMap((unit) => ["-u", unit])].join(" ");
}
