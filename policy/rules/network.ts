// Security groups (S3): the app port must be open (else the service is unreachable however well
// it deploys), and SSH never to the whole internet, in any of the three ways the AWS provider
// writes an ingress rule. "The whole internet" is judged by coverage (components/rules/cidr.ts,
// the rule config/ applies to sshCidrs): 0.0.0.0/0, ::/0, or blocks that together cover all of
// IPv4 or IPv6 (0.0.0.0/1 + 128.0.0.0/1), summed over the SSH rules of one resource.
import { ResourceValidationPolicy } from "@pulumi/policy";

import { describeWorldOpen, worldOpenFamilies } from "../../components/rules/cidr";
import { PORT_MAX, PORT_MIN } from "../../components/rules/port";
import { gatedResourcePolicy } from "../gatedPolicy";
import { Props } from "../resourceProps";

const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
const SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const VPC_INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";

/** One ingress rule, whichever resource wrote it. */
interface Ingress {
    protocol: string;
    fromPort: number;
    toPort: number;
    cidrs: string[];
    description: string;
}

function coversTcpPort(rule: Ingress, port: number): boolean {
    const protocol = String(rule.protocol).toLowerCase();
    if (protocol === "-1" || protocol === "all") {
        return true;
    }
    return (protocol === "tcp" || protocol === "6") && rule.fromPort <= port && port <= rule.toPort;
}

function inlineIngress(props: Props): Ingress[] {
    const rules: Props[] = Array.isArray(props.ingress) ? props.ingress : [];
    return rules.map((r) => ({
        protocol: String(r.protocol ?? ""),
        fromPort: Number(r.fromPort ?? 0),
        toPort: Number(r.toPort ?? 0),
        cidrs: [...(r.cidrBlocks ?? []), ...(r.ipv6CidrBlocks ?? [])],
        description: String(r.description ?? ""),
    }));
}

/** The ingress rules a resource of `type` opens (none for other types). */
export function ingressOf(type: string, props: Props): Ingress[] {
    switch (type) {
        case SECURITY_GROUP:
            return inlineIngress(props);
        case SECURITY_GROUP_RULE:
            return props.type === "ingress"
                ? [
                      {
                          protocol: String(props.protocol ?? ""),
                          fromPort: Number(props.fromPort ?? 0),
                          toPort: Number(props.toPort ?? 0),
                          cidrs: [...(props.cidrBlocks ?? []), ...(props.ipv6CidrBlocks ?? [])],
                          description: String(props.description ?? ""),
                      },
                  ]
                : [];
        case VPC_INGRESS_RULE:
            return [
                {
                    protocol: String(props.ipProtocol ?? ""),
                    fromPort: Number(props.fromPort ?? 0),
                    toPort: Number(props.toPort ?? props.fromPort ?? 0),
                    cidrs: [props.cidrIpv4, props.cidrIpv6].filter((c): c is string => typeof c === "string"),
                    description: String(props.description ?? ""),
                },
            ];
        default:
            return [];
    }
}

interface SshConfig {
    sshPorts?: number[];
}

export const noPublicSsh: ResourceValidationPolicy = gatedResourcePolicy<SshConfig>({
    name: "security-group-no-public-ssh",
    description:
        "A security group must not open SSH to the whole internet: 0.0.0.0/0, ::/0, or blocks that together cover all of IPv4 or IPv6.",
    config: {
        sshPorts: {
            type: "array",
            items: { type: "integer" },
            default: [22],
            description: 'the SSH ports (gin-deploy:sshPort); a rule described "ssh" counts too',
        },
    },
    validate: (args, report, config) => {
        const sshPorts = config.sshPorts ?? [22];
        const fix = "Fix: pulumi config set --path 'gin-deploy:sshCidrs[0]' <your IP>/32";
        const sshRules = ingressOf(args.type, args.props).filter(
            (rule) => rule.description.toLowerCase() === "ssh" || sshPorts.some((p) => coversTcpPort(rule, p)),
        );
        let reported = false;
        for (const rule of sshRules) {
            const open = rule.cidrs.filter((c) => worldOpenFamilies([c]).length > 0);
            if (open.length > 0) {
                reported = true;
                report(
                    `${args.name}: ingress ${rule.protocol} ${rule.fromPort}-${rule.toPort}` +
                        `${rule.description ? ` ("${rule.description}")` : ""} opens SSH to ${open.join(" and ")}, the whole internet. ${fix}`,
                );
            }
        }
        // No single block is the world, but the blocks of the SSH rules may cover it together.
        const all = sshRules.flatMap((rule) => rule.cidrs);
        const families = worldOpenFamilies(all);
        if (!reported && families.length > 0) {
            report(
                `${args.name}: the SSH ingress blocks ${all.join(", ")} together cover ${describeWorldOpen(families)}, ` +
                    `the whole internet. ${fix}`,
            );
        }
    },
});

interface AppPortConfig {
    appPort?: number;
}

export const opensAppPort: ResourceValidationPolicy = gatedResourcePolicy<AppPortConfig>({
    name: "security-group-opens-app-port",
    description: "The app's security group must open the app port (TCP) to at least one CIDR.",
    config: {
        appPort: { type: "integer", minimum: PORT_MIN, maximum: PORT_MAX, default: 8080, description: "gin-deploy:appPort" },
    },
    validate: (args, report, config) => {
        if (args.type !== SECURITY_GROUP) {
            args.notApplicable(`only ${SECURITY_GROUP}`);
        }
        const appPort = config.appPort ?? 8080;
        const rules = inlineIngress(args.props);
        if (!rules.some((r) => coversTcpPort(r, appPort) && r.cidrs.length > 0)) {
            report(
                `${args.name}: no ingress rule opens TCP port ${appPort} (the app port), so the service cannot be reached. ` +
                    "Fix: give AppHost appCidrs (gin-deploy:appCidrs), or set this policy's appPort to the stack's gin-deploy:appPort",
            );
        }
    },
});
