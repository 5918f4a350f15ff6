// The .socket unit that owns the app's port (zero-downtime releases). Pure: settings in, text out.
//
// systemd holds the listening socket; the service receives it (LISTEN_FDS) and serves on it.
// During a restart the old process drains and exits, and until the new one is ready the kernel
// keeps accepting connections into the socket's backlog, so no client is refused. Accept=no: one
// long-running process gets the listening socket (Accept=yes would start a process per connection).
// Bound to 0.0.0.0 so the app is reachable from outside the host (S2).

import { releaseLayout } from "../layout";
import { validatePort } from "../../rules/port";

export interface SocketUnitSettings {
    serviceName: string;
    port: number;
    /** Pending connections the kernel holds while no process accepts (during a restart). */
    backlog?: number;
}

export function renderSocketUnit(settings: SocketUnitSettings): string {
    const layout = releaseLayout(settings.serviceName);
    const { port } = settings;
    validatePort("port", port);
    const backlog = settings.backlog ?? 4096;
    if (!Number.isInteger(backlog) || backlog < 16 || backlog > 65535) {
        throw new Error(`backlog must be a whole number from 16 to 65535, got ${backlog}`);
    }
    return [
        "[Unit]",
        `Description=${settings.serviceName} listening socket (port ${port})`,
        "",
        "[Socket]",
        `ListenStream=0.0.0.0:${port}`,
        "Accept=no",
        `Backlog=${backlog}`,
        "NoDelay=yes",
        `Service=${layout.serviceUnitName}`,
        "",
        "[Install]",
        "WantedBy=sockets.target",
        "",
    ].join("\n");
}
