// What every stack sets about the service itself: where it runs, how, and on which port.
import { defaultSlotPorts } from "../../components/container/layout";
import { PINNED_IMAGE } from "../../components/rules/digest";
import { isPort } from "../../components/rules/port";
import type { ConfigReader } from "../reader";
import { setCommand, shown } from "../reader";
import type { DeployMode, DeployTarget, Environment } from "../types";

const TARGETS: readonly DeployTarget[] = ["aws", "ssh", "kubernetes"];
const IMAGE_BY_TAG = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const MODES: readonly DeployMode[] = ["systemd", "container"];

export interface ServiceSection {
    target: DeployTarget;
    mode: DeployMode;
    appPort: number;
    image: string | undefined;
    reachabilityCheck: boolean;
}

export function parseService(read: ConfigReader, environment: Environment): ServiceSection {
    const target = read.oneOf("target", TARGETS, "aws");
    const modeValue = read.oneOf("mode", ["auto", ...MODES], "auto");
    // The engine hands every stack the schema's default, so "auto" (not an unset key) is what
    // lets the kubernetes target tell a mode someone chose from one nobody did.
    let mode: DeployMode = modeValue === "auto" ? (target === "kubernetes" ? "container" : "systemd") : modeValue;
    if (target === "kubernetes" && mode !== "container") {
        read.refuse("mode", `= "${mode}" cannot run on the kubernetes target: pods run images. Fix: pulumi config rm gin-deploy:mode`);
        mode = "container";
    }
    const appPort = read.port("appPort");
    const image = parseImage(read, environment, target, mode);
    const reachabilityCheck = read.bool("reachabilityCheck");
    if (target === "kubernetes") {
        return { target, mode, appPort, image, reachabilityCheck };
    }
    const sshPort = read.port("sshPort");
    if (appPort === sshPort) {
        read.refuse(
            "appPort",
            `= ${appPort} is also the SSH port (gin-deploy:sshPort): the service would take SSH's place ` +
                `or fail to bind. Fix: ${setCommand("appPort", sshPort === 8080 ? 8081 : 8080)}`,
        );
    } else if (mode === "container") {
        // Container mode's two release slots listen on the host's loopback next to the app port.
        const slots = defaultSlotPorts(appPort);
        for (const slotPort of [slots.blue, slots.green]) {
            if (slotPort === sshPort || !isPort(slotPort)) {
                read.refuse(
                    "appPort",
                    `= ${appPort}: container mode also uses ${slots.blue} and ${slots.green} for its two ` +
                        `release slots, and ${slotPort} ${isPort(slotPort) ? "is the SSH port" : "is not a port"}. ` +
                        `Fix: ${setCommand("appPort", 8080)}`,
                );
            }
        }
    }
    return { target, mode, appPort, image, reachabilityCheck };
}

function parseImage(read: ConfigReader, environment: Environment, target: DeployTarget, mode: DeployMode): string | undefined {
    const image = read.text("image");
    if (image === "") {
        return undefined;
    }
    if (mode !== "container") {
        read.refuse(
            "image",
            `${shown(image)} is set, but mode systemd ships a binary, not an image. Fix: pulumi config rm gin-deploy:image ` +
                `(or ${setCommand("mode", "container")})`,
        );
        return undefined;
    }
    // Hosts run images by digest always; a dev cluster may take a tag (never latest).
    const tagAllowed = target === "kubernetes" && environment === "dev";
    if (PINNED_IMAGE.test(image) || (tagAllowed && IMAGE_BY_TAG.test(image) && !image.endsWith(":latest"))) {
        return image;
    }
    read.refuse(
        "image",
        `${shown(image)} is not an image pinned by digest (REPOSITORY@sha256:<64 hex>)` +
            `${tagAllowed ? " or by a tag other than latest" : environment === "prod" ? ", which prod requires" : ", which a host needs"}. ` +
            `Fix: ${setCommand("image", "registry.example/gin-app@sha256:<digest>")}`,
    );
    return undefined;
}
