// Each rule of the pack with a passing and a failing resource, and the message it gives; the
// failing one is mandatory on a prod stack and advisory on a dev stack.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

import { ConfigError, parseConfig } from "../../config";
import { policies } from "../../policy/policies";
import { of, PolicyResult, ResourceUnderTest, runResourcePolicies } from "./harness";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const INSTANCE = "aws:ec2/instance:Instance";
const DIGEST_REF = `123456789012.dkr.ecr.eu-central-1.amazonaws.com/gin-app@sha256:${"ab".repeat(32)}`;

function run(resource: ResourceUnderTest, config = {}): Promise<PolicyResult> {
    return runResourcePolicies(policies, resource, config);
}

/** Exactly one violation of `policy`, at `level`, whose message matches `pattern`. */
function assertOne(result: PolicyResult, policy: string, level: string, pattern: RegExp): void {
    assert.deepStrictEqual(
        result.violations.map((v) => v.policy),
        [policy],
        JSON.stringify(result.violations, null, 2),
    );
    assert.strictEqual(result.violations[0].level, level);
    assert.match(result.violations[0].message, pattern);
}

function assertClean(result: PolicyResult): void {
    assert.deepStrictEqual(result.violations, []);
}

const ingress = (description: string, port: number, cidrBlocks: string[], ipv6CidrBlocks: string[] = []) => ({
    description,
    protocol: "tcp",
    fromPort: port,
    toPort: port,
    cidrBlocks,
    ipv6CidrBlocks,
});

describe("policy pack rules", () => {
    describe("security groups", () => {
        const good = { ingress: [ingress("app", 8080, ["0.0.0.0/0"], ["::/0"]), ingress("ssh", 22, ["198.51.100.7/32"])] };

        it("pass an app port open to the world and SSH open to one address", async () => {
            assertClean(await run({ type: SG, name: "gin-app-sg", stack: "prod", props: good }));
        });

        it("refuse SSH open to 0.0.0.0/0 (mandatory in prod)", async () => {
            const props = { ingress: [good.ingress[0], ingress("ssh", 22, ["0.0.0.0/0"])] };
            assertOne(
                await run({ type: SG, name: "gin-app-sg", stack: "prod", props }),
                "security-group-no-public-ssh",
                "mandatory",
                /gin-app-sg: ingress tcp 22-22 \("ssh"\) opens SSH to 0\.0\.0\.0\/0, the whole internet\. Fix: pulumi config set --path 'gin-deploy:sshCidrs\[0\]'/,
            );
        });

        it("refuse SSH open to ::/0 through an all-protocols rule, advisory in dev", async () => {
            const props = {
                ingress: [good.ingress[0], { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: [], ipv6CidrBlocks: ["::/0"] }],
            };
            assertOne(
                await run({ type: SG, name: "sg", stack: "dev", props }),
                "security-group-no-public-ssh",
                "advisory",
                /opens SSH to ::\/0/,
            );
        });

        it("refuse SSH open to the world by a separate rule resource and on a configured SSH port", async () => {
            const rule = {
                type: "ingress",
                protocol: "tcp",
                fromPort: 2200,
                toPort: 2300,
                cidrBlocks: ["0.0.0.0/0"],
                securityGroupId: "sg-1",
            };
            assertClean(await run({ type: "aws:ec2/securityGroupRule:SecurityGroupRule", stack: "prod", props: rule }));
            assertOne(
                await run(
                    { type: "aws:ec2/securityGroupRule:SecurityGroupRule", stack: "prod", props: rule },
                    { "security-group-no-public-ssh": { sshPorts: [2222] } },
                ),
                "security-group-no-public-ssh",
                "mandatory",
                /opens SSH to 0\.0\.0\.0\/0/,
            );
            const vpcRule = { ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv6: "::/0", securityGroupId: "sg-1" };
            assertOne(
                await run({ type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", stack: "prod", props: vpcRule }),
                "security-group-no-public-ssh",
                "mandatory",
                /opens SSH to ::\/0/,
            );
        });

        it("refuse SSH blocks that together cover the whole internet, in one rule or across a group's rules", async () => {
            const halves = { ingress: [good.ingress[0], ingress("ssh", 22, ["0.0.0.0/1", "128.0.0.0/1"])] };
            assertOne(
                await run({ type: SG, name: "gin-app-sg", stack: "prod", props: halves }),
                "security-group-no-public-ssh",
                "mandatory",
                /gin-app-sg: the SSH ingress blocks 0\.0\.0\.0\/1, 128\.0\.0\.0\/1 together cover all of IPv4, the whole internet\. Fix: pulumi config set --path 'gin-deploy:sshCidrs\[0\]'/,
            );
            const split = { ingress: [good.ingress[0], ingress("ssh", 22, [], ["::/1"]), ingress("admin", 22, [], ["8000::/1"])] };
            assertOne(
                await run({ type: SG, name: "sg", stack: "dev", props: split }),
                "security-group-no-public-ssh",
                "advisory",
                /the SSH ingress blocks ::\/1, 8000::\/1 together cover all of IPv6/,
            );
            const vpc = { ipProtocol: "-1", fromPort: 0, toPort: 0, cidrIpv4: "0.0.0.0/0", securityGroupId: "sg-1" };
            assertOne(
                await run({ type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", stack: "prod", props: vpc }),
                "security-group-no-public-ssh",
                "mandatory",
                /opens SSH to 0\.0\.0\.0\/0/,
            );
            // Half the internet on SSH, and the whole internet on the app port only, are not SSH to the world.
            const half = { ingress: [ingress("app", 8080, ["0.0.0.0/1", "128.0.0.0/1"]), ingress("ssh", 22, ["0.0.0.0/1"])] };
            assertClean(await run({ type: SG, name: "sg", stack: "prod", props: half }));
        });

        it("agree with config/ on which SSH blocks are the whole internet (one rule, components/rules/cidr.ts)", async () => {
            const sets = [
                ["0.0.0.0/0"],
                ["::/0"],
                ["0.0.0.0/1", "128.0.0.0/1"],
                ["::/1", "8000::/1"],
                ["0.0.0.0/1", "192.0.0.0/2"],
                ["198.51.100.7/32"],
                ["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/1", "2001:db8::/32"],
            ];
            for (const cidrs of sets) {
                const v4 = cidrs.filter((c) => !c.includes(":"));
                const v6 = cidrs.filter((c) => c.includes(":"));
                const props = { ingress: [good.ingress[0], ingress("ssh", 22, v4, v6)] };
                const byPolicy = (await run({ type: SG, stack: "prod", props })).violations.length > 0;
                let byConfig = false;
                try {
                    parseConfig(
                        {
                            values: {
                                sshCidrs: JSON.stringify(cidrs),
                                appCidrs: JSON.stringify(["0.0.0.0/0"]),
                                sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl deploy",
                                sshPrivateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----\n",
                                dbHost: "db.internal.example",
                                dbPassword: "pw",
                            },
                            secretKeys: ["sshPrivateKey", "dbPassword"],
                            awsRegion: "eu-central-1",
                            git: { describe: "v1.0.0", commit: "abc", date: "2026-12-01T00:00:00Z" },
                        },
                        "prod",
                    );
                } catch (error) {
                    assert.ok(error instanceof ConfigError, String(error));
                    byConfig = error.problems.some((p) => p.key.startsWith("sshCidrs"));
                }
                assert.strictEqual(byPolicy, byConfig, `${JSON.stringify(cidrs)}: policy ${byPolicy}, config ${byConfig}`);
            }
        });

        it("refuse a security group that does not open the app port", async () => {
            const props = { ingress: [ingress("ssh", 22, ["198.51.100.7/32"]), ingress("app", 9090, ["0.0.0.0/0"])] };
            assertOne(
                await run({ type: SG, name: "gin-app-sg", stack: "prod", props }),
                "security-group-opens-app-port",
                "mandatory",
                /gin-app-sg: no ingress rule opens TCP port 8080 \(the app port\)/,
            );
            assertClean(
                await run({ type: SG, name: "gin-app-sg", stack: "prod", props }, { "security-group-opens-app-port": { appPort: 9090 } }),
            );
        });
    });

    describe("instances", () => {
        const good = {
            metadataOptions: { httpEndpoint: "enabled", httpTokens: "required" },
            rootBlockDevice: { encrypted: true, volumeType: "gp3" },
        };

        it("pass IMDSv2 and an encrypted root volume", async () => {
            assertClean(await run({ type: INSTANCE, stack: "prod", props: good }));
        });

        it("refuse IMDSv1 (httpTokens optional or unset)", async () => {
            assertOne(
                await run({ type: INSTANCE, name: "i", stack: "prod", props: { ...good, metadataOptions: { httpTokens: "optional" } } }),
                "instance-requires-imdsv2",
                "mandatory",
                /i: metadataOptions\.httpTokens is "optional"; set it to "required"/,
            );
            assertOne(
                await run({ type: INSTANCE, name: "i", stack: "dev", props: { rootBlockDevice: good.rootBlockDevice } }),
                "instance-requires-imdsv2",
                "advisory",
                /httpTokens is unset \(IMDSv1 allowed\)/,
            );
        });

        it("refuse an unencrypted root volume", async () => {
            assertOne(
                await run({ type: INSTANCE, name: "i", stack: "prod", props: { ...good, rootBlockDevice: { encrypted: false } } }),
                "instance-encrypted-root-volume",
                "mandatory",
                /i: rootBlockDevice\.encrypted is false; set it to true/,
            );
        });
    });

    describe("instance metadata hop limit", () => {
        const props = (hopLimit?: number) => ({
            metadataOptions: {
                httpEndpoint: "enabled",
                httpTokens: "required",
                ...(hopLimit === undefined ? {} : { httpPutResponseHopLimit: hopLimit }),
            },
            rootBlockDevice: { encrypted: true },
        });

        it("pass a hop limit of 1 (AppHost's) and an unset one (the AMI's default)", async () => {
            assertClean(await run({ type: INSTANCE, stack: "prod", props: props(1) }));
            assertClean(await run({ type: INSTANCE, stack: "prod", props: props() }));
        });

        it("refuse a hop limit above 1: a container one hop further could reach the role's credentials", async () => {
            assertOne(
                await run({ type: INSTANCE, name: "i", stack: "prod", props: props(2) }),
                "instance-imds-hop-limit",
                "mandatory",
                /i: metadataOptions\.httpPutResponseHopLimit is 2, so a container on a bridge network .* set it to 1/,
            );
            assertOne(
                await run({ type: INSTANCE, name: "i", stack: "dev", props: props(64) }),
                "instance-imds-hop-limit",
                "advisory",
                /is 64/,
            );
        });
    });

    describe("ECR repositories", () => {
        const REPO = "aws:ecr/repository:Repository";

        it("pass immutable tags", async () => {
            assertClean(await run({ type: REPO, stack: "prod", props: { name: "gin-app", imageTagMutability: "IMMUTABLE" } }));
        });

        it("refuse mutable tags, explicit or by default, and tags immutable only with exclusions", async () => {
            assertOne(
                await run({ type: REPO, name: "gin-app-repo", stack: "prod", props: { name: "gin-app", imageTagMutability: "MUTABLE" } }),
                "ecr-immutable-tags",
                "mandatory",
                /gin-app-repo: imageTagMutability is "MUTABLE", so a pushed tag can be moved to other content; set it to "IMMUTABLE"/,
            );
            assertOne(
                await run({ type: REPO, stack: "dev", props: { name: "gin-app" } }),
                "ecr-immutable-tags",
                "advisory",
                /unset \(MUTABLE\)/,
            );
            assertOne(
                await run({ type: REPO, stack: "prod", props: { imageTagMutability: "IMMUTABLE_WITH_EXCLUSION" } }),
                "ecr-immutable-tags",
                "mandatory",
                /"IMMUTABLE_WITH_EXCLUSION"/,
            );
        });
    });

    describe("instance role's ECR rights", () => {
        const REPO_ARN = "arn:aws:ecr:eu-central-1:123456789012:repository/gin-app";
        const pullPolicy = (
            resource: string | string[],
            actions: string | string[] = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
        ) =>
            JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    { Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
                    { Effect: "Allow", Action: actions, Resource: resource },
                ],
            });

        it("pass the aws target's inline pull policy (its repository only, the login on *) and roles without ECR rights", async () => {
            const { renderEcrPullPolicy } = await import("../../components/aws/renderers/ecrPullPolicy");
            assertClean(
                await run({
                    type: "aws:iam/rolePolicy:RolePolicy",
                    stack: "prod",
                    props: { role: "r", policy: renderEcrPullPolicy(REPO_ARN) },
                }),
            );
            assertClean(
                await run({
                    type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                    stack: "prod",
                    props: { role: "r", policyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" },
                }),
            );
            assertClean(await run({ type: "aws:iam/role:Role", stack: "prod", props: { assumeRolePolicy: "{}" } }));
        });

        it("refuse AWS's managed ECR read-only policy on a role (mandatory in prod, advisory in dev)", async () => {
            const props = { role: "gin-app-role", policyArn: "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly" };
            assertOne(
                await run({ type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", name: "gin-app-policy-0", stack: "prod", props }),
                "instance-role-ecr-pull-scoped",
                "mandatory",
                /gin-app-policy-0: the attachment attaches arn:aws:iam::aws:policy\/AmazonEC2ContainerRegistryReadOnly, which grants ECR rights on every repository of the account; grant ecr:GetAuthorizationToken on \* and .* on this stack's repository ARN only/,
            );
            assertOne(
                await run({ type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", stack: "dev", props }),
                "instance-role-ecr-pull-scoped",
                "advisory",
                /AmazonEC2ContainerRegistryReadOnly/,
            );
            assertOne(
                await run({
                    type: "aws:iam/role:Role",
                    name: "role",
                    stack: "prod",
                    props: { managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPowerUser"] },
                }),
                "instance-role-ecr-pull-scoped",
                "mandatory",
                /role: managedPolicyArns attaches arn:aws:iam::aws:policy\/AmazonEC2ContainerRegistryPowerUser/,
            );
        });

        it('refuse an inline policy that pulls from every repository: Resource "*", a wildcard ARN, or ecr:* in a role\'s inlinePolicies', async () => {
            assertOne(
                await run({
                    type: "aws:iam/rolePolicy:RolePolicy",
                    name: "gin-app-ecr-pull",
                    stack: "prod",
                    props: { role: "r", policy: pullPolicy("*") },
                }),
                "instance-role-ecr-pull-scoped",
                "mandatory",
                /gin-app-ecr-pull: the role policy statement 1 allows ecr:BatchGetImage, ecr:GetDownloadUrlForLayer on "\*"/,
            );
            assertOne(
                await run({
                    type: "aws:iam/rolePolicy:RolePolicy",
                    stack: "prod",
                    props: { role: "r", policy: pullPolicy("arn:aws:ecr:eu-central-1:123456789012:repository/*") },
                }),
                "instance-role-ecr-pull-scoped",
                "mandatory",
                /repository\/\*"/,
            );
            assertOne(
                await run({
                    type: "aws:iam/role:Role",
                    stack: "dev",
                    props: { inlinePolicies: [{ name: "pull", policy: pullPolicy(["*"], "ecr:*") }] },
                }),
                "instance-role-ecr-pull-scoped",
                "advisory",
                /inline policy pull statement 1 allows ecr:\* on "\*"/,
            );
        });
    });

    describe("Kubernetes Service exposure (prod only)", () => {
        const SERVICE = "kubernetes:core/v1:Service";
        const service = (spec: Record<string, unknown>) => ({ metadata: { name: "gin-app" }, spec: { ports: [{ port: 80 }], ...spec } });

        it("pass a ClusterIP, a LoadBalancer with source ranges (an explicit world too), and anything on dev", async () => {
            assertClean(await run({ type: SERVICE, stack: "prod", props: service({ type: "ClusterIP" }) }));
            assertClean(await run({ type: SERVICE, stack: "prod", props: service({}) }));
            assertClean(
                await run({
                    type: SERVICE,
                    stack: "prod",
                    props: service({ type: "LoadBalancer", loadBalancerSourceRanges: ["203.0.113.0/24"] }),
                }),
            );
            assertClean(
                await run({
                    type: SERVICE,
                    stack: "prod",
                    props: service({ type: "LoadBalancer", loadBalancerSourceRanges: ["0.0.0.0/0"] }),
                }),
            );
            assertClean(await run({ type: SERVICE, stack: "dev", props: service({ type: "LoadBalancer" }) }));
            assertClean(
                await run({
                    type: SERVICE,
                    stack: "local-k8s",
                    props: service({ type: "NodePort", ports: [{ port: 80, nodePort: 30080 }] }),
                }),
            );
        });

        it("refuse a LoadBalancer without source ranges, a NodePort, and ranges that cover the world by halves", async () => {
            assertOne(
                await run({ type: SERVICE, name: "gin-app-service", stack: "prod", props: service({ type: "LoadBalancer" }) }),
                "kubernetes-service-not-world-open",
                "mandatory",
                /gin-app-service: type LoadBalancer without loadBalancerSourceRanges admits the whole internet; .*gin-deploy:loadBalancerSourceRanges\[0\]/,
            );
            assertOne(
                await run({ type: SERVICE, name: "s", stack: "prod", props: service({ type: "NodePort" }) }),
                "kubernetes-service-not-world-open",
                "mandatory",
                /s: type NodePort opens the port on every node's addresses/,
            );
            assertOne(
                await run({
                    type: SERVICE,
                    name: "s",
                    stack: "prod",
                    props: service({ type: "LoadBalancer", loadBalancerSourceRanges: ["0.0.0.0/1", "128.0.0.0/1"] }),
                }),
                "kubernetes-service-not-world-open",
                "mandatory",
                /s: loadBalancerSourceRanges 0\.0\.0\.0\/1, 128\.0\.0\.0\/1 together cover all of IPv4/,
            );
        });
    });

    describe("images by digest (prod only)", () => {
        const release = (ref: string) => ({ create: `sudo sh /var/lib/x/install-container.sh release --image '${ref}' --version v1` });

        it("pass a release of an image pinned by digest", async () => {
            assertClean(await run({ type: "command:remote:Command", stack: "prod", props: release(DIGEST_REF) }));
        });

        it("refuse a tag in prod, and do not apply in dev", async () => {
            assertOne(
                await run({
                    type: "command:remote:Command",
                    name: "gin-app-release",
                    stack: "prod",
                    props: release("registry/gin-app:v1"),
                }),
                "prod-images-by-digest",
                "mandatory",
                /gin-app-release: create --image runs "registry\/gin-app:v1", which is not pinned by digest/,
            );
            const dev = await run({ type: "command:remote:Command", stack: "dev", props: release("registry/gin-app:v1") });
            assertClean(dev);
            assert.match(dev.notApplicable.get("prod-images-by-digest") ?? "", /prod stacks only; this is stack "dev"/);
        });

        it("refuse a Kubernetes container by tag, and take the environment from config over the stack name", async () => {
            const deployment = { spec: { template: { spec: { containers: [{ name: "app", image: "gin-app:latest" }] } } } };
            const type = "kubernetes:apps/v1:Deployment";
            const result = await run(
                { type, name: "web", stack: "staging", props: deployment },
                { "prod-images-by-digest": { environment: "prod" } },
            );
            assert.deepStrictEqual(
                of(result, "prod-images-by-digest").map((v) => [v.level, v.message]),
                [
                    [
                        "mandatory",
                        `web: container app runs "gin-app:latest", which is not pinned by digest; run REPOSITORY@sha256:<digest> (AppImage's imageRef output) so a moved tag cannot change what prod runs`,
                    ],
                ],
            );
        });
    });

    describe("database TLS (prod only)", () => {
        const envFile = (mode: string) => `APP_ENV="prod"\nDB_HOST="db.internal"\nDB_SSLMODE="${mode}"\nDB_PASSWORD="s3cret-Pa55"\n`;

        it("pass sslmode require", async () => {
            assertClean(await run({ type: "command:remote:Command", stack: "prod", props: { create: "x", stdin: envFile("require") } }));
        });

        it("refuse DB_SSLMODE=disable in prod without echoing the env file", async () => {
            const result = await run({
                type: "command:remote:Command",
                name: "gin-app-release",
                stack: "prod",
                props: { create: "x", stdin: envFile("disable") },
            });
            assertOne(
                result,
                "prod-database-tls",
                "mandatory",
                /gin-app-release: stdin env file sets DB_SSLMODE=disable; prod must reach the database over TLS\. Fix: pulumi config set gin-deploy:dbSslMode require/,
            );
            assert.ok(!result.violations[0].message.includes("s3cret-Pa55"), "the message holds the password");
        });

        it("allow it in dev (the dev default), and refuse a connection string with sslmode=disable in prod", async () => {
            assertClean(await run({ type: "command:remote:Command", stack: "dev", props: { create: "x", stdin: envFile("disable") } }));
            const url = "postgres://app:pw-9f@db:5432/app?sslmode=disable";
            const deployment = {
                spec: { template: { spec: { containers: [{ name: "app", env: [{ name: "DATABASE_URL", value: url }] }] } } },
            };
            const result = await run({ type: "kubernetes:apps/v1:Deployment", name: "web", stack: "prod", props: deployment });
            assert.deepStrictEqual(
                of(result, "prod-database-tls").map((v) => v.message),
                [
                    "web: container app env DATABASE_URL is a connection string with sslmode=disable; prod must use sslmode=require or verify-full",
                ],
            );
        });
    });

    describe("systemd units the release uploads", () => {
        const upload = (text: string, remotePath = "/var/lib/gin-deploy/staging/gin-app.service") => ({
            remotePath,
            source: new pulumi.asset.StringAsset(text),
            triggers: ["x"],
        });
        const unit = (service: string) => `[Unit]\nDescription=x\n\n[Service]\n${service}\n\n[Install]\nWantedBy=multi-user.target\n`;
        const COPY = "command:remote:CopyToRemote";

        it("pass a unit with Restart=always and DynamicUser=yes", async () => {
            assertClean(
                await run({ type: COPY, stack: "prod", props: upload(unit("ExecStart=/srv/app\nRestart=always\nDynamicUser=yes")) }),
            );
        });

        it("refuse a unit without Restart=", async () => {
            assertOne(
                await run({ type: COPY, name: "gin-app-service-unit", stack: "prod", props: upload(unit("ExecStart=/srv/app\nUser=app")) }),
                "systemd-unit-restarts-and-not-root",
                "mandatory",
                /gin-app-service-unit: unit \/var\/lib\/gin-deploy\/staging\/gin-app\.service has no Restart=, so a crash leaves the service down/,
            );
        });

        it("refuse a unit that runs as root, by default or by User=root", async () => {
            assertOne(
                await run({ type: COPY, name: "u", stack: "prod", props: upload(unit("ExecStart=/srv/app\nRestart=always")) }),
                "systemd-unit-restarts-and-not-root",
                "mandatory",
                /runs as root \(no User= and no DynamicUser=yes\); set DynamicUser=yes/,
            );
            assertOne(
                await run({
                    type: COPY,
                    name: "u",
                    stack: "dev",
                    props: upload(unit("ExecStart=/srv/app\nRestart=on-failure\nDynamicUser=yes\nDynamicUser=no\nUser=root")),
                }),
                "systemd-unit-restarts-and-not-root",
                "advisory",
                /runs as root \(User=root\)/,
            );
        });

        it("judge a docker run unit by its container: caps dropped, no new privileges, not --user root", async () => {
            const confined =
                "ExecStart=docker run --rm --name a \\\n  --cap-drop ALL --security-opt no-new-privileges \\\n  img@sha256:x\nRestart=always";
            assertClean(await run({ type: COPY, stack: "prod", props: upload(unit(confined), "/x/gin-app-container@.service") }));
            const root = "ExecStart=-docker run --user 0 --privileged img\nRestart=always";
            const result = await run({ type: COPY, name: "c", stack: "prod", props: upload(unit(root), "/x/gin-app-container@.service") });
            assert.deepStrictEqual(
                of(result, "systemd-unit-restarts-and-not-root").map((v) => v.message.replace(/^c: unit \S+ /, "")),
                [
                    "runs the container --privileged",
                    "runs the container as 0 (root)",
                    "does not drop the container's capabilities (--cap-drop ALL)",
                    "lets the container gain privileges (add --security-opt no-new-privileges)",
                ],
            );
        });

        it("refuse a docker run unit on the host's network, in any spelling, and leave other units to the rest", async () => {
            const confined = "  --cap-drop ALL --security-opt no-new-privileges img@sha256:x\nRestart=always";
            assertClean(
                await run({
                    type: COPY,
                    stack: "prod",
                    props: upload(unit(`ExecStart=docker run --network bridge ${confined}`), "/x/a@.service"),
                }),
            );
            for (const spelling of ["--network host", "--network=host", "--net host", "--net=host"]) {
                assertOne(
                    await run({
                        type: COPY,
                        name: "c",
                        stack: "prod",
                        props: upload(unit(`ExecStart=/usr/bin/docker run --rm ${spelling} ${confined}`), "/x/gin-app-container@.service"),
                    }),
                    "container-not-host-network",
                    "mandatory",
                    /^c: unit \/x\/gin-app-container@\.service runs its container on the host's network \(--network host\)/,
                );
            }
            const plain = await run({
                type: COPY,
                stack: "prod",
                props: upload(unit("ExecStart=/srv/app --network host\nRestart=always\nDynamicUser=yes")),
            });
            assertClean(plain);
            assert.strictEqual(plain.notApplicable.get("container-not-host-network"), "not an upload of a docker run unit");
        });

        it("read a unit uploaded from a file, and leave sockets, oneshots and binaries alone", async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gd-policy-unit-"));
            try {
                const file = path.join(dir, "a.service");
                fs.writeFileSync(file, unit("ExecStart=/srv/app\nDynamicUser=yes"));
                const fromFile = { remotePath: "/x/a.service", source: new pulumi.asset.FileAsset(file) };
                assertOne(
                    await run({ type: COPY, name: "f", stack: "prod", props: fromFile }),
                    "systemd-unit-restarts-and-not-root",
                    "mandatory",
                    /has no Restart=/,
                );
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
            assertClean(await run({ type: COPY, stack: "prod", props: upload("[Socket]\nListenStream=8080\n", "/x/gin-app.socket") }));
            assertClean(
                await run({
                    type: COPY,
                    stack: "prod",
                    props: upload(unit("Type=oneshot\nExecStart=/bin/true\nDynamicUser=yes"), "/x/once.service"),
                }),
            );
            const binary = await run({
                type: COPY,
                stack: "prod",
                props: { remotePath: "/x/gin-app", source: new pulumi.asset.FileAsset("/nonexistent") },
            });
            assertClean(binary);
            assert.strictEqual(binary.notApplicable.get("systemd-unit-restarts-and-not-root"), "not an upload of a *.service unit");
        });
    });

    describe("Kubernetes workloads", () => {
        const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
        const goodContainer = {
            name: "app",
            image: DIGEST_REF,
            securityContext: { runAsNonRoot: true, runAsUser: 65532 },
            resources: { limits: { cpu: "500m", memory: "256Mi" } },
            readinessProbe: { httpGet: { path: "/readyz", port: 8080 } },
            livenessProbe: { httpGet: { path: "/healthz", port: 8080 } },
        };
        const deployment = (container: object, pod: object = {}) => ({
            spec: { replicas: 2, template: { spec: { ...pod, containers: [container] } } },
        });

        it("pass a non-root container with limits and both probes", async () => {
            assertClean(await run({ type: DEPLOYMENT, stack: "prod", props: deployment(goodContainer) }));
            const { securityContext: _s, ...rest } = goodContainer;
            assertClean(
                await run({ type: DEPLOYMENT, stack: "prod", props: deployment(rest, { securityContext: { runAsNonRoot: true } }) }),
            );
        });

        it("refuse a container that may run as root", async () => {
            const { securityContext: _s, ...rest } = goodContainer;
            assertOne(
                await run({ type: DEPLOYMENT, name: "web", stack: "prod", props: deployment(rest) }),
                "kubernetes-non-root",
                "mandatory",
                /web: container "app" may run as root: set securityContext\.runAsNonRoot: true/,
            );
            assertOne(
                await run({
                    type: DEPLOYMENT,
                    name: "web",
                    stack: "prod",
                    props: deployment({ ...goodContainer, securityContext: { runAsNonRoot: true, runAsUser: 0 } }),
                }),
                "kubernetes-non-root",
                "mandatory",
                /sets runAsUser: 0 \(root\)/,
            );
        });

        it("refuse a container without a memory limit", async () => {
            assertOne(
                await run({
                    type: DEPLOYMENT,
                    name: "web",
                    stack: "dev",
                    props: deployment({ ...goodContainer, resources: { limits: { cpu: "1" } } }),
                }),
                "kubernetes-resource-limits",
                "advisory",
                /web: container "app" has no memory limit/,
            );
        });

        it("refuse a container without probes", async () => {
            const { readinessProbe: _r, livenessProbe: _l, ...rest } = goodContainer;
            assertOne(
                await run({ type: DEPLOYMENT, name: "web", stack: "prod", props: deployment(rest) }),
                "kubernetes-probes",
                "mandatory",
                /web: container "app" has no readinessProbe and livenessProbe/,
            );
        });
    });

    describe("enforcement", () => {
        it("takes prod from the stack name as config/ does (first word prod or production, any case), else dev", async () => {
            const bad = { type: INSTANCE, props: { rootBlockDevice: { encrypted: true } } };
            const levels = await Promise.all(
                ["prod", "production", "prod-eu", "dev", "local", "preprod", "Prod", "prod_eu"].map(async (stack) =>
                    (await run({ ...bad, stack })).violations.map((v) => v.level).join(),
                ),
            );
            assert.deepStrictEqual(levels, [
                "mandatory",
                "mandatory",
                "mandatory",
                "advisory",
                "advisory",
                "advisory",
                "mandatory",
                "mandatory",
            ]);
        });

        it("agrees with config.ts's environmentOfStack", async () => {
            const { environmentOfStack } = await import("../../policy/environment");
            const config = (await import("../../config")) as { environmentOfStack?: (s: string) => string };
            if (typeof config.environmentOfStack !== "function") {
                assert.fail("config.ts no longer exports environmentOfStack: point this test at the rule that replaced it");
            }
            for (const stack of [
                "prod",
                "production",
                "prod-x",
                "dev",
                "local",
                "staging",
                "preprod",
                "Prod",
                "production-eu",
                "prod_eu",
                "product",
            ]) {
                assert.strictEqual(environmentOfStack(stack), config.environmentOfStack(stack), stack);
            }
        });

        it("can be disabled per policy by the pack's config", async () => {
            const props = { metadataOptions: { httpTokens: "optional" }, rootBlockDevice: { encrypted: true } };
            assertClean(await run({ type: INSTANCE, stack: "prod", props }, { "instance-requires-imdsv2": "disabled" }));
        });
    });
});

describe("policy/config/{dev,prod}.json", () => {
    for (const environment of ["dev", "prod"]) {
        it(`${environment}.json sets environment ${environment} for every rule of the pack, and nothing else`, async () => {
            const config = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "policy", "config", `${environment}.json`), "utf8"));
            assert.deepStrictEqual(Object.keys(config).sort(), policies.map((p) => p.name).sort());
            for (const [name, value] of Object.entries(config)) {
                assert.deepStrictEqual(value, { environment }, name);
            }
            // And it decides the level, whatever the stack is called.
            const bad = { type: INSTANCE, stack: "staging", props: { rootBlockDevice: { encrypted: true } } };
            const levels = (await run(bad, config)).violations.map((v) => v.level);
            assert.deepStrictEqual(levels, [environment === "prod" ? "mandatory" : "advisory"]);
        });
    }
});
