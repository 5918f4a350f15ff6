// gindeploy:aws:AppHost — one EC2 instance for the service: a security group that opens the app
// port to the app CIDRs and SSH only to the SSH CIDRs (S3), a key pair, and an instance whose AMI
// follows the instance type's architecture (a Graviton type gets an arm64 image, and the stack
// builds an arm64 binary for it, S5). IMDSv2 is required and the root volume is encrypted gp3.
// The instance's SSH host key is made by the stack (SshHostKeyPair) and installed by cloud-init,
// so every connection, the first one included, verifies the host: `connection.hostKey`.

import * as aws from "@pulumi/aws";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";

import { renderHostUserData } from "./renderers/hostUserData";
import { asRoot } from "../shared/renderers/asRoot";
import type { CpuArchitecture } from "../build/cpuArchitecture";
import { amiArchitecture, instanceArchitecture } from "./instanceArchitecture";
import { SshHostKeyPair } from "./sshHostKeyPair";

/** The publisher of the official Debian images on AWS. */
export const DEBIAN_AMI_OWNER = "136693071363";

export interface AppHostArgs {
    instanceType: pulumi.Input<string>;
    appPort: pulumi.Input<number>;
    /** Default 22. */
    sshPort?: pulumi.Input<number>;
    /** Who may reach the app port (IPv4 and IPv6 blocks). */
    appCidrs: pulumi.Input<string[]>;
    /** Who may reach SSH; an empty list opens no SSH at all. */
    sshCidrs: pulumi.Input<string[]>;
    /** "admin" on the Debian images. */
    sshUser: pulumi.Input<string>;
    sshPublicKey: pulumi.Input<string>;
    /** Kept secret in the connection output. */
    sshPrivateKey: pulumi.Input<string>;
    /**
     * First-boot setup for cloud-init: a #cloud-config (JSON or YAML) or a #! script. The host key's
     * cloud-config is added to it; the whole user data is kept as a secret (it holds that key).
     */
    userData?: pulumi.Input<string>;
    tags?: pulumi.Input<Record<string, string>>;
    // Fields beyond docs/architecture.md, all optional:
    /** A pinned AMI (it must match the instance type's architecture); default the newest Debian 12 image for it. */
    ami?: pulumi.Input<string>;
    /** Replace the instance when userData changes (instead of a stop/start); default false. */
    userDataReplaceOnChange?: pulumi.Input<boolean>;
    /** Root volume size in GiB; default 16 (room for container images). */
    rootVolumeSizeGiB?: pulumi.Input<number>;
    /** An existing IAM instance profile name; default none (see managedPolicyArns and inlinePolicies). */
    iamInstanceProfile?: pulumi.Input<string>;
    /**
     * Managed policies for an instance role this component creates with its instance profile;
     * default none. Prefer inlinePolicies scoped to what the host needs: AWS's managed policies
     * usually grant on every resource of the account.
     */
    managedPolicyArns?: string[];
    /**
     * Inline policies (name, IAM policy document as JSON) of that instance role, e.g. the pull of
     * one ECR repository in container mode (renderEcrPullPolicy); default none. The instance
     * profile is made only after every policy is in place, so first-boot setup has its rights.
     * With neither managedPolicyArns nor inlinePolicies, no role is made.
     */
    inlinePolicies?: AppHostInlinePolicy[];
    /** Subnet and VPC; default the account's default VPC. */
    subnetId?: pulumi.Input<string>;
    vpcId?: pulumi.Input<string>;
}

export interface AppHostInlinePolicy {
    /** Names the role policy resource (`<name>-<policy name>`): letters, digits and + = , . @ _ -. */
    name: string;
    /** An IAM policy document, as JSON. */
    policy: pulumi.Input<string>;
}

const INLINE_POLICY_NAME = /^[A-Za-z0-9+=,.@_-]{1,64}$/;

/** Splits CIDR blocks into the IPv4 and IPv6 lists a security group rule takes. */
export function splitCidrs(cidrs: string[]): { cidrBlocks: string[]; ipv6CidrBlocks: string[] } {
    return {
        cidrBlocks: cidrs.filter((c) => !c.includes(":")),
        ipv6CidrBlocks: cidrs.filter((c) => c.includes(":")),
    };
}

function architectureOf(instanceType: string): CpuArchitecture {
    const lookup = instanceArchitecture(instanceType);
    if (!lookup.ok) {
        throw new Error(`AppHost: instanceType ${lookup.reason}`);
    }
    return lookup.architecture;
}

export class AppHost extends pulumi.ComponentResource {
    readonly instanceId: pulumi.Output<string>;
    readonly publicIp: pulumi.Output<string>;
    readonly publicDns: pulumi.Output<string>;
    /** http://<public DNS name or IP>:<app port> */
    readonly appUrl: pulumi.Output<string>;
    readonly arch: pulumi.Output<CpuArchitecture>;
    /** For the deploy components; privateKey is a secret, the rest stays readable in diffs. hostKey pins the host. */
    readonly connection: command.types.input.remote.ConnectionArgs;
    /** The instance's SSH host key, "ssh-ed25519 AAAA..." (for known_hosts: `<publicIp> <hostKey>`). */
    readonly hostKey: pulumi.Output<string>;
    readonly securityGroupId: pulumi.Output<string>;

    constructor(name: string, args: AppHostArgs, opts?: pulumi.ComponentResourceOptions) {
        super("gindeploy:aws:AppHost", name, {}, opts);
        const sshPort = args.sshPort ?? 22;

        // A known instance type is checked now, so a bad one stops the program before any resource.
        this.arch =
            typeof args.instanceType === "string"
                ? pulumi.output(architectureOf(args.instanceType))
                : pulumi.output(args.instanceType).apply(architectureOf);

        const ami =
            args.ami !== undefined
                ? pulumi.output(args.ami)
                : aws.ec2.getAmiOutput(
                      {
                          mostRecent: true,
                          owners: [DEBIAN_AMI_OWNER],
                          filters: this.arch.apply((arch) => [
                              { name: "name", values: [`debian-12-${arch}-*`] },
                              { name: "architecture", values: [amiArchitecture(arch)] },
                              { name: "virtualization-type", values: ["hvm"] },
                              { name: "root-device-type", values: ["ebs"] },
                          ]),
                      },
                      { parent: this },
                  ).id;

        const ingress = pulumi.all([args.appPort, sshPort, args.appCidrs, args.sshCidrs]).apply(([appPort, port, appCidrs, sshCidrs]) => {
            const rules: aws.types.input.ec2.SecurityGroupIngress[] = [
                {
                    description: "app",
                    protocol: "tcp",
                    fromPort: appPort,
                    toPort: appPort,
                    ...splitCidrs(appCidrs),
                },
            ];
            if (sshCidrs.length > 0) {
                rules.push({
                    description: "ssh",
                    protocol: "tcp",
                    fromPort: port,
                    toPort: port,
                    ...splitCidrs(sshCidrs),
                });
            }
            return rules;
        });

        const securityGroup = new aws.ec2.SecurityGroup(
            `${name}-sg`,
            {
                description: `gin-deploy ${name}: app port to the app CIDRs, SSH to the SSH CIDRs only`,
                vpcId: args.vpcId,
                ingress,
                // Outbound: package mirrors, the image registry, the database.
                egress: [
                    {
                        description: "all outbound",
                        protocol: "-1",
                        fromPort: 0,
                        toPort: 0,
                        cidrBlocks: ["0.0.0.0/0"],
                        ipv6CidrBlocks: ["::/0"],
                    },
                ],
                tags: args.tags,
            },
            { parent: this },
        );

        const keyPair = new aws.ec2.KeyPair(
            `${name}-key`,
            {
                publicKey: args.sshPublicKey,
                tags: args.tags,
            },
            { parent: this },
        );

        let instanceProfile: pulumi.Input<string> | undefined = args.iamInstanceProfile;
        const managedPolicyArns = args.managedPolicyArns ?? [];
        const inlinePolicies = args.inlinePolicies ?? [];
        for (const p of inlinePolicies) {
            if (!INLINE_POLICY_NAME.test(p.name)) {
                throw new Error(`AppHost: inline policy name "${p.name}" must be 1-64 of letters, digits and + = , . @ _ -`);
            }
        }
        if (managedPolicyArns.length > 0 || inlinePolicies.length > 0) {
            if (args.iamInstanceProfile !== undefined) {
                throw new Error("AppHost: give either iamInstanceProfile or managedPolicyArns/inlinePolicies, not both");
            }
            const role = new aws.iam.Role(
                `${name}-role`,
                {
                    assumeRolePolicy: JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
                    }),
                    tags: args.tags,
                },
                { parent: this },
            );
            const grants: pulumi.Resource[] = [
                ...managedPolicyArns.map(
                    (policyArn, i) =>
                        new aws.iam.RolePolicyAttachment(
                            `${name}-policy-${i}`,
                            {
                                role: role.name,
                                policyArn,
                            },
                            { parent: this },
                        ),
                ),
                ...inlinePolicies.map(
                    (p) => new aws.iam.RolePolicy(`${name}-${p.name}`, { role: role.name, policy: p.policy }, { parent: this }),
                ),
            ];
            // The instance boots with the profile, and its first-boot setup may use the rights
            // (container mode logs in to ECR there): the profile comes after every grant.
            instanceProfile = new aws.iam.InstanceProfile(
                `${name}-profile`,
                { role: role.name, tags: args.tags },
                { parent: this, dependsOn: grants },
            ).name;
        }

        const hostKey = new SshHostKeyPair(`${name}-host-key`, { parent: this });
        const userData = pulumi.secret(
            pulumi
                .all([hostKey.privateKey, hostKey.publicKey, args.userData])
                .apply(([privateKey, publicKey, extra]) => renderHostUserData({ privateKey, publicKey }, extra)),
        );

        const instance = new aws.ec2.Instance(
            `${name}-instance`,
            {
                ami,
                instanceType: args.instanceType,
                keyName: keyPair.keyName,
                vpcSecurityGroupIds: [securityGroup.id],
                subnetId: args.subnetId,
                associatePublicIpAddress: true,
                iamInstanceProfile: instanceProfile,
                metadataOptions: {
                    httpEndpoint: "enabled",
                    httpTokens: "required", // IMDSv2 only
                    httpPutResponseHopLimit: 1,
                },
                rootBlockDevice: {
                    volumeType: "gp3",
                    volumeSize: args.rootVolumeSizeGiB ?? 16,
                    encrypted: true,
                    deleteOnTermination: true,
                },
                userData,
                userDataReplaceOnChange: args.userDataReplaceOnChange,
                tags: pulumi.output(args.tags ?? {}).apply((tags) => ({ ...tags, Name: name })),
            },
            { parent: this },
        );

        this.instanceId = instance.id;
        this.publicIp = instance.publicIp;
        this.publicDns = instance.publicDns;
        this.securityGroupId = securityGroup.id;
        this.hostKey = hostKey.publicKey;
        this.appUrl = pulumi
            .all([instance.publicDns, instance.publicIp, args.appPort])
            .apply(([dns, ip, port]) => `http://${dns || ip}:${port}`);
        const bootConnection = {
            host: instance.publicIp,
            port: sshPort,
            user: args.sshUser,
            privateKey: pulumi.secret(args.sshPrivateKey),
            hostKey: hostKey.publicKey,
            // A fresh instance takes a while to boot and start sshd; the dial has no backoff.
            dialErrorLimit: 60,
            perDialTimeout: 15,
        };
        // Deploy steps must not start before first-boot provisioning (user data) is done: wait for
        // cloud-init, and show its log's tail when it failed.
        const booted = new command.remote.Command(
            `${name}-boot`,
            {
                connection: bootConnection,
                create:
                    "command -v cloud-init >/dev/null || exit 0; " +
                    "cloud-init status --wait >/dev/null || { echo 'cloud-init failed on the new instance:' >&2; " +
                    `${asRoot("tail -n 50 /var/log/cloud-init-output.log")} >&2; exit 1; }`,
                // The caller's user data in plain text beside the instance's id: the instance holds
                // it only inside the secret user data (with the host key), so this is where a
                // reviewer reads a first-boot change, as a line diff. A secret userData stays secret.
                triggers: [instance.id, ...(args.userData !== undefined ? [args.userData] : [])],
                addPreviousOutputInEnv: false,
            },
            { parent: this },
        );
        // The host is known only once the boot step is done, so every command using this
        // connection waits for it.
        this.connection = {
            ...bootConnection,
            host: pulumi.all([instance.publicIp, booted.id]).apply(([ip]) => ip),
        };

        this.registerOutputs({
            instanceId: this.instanceId,
            publicIp: this.publicIp,
            publicDns: this.publicDns,
            appUrl: this.appUrl,
            arch: this.arch,
            securityGroupId: this.securityGroupId,
            hostKey: this.hostKey,
        });
    }
}
