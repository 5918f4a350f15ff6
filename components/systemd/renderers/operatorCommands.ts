// What an operator acts on, as SystemdService outputs: the units the app runs in, and commands to
// run on the host that name the live one and show the app's log. Pure: no Pulumi import.
//
// Socket-activated, the app is <name>.service. In slot mode <name>.service is only the front proxy;
// the app runs in <name>-slot-blue.service and <name>-slot-green.service, and which one is live is
// known only on the host, after a release: the slot link's target (<run dir>/<slot>.sock).

import { releaseLayout, slotLayout, SLOTS } from "../layout";
import { shellQuote } from "../../shared/renderers/shellQuote";

/** The units the app itself runs in: <name>.service, or the two slot units. */
export function appUnitNames(serviceName: string, socketActivated: boolean): string[] {
    return socketActivated ? [releaseLayout(serviceName).serviceUnitName] : SLOTS.map((slot) => slotLayout(serviceName, slot).appUnit);
}

/**
 * A command for the host that prints the live app unit, e.g. `gin-app-slot-green.service`
 * (in slot mode: from the slot link; `<name>-slot-.service` before the first release).
 */
export function liveAppUnitCommand(serviceName: string, socketActivated: boolean): string {
    if (socketActivated) {
        return `echo ${shellQuote(releaseLayout(serviceName).serviceUnitName)}`;
    }
    const link = shellQuote(releaseLayout(serviceName).slotLink);
    return `echo "${serviceName}-slot-$(basename "$(readlink ${link})" .sock).service"`;
}

/** A command for the host that shows the app's log from whichever unit ran it (add -f, -n N, --since T). */
export function appLogsCommand(serviceName: string, socketActivated: boolean): string {
    return ["journalctl", ...appUnitNames(serviceName, socketActivated).flatMap((unit) => ["-u", unit])].join(" ");
}
