// AppHost under mocks: the security group rules, the architecture-matched AMI, IMDSv2, encryption,
// and the private key staying secret.
import { onlyResourceOfType, recorded, settle, useStack, valueOf } from "../support/pulumiMocks";

import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";

import { AppHost, AppHostArgs } from "../../components";
import { DEBIAN_AMI_OWNER } from "../../components/aws/appHost";

const PRIVATE_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nunit\n-----END OPENSSH PRIVATE KEY-----\n";

function hostArgs(overrides: Partial<AppHostArgs> = {}): AppHostArgs {
    return {
        instanceType: "t4g.small",
        appPort: 8080,
        appCidrs: ["0.0.0.0/0", "::/0"],
        sshCidrs: ["198.51.100.7/32"],
        sshUser: "admin",
        sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl",
        sshPrivateKey: pulumi.secret(PRIVATE_KEY),
        tags: { project: "gin-deploy" },
        ...overrides,
    };
}

async function created(args: AppHostArgs): Promise<AppHost> {
    const host = new AppHost("web", args);
    await valueOf(host.appUrl);
    await settle();
    return host;
}

describe("AppHost (gindeploy:aws:AppHost)", () => {
    beforeEach(() => useStack("dev"));

    it("looks up an arm64 Debian 12 image for a Graviton type and reports arm64", async () => {
        const host = await created(hostArgs({ instanceType: "t4g.small" }));
        const lookup = recorded.calls.find((c) => c.token === "aws:ec2/getAmi:getAmi");
        assert.ok(lookup, "no AMI lookup");
        assert.deepStrictEqual(lookup.inputs.owners, [DEBIAN_AMI_OWNER]);
        assert.deepStrictEqual(lookup.inputs.filters.find((f: { name: string }) => f.name === "architecture").values, ["arm64"]);
        assert.deepStrictEqual(lookup.inputs.filters.find((f: { name: string }) => f.name === "name").values, ["debian-12-arm64-*"]);
        assert.strictEqual(await valueOf(host.arch), "arm64");
        assert.strictEqual(onlyResourceOfType("aws:ec2/instance:Instance").inputs.ami, "ami-0debian12a");
    });

    it("looks up an x86_64 image for an Intel/AMD type", async () => {
        const host = await created(hostArgs({ instanceType: "t3.small" }));
        const lookup = recorded.calls.find((c) => c.token === "aws:ec2/getAmi:getAmi");
        assert.deepStrictEqual(lookup?.inputs.filters.find((f: { name: string }) => f.name === "architecture").values, ["x86_64"]);
        assert.strictEqual(await valueOf(host.arch), "amd64");
    });

    it("uses a pinned AMI without a lookup", async () => {
        await created(hostArgs({ ami: "ami-0123456789abcdef0" }));
        assert.ok(!recorded.calls.some((c) => c.token === "aws:ec2/getAmi:getAmi"));
        assert.strictEqual(onlyResourceOfType("aws:ec2/instance:Instance").inputs.ami, "ami-0123456789abcdef0");
    });

    it("opens the app port to the app CIDRs and SSH only to the SSH CIDRs, in separate rules", async () => {
        await created(hostArgs());
        const ingress: any[] = onlyResourceOfType("aws:ec2/securityGroup:SecurityGroup").inputs.ingress;
        assert.deepStrictEqual(
            ingress.map((r) => ({ ...r })),
            [
                { description: "app", protocol: "tcp", fromPort: 8080, toPort: 8080, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] },
                { description: "ssh", protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["198.51.100.7/32"], ipv6CidrBlocks: [] },
            ],
        );
    });

    it("opens no SSH at all when no SSH CIDR is given", async () => {
        await created(hostArgs({ sshCidrs: [] }));
        const ingress: any[] = onlyResourceOfType("aws:ec2/securityGroup:SecurityGroup").inputs.ingress;
        assert.deepStrictEqual(
            ingress.map((r) => r.description),
            ["app"],
        );
    });

    it("lets the instance reach out (packages, registry, database)", async () => {
        await created(hostArgs());
        const egress: any[] = onlyResourceOfType("aws:ec2/securityGroup:SecurityGroup").inputs.egress;
        assert.deepStrictEqual(
            egress.map((r) => [r.protocol, r.cidrBlocks, r.ipv6CidrBlocks]),
            [["-1", ["0.0.0.0/0"], ["::/0"]]],
        );
    });

    it("requires IMDSv2 tokens and encrypts a gp3 root volume", async () => {
        await created(hostArgs());
        const instance = onlyResourceOfType("aws:ec2/instance:Instance").inputs;
        assert.strictEqual(instance.metadataOptions.httpTokens, "required");
        assert.strictEqual(instance.metadataOptions.httpPutResponseHopLimit, 1);
        assert.strictEqual(instance.rootBlockDevice.encrypted, true);
        assert.strictEqual(instance.rootBlockDevice.volumeType, "gp3");
    });

    it("wires the key pair, the security group, user data and tags into the instance", async () => {
        await created(hostArgs({ userData: '#cloud-config\n{"runcmd": [["true"]]}\n', iamInstanceProfile: "ecr-pull" }));
        const instance = onlyResourceOfType("aws:ec2/instance:Instance");
        const keyPair = onlyResourceOfType("aws:ec2/keyPair:KeyPair");
        assert.strictEqual(instance.name, "web-instance");
        assert.strictEqual(onlyResourceOfType("aws:ec2/securityGroup:SecurityGroup").name, "web-sg");
        assert.strictEqual(keyPair.inputs.publicKey, hostArgs().sshPublicKey);
        assert.strictEqual(instance.inputs.keyName, "web-key-generated");
        assert.deepStrictEqual(instance.inputs.vpcSecurityGroupIds, ["web-sg-id"]);
        assert.deepStrictEqual(JSON.parse(instance.inputs.userData.replace(/^#cloud-config\n/, "")).runcmd, [["true"]]);
        assert.deepStrictEqual(instance.inputs.tags, { project: "gin-deploy", Name: "web" });
        assert.strictEqual(instance.inputs.instanceType, "t4g.small");
        assert.strictEqual(instance.inputs.iamInstanceProfile, "ecr-pull");
    });

    it("outputs the app URL, addresses and an SSH connection whose private key stays secret", async () => {
        const host = await created(hostArgs({ sshPrivateKey: PRIVATE_KEY }));
        assert.strictEqual(await valueOf(host.appUrl), "http://ec2-203-0-113-10.eu-central-1.compute.amazonaws.com:8080");
        assert.strictEqual(await valueOf(host.publicIp), "203.0.113.10");
        assert.strictEqual(await valueOf(host.instanceId), "web-instance-id");
        const connection = host.connection;
        assert.strictEqual(await valueOf(connection.host), "203.0.113.10");
        assert.strictEqual(await valueOf(connection.user!), "admin");
        assert.strictEqual(await valueOf(connection.port!), 22);
        assert.strictEqual(await pulumi.isSecret(pulumi.output(connection.privateKey!)), true, "a plain private key must come out secret");
        assert.strictEqual(await pulumi.isSecret(pulumi.output(connection.host)), false);
    });

    it("pins the host: every connection's hostKey is the key cloud-init installs, whose private half stays secret", async () => {
        const host = await created(hostArgs());
        const instance = onlyResourceOfType("aws:ec2/instance:Instance");
        const hostKey = await valueOf(host.hostKey);
        assert.match(hostKey, /^ssh-ed25519 AAAA[A-Za-z0-9+/]+=*$/);
        assert.strictEqual(await valueOf(host.connection.hostKey!), hostKey);
        assert.strictEqual(await pulumi.isSecret(pulumi.output(host.connection.hostKey!)), false, "the public key need not hide the diff");
        const cloudConfig = JSON.parse(instance.inputs.userData.replace(/^#cloud-config\n/, ""));
        assert.strictEqual(cloudConfig.ssh_keys.ed25519_public, hostKey);
        assert.match(cloudConfig.ssh_keys.ed25519_private, /^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
        assert.deepStrictEqual(cloudConfig.ssh_genkeytypes, []);
        assert.ok(
            instance.secretPaths.includes("userData"),
            `userData (it holds the host's private key) is not secret: ${instance.secretPaths}`,
        );
        const boot = recorded.resources.find((r) => r.type === "command:remote:Command" && r.name === "web-boot");
        assert.strictEqual(boot?.inputs.connection.hostKey, hostKey, "the boot wait does not verify the host key");
    });

    it("refuses an instance type whose architecture is unknown, at construction", () => {
        assert.throws(
            () => new AppHost("odd", hostArgs({ instanceType: "zz9.large" })),
            /AppHost: instanceType the CPU architecture of instance family "zz9" is unknown/,
        );
        assert.ok(!recorded.resources.some((r) => r.type === "aws:ec2/instance:Instance"));
    });

    it("waits for cloud-init on the new instance before any deploy step can use the connection", async () => {
        const host = await created(hostArgs());
        const boot = recorded.resources.find((r) => r.type === "command:remote:Command" && r.name === "web-boot");
        assert.ok(boot, "no boot step");
        assert.match(boot.inputs.create, /cloud-init status --wait/);
        assert.match(boot.inputs.create, /tail -n 50 \/var\/log\/cloud-init-output\.log/);
        assert.deepStrictEqual(boot.inputs.triggers, ["web-instance-id"]);
        assert.ok(boot.secretPaths.some((p) => p === "connection" || p === "connection.privateKey"));
        assert.strictEqual(await valueOf(host.connection.host), "203.0.113.10");
    });

    it("creates an instance role with the given managed policies, and its profile", async () => {
        const policy = "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly";
        await created(hostArgs({ managedPolicyArns: [policy] }));
        const role = onlyResourceOfType("aws:iam/role:Role");
        assert.deepStrictEqual(JSON.parse(role.inputs.assumeRolePolicy).Statement[0].Principal, { Service: "ec2.amazonaws.com" });
        const attachment = onlyResourceOfType("aws:iam/rolePolicyAttachment:RolePolicyAttachment");
        assert.deepStrictEqual([attachment.inputs.role, attachment.inputs.policyArn], ["web-role-generated", policy]);
        assert.strictEqual(onlyResourceOfType("aws:iam/instanceProfile:InstanceProfile").inputs.role, "web-role-generated");
        assert.strictEqual(onlyResourceOfType("aws:ec2/instance:Instance").inputs.iamInstanceProfile, "web-profile-generated");
    });

    it("creates an instance role with the given inline policies, the profile only after them", async () => {
        const policy = JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k" }],
        });
        await created(hostArgs({ inlinePolicies: [{ name: "read-config", policy: pulumi.output(policy) }] }));
        const inline = onlyResourceOfType("aws:iam/rolePolicy:RolePolicy");
        assert.strictEqual(inline.name, "web-read-config");
        assert.deepStrictEqual([inline.inputs.role, inline.inputs.policy], ["web-role-generated", policy]);
        assert.deepStrictEqual(
            recorded.resources.filter((r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment"),
            [],
        );
        const profile = onlyResourceOfType("aws:iam/instanceProfile:InstanceProfile");
        assert.ok(
            profile.dependencies.includes(
                "urn:pulumi:dev::gin-deploy::gindeploy:aws:AppHost$aws:iam/rolePolicy:RolePolicy::web-read-config",
            ),
            `the instance profile does not wait for the role's policy: ${profile.dependencies}`,
        );
        assert.strictEqual(onlyResourceOfType("aws:ec2/instance:Instance").inputs.iamInstanceProfile, "web-profile-generated");
    });

    it("refuses an inline policy name that cannot name a resource, and a profile given beside policies", () => {
        assert.throws(
            () => new AppHost("web", hostArgs({ inlinePolicies: [{ name: "ecr pull", policy: "{}" }] })),
            /inline policy name "ecr pull"/,
        );
        assert.throws(
            () => new AppHost("web", hostArgs({ iamInstanceProfile: "p", inlinePolicies: [{ name: "x", policy: "{}" }] })),
            /either iamInstanceProfile or managedPolicyArns\/inlinePolicies/,
        );
    });

    it("creates no role without managed policies", async () => {
        await created(hostArgs());
        assert.deepStrictEqual(
            recorded.resources.filter((r) => r.type.startsWith("aws:iam/")),
            [],
        );
    });
});
