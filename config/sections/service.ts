// What every stack sets about the service itself: where it runs, how, and on which port.
import { defaultSlotPorts } from "../../components/layout/containerLayout";
import type { ConfigReader } from "../reader";
import { setCommand } from "../reader";
import type { DeployMode, DeployTarget } from "../types";

const TARGETS: readonly DeployTarget[] = ["aws", "ssh"];
const MODES: readonly DeployMode[] = ["systemd", "container"];

export interface ServiceSection {
    target: DeployTarget;
    mode: DeployMode;
    appPort: number;
}

export function parseService(read: ConfigReader): ServiceSection {
    const target = read.oneOf("target", TARGETS, "aws");
    const mode = read.oneOf("mode", MODES, "systemd");
    const appPort = read.port("appPort");
    const sshPort = read.port("sshPort");
    if (appPort === sshPort) {
        read.refuse("appPort", `= ${appPort} is also the SSH port (gin-deploy:sshPort): the service would take SSH's place ` +
            `or fail to bind. Fix: ${setCommand("appPort", sshPort === 8080 ? 8081 : 8080)}`);
    } else if (mode === "container") {
        // Container mode's two release slots listen on the host's loopback next to the app port.
        const slots = defaultSlotPorts(appPort);
        for (const slotPort of [slots.blue, slots.green]) {
            if (slotPort === sshPort || slotPort > 65535) {
                read.refuse("appPort", `= ${appPort}: container mode also uses ${slots.blue} and ${slots.green} for its two ` +
                    `release slots, and ${slotPort} ${slotPort > 65535 ? "is not a port" : "is the SSH port"}. ` +
                    `Fix: ${setCommand("appPort", 8080)}`);
            }
        }
    }
    return { target, mode, appPort };
}
