// The units of a service whose app binds its port itself (socketActivated: false). A release must
// still lose no request, so it uses container mode's two-slot shape (container/renderers/units.ts):
//
//   <name>.socket               the public port (socketUnit.ts), held by systemd across releases
//   <name>.service              systemd-socket-proxyd -> /opt/<name>/current-slot.sock (a symlink)
//   <name>-bridge-<slot>.socket a unix socket per slot (blue, green) the symlink points at
//   <name>-bridge-<slot>.service systemd-socket-proxyd -> 127.0.0.1:<slot port>
//   <name>-slot-<slot>.service  the app, PORT=<slot port>, running the slot's own release
//
// The front proxy resolves the link per new connection, so install-release.sh starts the idle
// slot, waits for it, renames the link, waits for the old slot's connections to end and only
// then stops it: an app that exits at once on SIGTERM loses nothing either.
// Both slots run as one dynamic user (User=<name>), so they share the state directory. Pure.

import { releaseLayout, Slot, slotLayout, SLOTS } from "../layout";
import { validatePort } from "../../rules/port";
import { renderProxyService, renderUnixSocket } from "../../shared/renderers/socketProxy";
import { renderServiceUnit, ServiceUnitSettings } from "./serviceUnit";

export interface SlotUnitSettings {
    serviceName: string;
    port: number;
    slotPorts: Readonly<Record<Slot, number>>;
    /** The app unit's settings, as for a single unit (readiness, args, stateDirectory, ...). */
    app: Omit<ServiceUnitSettings, "serviceName" | "socketActivated" | "executable" | "port" | "user">;
}

export interface SlotUnitFile {
    /** The unit's file name, e.g. gin-app-slot-blue.service. */
    name: string;
    content: string;
}

export function validateSlotPorts(port: number, slotPorts: Readonly<Record<Slot, number>>): void {
    for (const slot of SLOTS) validatePort(`slotPorts.${slot}`, slotPorts?.[slot]);
    if (new Set([port, slotPorts.blue, slotPorts.green]).size !== 3) {
        throw new Error(
            `port ${port} and slotPorts ${slotPorts.blue}/${slotPorts.green} must all differ: each slot listens on its own loopback port ` +
                `(default port+1 and port+2)`,
        );
    }
}

/** The front proxy: the public socket's service. Never restarted by a release (only the link moves). */
export function renderFrontProxy(serviceName: string): string {
    const layout = releaseLayout(serviceName);
    return renderProxyService({
        description: `${serviceName} front proxy to the current slot`,
        socketUnit: layout.socketUnitName,
        target: layout.slotLink,
        why: `${serviceName}: forwards each connection to the current slot through ${layout.slotLink},\nwhich a release renames; the proxy resolves it per connection.`,
    });
}

/** Every unit besides the public socket and the front proxy, in a stable order. */
export function renderSlotUnits(s: SlotUnitSettings): SlotUnitFile[] {
    validateSlotPorts(s.port, s.slotPorts);
    const n = s.serviceName;
    return SLOTS.flatMap((slot) => {
        const l = slotLayout(n, slot);
        const port = s.slotPorts[slot];
        return [
            {
                name: l.bridgeSocketUnit,
                content: renderUnixSocket({ description: `${n} slot ${slot} entry`, path: l.socketPath, serviceUnit: l.bridgeServiceUnit }),
            },
            {
                name: l.bridgeServiceUnit,
                content: renderProxyService({
                    description: `${n} slot ${slot} bridge to 127.0.0.1:${port}`,
                    socketUnit: l.bridgeSocketUnit,
                    target: `127.0.0.1:${port}`,
                    why: `${n}: slot ${slot}'s bridge from its unix socket to the app's loopback port ${port}.`,
                }),
            },
            {
                name: l.appUnit,
                content: renderServiceUnit({
                    ...s.app,
                    serviceName: n,
                    description: s.app.description ?? `${n} slot ${slot} (Gin service deployed by gin-deploy)`,
                    socketActivated: false,
                    executable: l.binary,
                    port,
                    user: n.slice(0, 32),
                }),
            },
        ];
    });
}
