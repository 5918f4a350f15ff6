// target: aws — an EC2 instance this stack creates, its security group and key pair.
import { instanceArchitecture } from "../../components/aws/instanceArchitecture";
import { describeWorldOpen, isWholeInternet, worldOpenFamilies } from "../cidr";
import { CONFIG_NAMESPACE } from "../keys";
import type { ConfigReader } from "../reader";
import { setCommand, shown } from "../reader";
import type { AwsTargetConfig, Environment } from "../types";
import { parseSshAccess } from "./sshAccess";

export function parseAwsTarget(read: ConfigReader, environment: Environment, awsRegion: string | undefined): AwsTargetConfig {
    const access = parseSshAccess(read, "admin");
    const region = awsRegion ?? "";
    if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
        read.refuse(
            "aws:region",
            `${shown(region)} is not an AWS region; the aws target needs one. ` + `Fix: pulumi config set aws:region eu-central-1`,
        );
    }
    const instanceType = read.text("instanceType");
    const lookup = instanceArchitecture(instanceType);
    if (!lookup.ok) {
        read.refuse(
            "instanceType",
            `${shown(instanceType)}: ${lookup.reason}. ` +
                `Fix: ${setCommand("instanceType", "t4g.small")} (arm64) or ${setCommand("instanceType", "t3.small")} (amd64)`,
        );
    }
    const amiValue = read.text("amiId");
    if (amiValue !== "auto" && !/^ami-[0-9a-f]{8,17}$/.test(amiValue)) {
        read.refuse("amiId", `${shown(amiValue)} is not an AMI id (ami-<hex>). Fix: ${setCommand("amiId", "auto")}`);
    }
    // "auto" (the schema default, which the engine fills in for a stack that does not set the key):
    // dev opens appPort to the whole internet; prod says who may reach it.
    const appCidrsValue = read.cidrList("appCidrs", "0.0.0.0/0");
    const appCidrsAuto = appCidrsValue.length === 1 && appCidrsValue[0] === "auto";
    const appCidrs = appCidrsAuto ? (environment === "prod" ? [] : ["0.0.0.0/0", "::/0"]) : appCidrsValue;
    if (environment === "prod" && appCidrsAuto) {
        read.refuse(
            "appCidrs",
            `= ["auto"] (not set), and prod has no default (dev's is the whole internet, ["0.0.0.0/0","::/0"]): say who may reach appPort. ` +
                `Fix: pulumi config set --path '${CONFIG_NAMESPACE}:appCidrs[0]' <the clients' or load balancer's block>, ` +
                `or, for a public service, pulumi config set ${CONFIG_NAMESPACE}:appCidrs '["0.0.0.0/0","::/0"]'`,
        );
    }
    if (!appCidrsAuto && appCidrs.length === 0) {
        read.refuse(
            "appCidrs",
            `= [] lets nobody reach the app. Fix: pulumi config set --path '${CONFIG_NAMESPACE}:appCidrs[0]' 0.0.0.0/0`,
        );
    }
    const sshCidrs = read.cidrList("sshCidrs", "203.0.113.7/32");
    if (sshCidrs.length === 0) {
        read.refuse(
            "sshCidrs",
            `= "[]" lets nobody deploy over SSH: list the address of the machine running pulumi. ` +
                `Fix: pulumi config set --path '${CONFIG_NAMESPACE}:sshCidrs[0]' <your IP>/32`,
        );
    }
    if (environment === "prod") {
        const single = sshCidrs.filter(isWholeInternet);
        for (const [index, cidr] of sshCidrs.entries()) {
            if (isWholeInternet(cidr)) {
                read.refuse(
                    `sshCidrs[${index}]`,
                    `= ${JSON.stringify(cidr)} opens SSH to the whole internet, which prod refuses. ` +
                        `Fix: pulumi config set --path '${CONFIG_NAMESPACE}:sshCidrs[${index}]' <your IP>/32`,
                );
            }
        }
        // Blocks that are each smaller than /0 can still cover the whole internet together.
        const open = worldOpenFamilies(sshCidrs);
        if (single.length === 0 && open.length > 0) {
            read.refuse(
                "sshCidrs",
                `= ${JSON.stringify(sshCidrs)} together cover ${describeWorldOpen(open)}, the whole internet, which prod refuses for SSH. ` +
                    `Fix: pulumi config set ${CONFIG_NAMESPACE}:sshCidrs '["<your IP>/32"]'`,
            );
        }
    }
    const sshPublicKey = read.text("sshPublicKey").trim();
    if (!/^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+={0,3}( \S.*)?$/.test(sshPublicKey)) {
        read.refuse(
            "sshPublicKey",
            `${shown(sshPublicKey)} is not an OpenSSH public key; the aws target ` +
                `needs the public half of gin-deploy:sshPrivateKey. Fix: pulumi config set ${CONFIG_NAMESPACE}:sshPublicKey ` +
                `"$(cat ~/.ssh/id_ed25519.pub)"`,
        );
    }
    return {
        kind: "aws",
        ...access,
        region,
        instanceType,
        arch: lookup.ok ? lookup.architecture : "amd64",
        amiId: amiValue === "auto" ? undefined : amiValue,
        appCidrs,
        sshCidrs,
        sshPublicKey,
    };
}
