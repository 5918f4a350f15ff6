// The whole program, deployStack(loadConfig()), under mocks with the committed stack files plus
// the per-user values: which resources each target/mode creates, the architecture the build
// follows, the settings that reach the host, and secrets that stay secret. The Go module is a
// dependency-free fixture so the suite needs no network.
import { recorded, RecordedResource, resourcesOfType, useStack, valueOf } from "../support/pulumiMocks";

import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";

import { readElfFacts } from "../../components/build/elfHeader";
import { loadConfig } from "../../config";
import { deployStack, StackOutputs } from "../../stack";

const ROOT = path.join(__dirname, "..", "..");
const HELLO = path.join(__dirname, "fixtures", "hello-module");
const BROKEN = path.join(__dirname, "fixtures", "broken-module");
const PASSWORD = "unit-db-password-7f3a";
const PRIVATE_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nunit-test-private-key-9c1e\n-----END OPENSSH PRIVATE KEY-----\n";
const SECRET_KEYS = ["gin-deploy:dbPassword", "gin-deploy:sshPrivateKey", "gin-deploy:kubeconfig"];
const KUBECONFIG = "apiVersion: v1\nkind: Config\nclusters:\n- name: local\n  cluster: {server: https://127.0.0.1:6443}\n";
const IMAGE = `127.0.0.1:5000/gin-app@sha256:${"cd".repeat(32)}`;

/** The committed settings of Pulumi.<stack>.yaml, as the engine hands them to the program. */
function stackFile(stack: string): Record<string, string> {
    const doc = yaml.load(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
    return Object.fromEntries(Object.entries(doc.config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

/** What each user adds with `pulumi config set` (README). */
const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKvDsv1BMTbrpWx08odqoZi6lVOwDXhofoPPlHtnfxHC";
const PER_USER_AWS = {
    "gin-deploy:sshCidrs": JSON.stringify(["198.51.100.7/32"]),
    "gin-deploy:sshPublicKey": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl deploy",
    "gin-deploy:sshPrivateKey": PRIVATE_KEY,
    "gin-deploy:dbHost": "db.internal.example",
    "gin-deploy:dbPassword": PASSWORD,
};

interface Run {
    outputs: Record<string, unknown>;
    raw: StackOutputs;
    resources: RecordedResource[];
}

let cacheDir: string;

async function run(stack: string, config: Record<string, string>, appDir = HELLO): Promise<Run> {
    useStack(stack, config, SECRET_KEYS);
    const raw = deployStack(loadConfig(ROOT), { appDir, buildCacheDir: cacheDir });
    const outputs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw)) {
        outputs[key] = pulumi.Output.isInstance(value) ? await valueOf(value) : value;
    }
    await pulumi.runtime.disconnect(); // every registration answered
    return { outputs, raw, resources: [...recorded.resources] };
}

function named(resources: RecordedResource[], name: string): RecordedResource {
    const found = resources.find((r) => r.name === name);
    assert.ok(found, `no resource named ${name}; have ${resources.map((r) => r.name).join(", ")}`);
    return found;
}

/** Input paths whose plain value contains `needle`. */
function pathsHolding(value: unknown, needle: string, at = ""): string[] {
    if (typeof value === "string") {
        return value.includes(needle) ? [at] : [];
    }
    if (Array.isArray(value)) {
        return value.flatMap((v, i) => pathsHolding(v, needle, `${at}[${i}]`));
    }
    if (typeof value === "object" && value !== null) {
        return Object.entries(value).flatMap(([k, v]) => pathsHolding(v, needle, at ? `${at}.${k}` : k));
    }
    return [];
}

/** Every place a secret value reaches a resource, with whether the engine gets it marked secret. */
function exposures(resources: RecordedResource[], secret: string): string[] {
    return resources.flatMap((r) =>
        pathsHolding(r.inputs, secret)
            .filter((p) => !r.secretPaths.some((s) => p === s || p.startsWith(`${s}.`) || p.startsWith(`${s}[`)))
            .map((p) => `${r.type} ${r.name} ${p}`),
    );
}

/** Fails unless every command:remote resource's connection pins `hostKey`. */
function assertEveryConnectionPins(resources: RecordedResource[], hostKey: string): void {
    const remote = resources.filter((r) => r.type.startsWith("command:remote:"));
    assert.ok(remote.length > 5, `only ${remote.length} remote steps`);
    for (const r of remote) {
        assert.strictEqual(r.inputs.connection?.hostKey, hostKey, `${r.name}: its connection does not pin the host's key`);
    }
}

function typesOf(resources: RecordedResource[]): string[] {
    return [...new Set(resources.map((r) => r.type))].sort();
}

describe("the whole program (deployStack(loadConfig()))", function () {
    before(() => {
        cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "gd-unit-stack-"));
    });
    after(() => {
        fs.rmSync(cacheDir, { recursive: true, force: true });
        useStack("dev");
    });

    describe("dev stack: aws target, systemd mode, Graviton instance", () => {
        let dev: Run;
        before(async () => {
            dev = await run("dev", { ...stackFile("dev"), ...PER_USER_AWS });
        });

        it("creates the host, the build and the systemd service, and nothing for containers", () => {
            assert.deepStrictEqual(
                typesOf(dev.resources).filter((t) => !t.startsWith("command:")),
                [
                    "aws:ec2/instance:Instance",
                    "aws:ec2/keyPair:KeyPair",
                    "aws:ec2/securityGroup:SecurityGroup",
                    "gindeploy:aws:AppHost",
                    "gindeploy:aws:SshHostKey",
                    "gindeploy:build:GoBinary",
                    "gindeploy:host:SystemdService",
                    "gindeploy:reachability:ReachabilityCheck",
                    "pulumi-nodejs:dynamic/gindeploy:ReleaseReachability",
                    "pulumi-nodejs:dynamic/gindeploy:SshHostKeyPair",
                    "pulumi:providers:pulumi-nodejs",
                ],
            );
        });

        it("checks the URL from this machine after the release, with the security group it opened", () => {
            const check = dev.resources.find((r) => r.type === "pulumi-nodejs:dynamic/gindeploy:ReleaseReachability");
            assert.ok(check, "no reachability check");
            assert.strictEqual(check.inputs.enabled, true);
            assert.strictEqual(check.inputs.appPort, 8080);
            assert.strictEqual(check.inputs.expectedVersion, dev.outputs.version);
            assert.match(String(check.inputs.releaseId), /^[0-9a-f]{64}$/, "the binary's digest identifies the release");
            assert.ok(typeof check.inputs.securityGroupId === "string" && check.inputs.securityGroupId !== "", "no security group to read");
            assert.deepStrictEqual(check.inputs.securityGroupIngress, [
                { protocol: "tcp", fromPort: 8080, toPort: 8080, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: [] },
            ]);
        });

        it("builds an arm64 binary for the arm64 image of a t4g instance", () => {
            const instance = named(dev.resources, "gin-app-instance");
            assert.strictEqual(instance.inputs.instanceType, "t4g.micro");
            assert.strictEqual(instance.inputs.ami, "ami-0debian12a"); // the mocks' arm64 image
            const upload = named(dev.resources, "gin-app-binary");
            const binaryPath: string = upload.inputs.source.path;
            assert.deepStrictEqual(readElfFacts(fs.readFileSync(binaryPath)), {
                machine: 183,
                architecture: "arm64",
                hasInterpreter: false,
            });
        });

        it("opens SSH only to the configured address", () => {
            const ingress: { description: string; cidrBlocks: string[]; ipv6CidrBlocks: string[] }[] = named(dev.resources, "gin-app-sg")
                .inputs.ingress;
            const ssh = ingress.find((r) => r.description === "ssh");
            assert.deepStrictEqual([ssh?.cidrBlocks, ssh?.ipv6CidrBlocks], [["198.51.100.7/32"], []]);
        });

        it("hands the host the dev database settings: sslmode disable, pool 5", () => {
            const stdin: string = named(dev.resources, "gin-app-release").inputs.stdin;
            assert.match(stdin, /DB_SSLMODE=.?disable/);
            assert.match(stdin, /DB_POOL_SIZE=.?5\b/);
            assert.match(stdin, /APP_ENV=.?dev\b/);
            assert.match(stdin, /DB_HOST=.?db\.internal\.example/);
        });

        it("keeps the password and the private key secret wherever they go", () => {
            assert.deepStrictEqual(exposures(dev.resources, PASSWORD), []);
            assert.deepStrictEqual(exposures(dev.resources, "unit-test-private-key-9c1e"), []);
            assert.ok(
                pathsHolding(named(dev.resources, "gin-app-release").inputs, PASSWORD).length > 0,
                "the password never reached the host's env file",
            );
        });

        it("pins the key the stack made for the instance on every remote step", () => {
            assert.match(String(dev.outputs.sshHostKey), /^ssh-ed25519 /);
            assertEveryConnectionPins(dev.resources, dev.outputs.sshHostKey as string);
        });

        it("exports url, version, mode, instance and service name, none of them secret", async () => {
            assert.deepStrictEqual(
                Object.keys(dev.outputs)
                    .filter((k) => dev.outputs[k] !== undefined)
                    .sort(),
                ["instanceId", "mode", "publicIp", "serviceName", "sshHostKey", "url", "version"],
            );
            assert.strictEqual(dev.outputs.url, "http://ec2-203-0-113-10.eu-central-1.compute.amazonaws.com:8080");
            assert.strictEqual(dev.outputs.mode, "systemd");
            assert.strictEqual(dev.outputs.serviceName, "gin-app");
            assert.strictEqual(dev.outputs.version, loadConfigRelease());
            for (const [key, value] of Object.entries(dev.raw)) {
                if (pulumi.Output.isInstance(value)) {
                    assert.strictEqual(await pulumi.isSecret(value), false, `${key} is secret`);
                }
            }
            assert.ok(!JSON.stringify(dev.outputs).includes(PASSWORD));
        });
    });

    describe("local stack: ssh target, systemd mode", () => {
        let local: Run;
        before(async () => {
            local = await run("local", {
                ...stackFile("local"),
                "gin-deploy:sshHostKey": HOST_KEY,
                "gin-deploy:sshPrivateKey": PRIVATE_KEY,
                "gin-deploy:dbPassword": PASSWORD,
            });
        });

        it("creates no cloud resource", () => {
            assert.deepStrictEqual(
                local.resources.filter((r) => r.type.startsWith("aws:")).map((r) => r.name),
                [],
            );
        });

        it("pins the host's key on every remote step", () => {
            assertEveryConnectionPins(local.resources, HOST_KEY);
        });

        it("connects to the configured host, the connection secret as the engine receives it", () => {
            const release = named(local.resources, "gin-app-release");
            assert.strictEqual(release.inputs.connection.host, "127.0.0.1");
            assert.strictEqual(release.inputs.connection.port, 2222);
            assert.strictEqual(release.inputs.connection.user, "root");
            assert.ok(release.secretPaths.some((p) => p === "connection" || p === "connection.privateKey"));
        });

        it("builds for the host's architecture and answers at the public URL", () => {
            const binaryPath: string = named(local.resources, "gin-app-binary").inputs.source.path;
            assert.strictEqual(readElfFacts(fs.readFileSync(binaryPath)).architecture, "amd64");
            assert.strictEqual(local.outputs.url, "http://127.0.0.1:18080");
        });
    });

    describe("prod stack: aws target, container mode, Graviton instance", () => {
        let prod: Run;
        before(async () => {
            prod = await run("prod", { ...stackFile("prod"), ...PER_USER_AWS });
        });

        it("pins the key the stack made for the instance on every remote step", () => {
            assertEveryConnectionPins(prod.resources, prod.outputs.sshHostKey as string);
        });

        it("creates the host, the registry, the image and the container service, and no Go build", () => {
            assert.deepStrictEqual(
                typesOf(prod.resources).filter((t) => t.startsWith("gindeploy:")),
                [
                    "gindeploy:aws:AppHost",
                    "gindeploy:aws:SshHostKey",
                    "gindeploy:host:ContainerService",
                    "gindeploy:image:AppImage",
                    "gindeploy:image:EcrRegistry",
                    "gindeploy:reachability:ReachabilityCheck",
                ],
            );
        });

        it("builds the image for linux/arm64, the t4g instance's platform, and pushes it to ECR", () => {
            const image = named(prod.resources, "gin-app-image");
            assert.strictEqual(image.inputs.build.platform, "linux/arm64");
            assert.strictEqual(image.inputs.registry.server, "123456789012.dkr.ecr.eu-central-1.amazonaws.com");
            assert.strictEqual(named(prod.resources, "gin-app-instance").inputs.ami, "ami-0debian12a");
        });

        it("installs Docker at first boot and lets the instance pull from ECR", () => {
            const userData: string = named(prod.resources, "gin-app-instance").inputs.userData;
            assert.match(userData, /^#cloud-config\n/);
            const cloudConfig = JSON.parse(userData.slice("#cloud-config\n".length));
            assert.ok(cloudConfig.packages.includes("docker.io"));
            assert.match(userData, /123456789012\.dkr\.ecr\.eu-central-1\.amazonaws\.com/);
        });

        it("lets the instance role pull from the stack's repository alone, with no AWS-managed ECR policy", () => {
            assert.deepStrictEqual(
                prod.resources.filter((r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment"),
                [],
                "an account-wide managed policy is attached to the instance role",
            );
            const policy = named(prod.resources, "gin-app-ecr-pull");
            assert.strictEqual(policy.type, "aws:iam/rolePolicy:RolePolicy");
            assert.strictEqual(policy.inputs.role, "gin-app-role-generated");
            const statements: { Action: string | string[]; Resource: string }[] = JSON.parse(policy.inputs.policy).Statement;
            assert.deepStrictEqual(
                statements.map((st) => [st.Action, st.Resource]),
                [
                    ["ecr:GetAuthorizationToken", "*"],
                    [
                        ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
                        "arn:aws:ecr:eu-central-1:123456789012:repository/gin-app",
                    ],
                ],
            );
        });

        it("never hands the instance the deployer's registry token: it logs in with its own role at boot, before any release", () => {
            assert.ok(!prod.resources.some((r) => r.name === "gin-app-login"), "a docker login on the host with the deployer's token");
            for (const r of prod.resources.filter((x) => x.type.startsWith("command:"))) {
                assert.deepStrictEqual(pathsHolding(r.inputs, "ecr-token"), [], `${r.name} carries the deployer's ECR token to the host`);
            }
            const userData: string = named(prod.resources, "gin-app-instance").inputs.userData;
            const runcmd: string[][] = JSON.parse(userData.slice("#cloud-config\n".length)).runcmd;
            assert.deepStrictEqual(runcmd[runcmd.length - 1], ["/usr/local/sbin/gin-deploy-ecr-login"]);
            // Every remote step, the release included, waits for the boot step (cloud-init done).
            assert.match(named(prod.resources, "gin-app-boot").inputs.create, /cloud-init status --wait/);
        });

        it("hands the container the prod database settings: sslmode require, pool 20", () => {
            const stdin: string = named(prod.resources, "gin-app-env").inputs.stdin;
            assert.match(stdin, /DB_SSLMODE=.?require/);
            assert.match(stdin, /DB_POOL_SIZE=.?20\b/);
            assert.match(stdin, /APP_ENV=.?prod\b/);
        });

        it("keeps the database password, the private key and the registry password secret", () => {
            assert.deepStrictEqual(exposures(prod.resources, PASSWORD), []);
            assert.deepStrictEqual(exposures(prod.resources, "unit-test-private-key-9c1e"), []);
            assert.deepStrictEqual(exposures(prod.resources, "ecr-token"), []);
            assert.ok(
                pathsHolding(named(prod.resources, "gin-app-image").inputs, "ecr-token").length > 0,
                "the registry password never reached the image push",
            );
        });

        it("exports the image pinned by digest, and no service name", async () => {
            assert.strictEqual(prod.outputs.mode, "container");
            assert.match(
                String(prod.outputs.imageRef),
                /^123456789012\.dkr\.ecr\.eu-central-1\.amazonaws\.com\/gin-app@sha256:[0-9a-f]{64}$/,
            );
            assert.strictEqual(prod.outputs.serviceName, undefined);
            for (const [key, value] of Object.entries(prod.raw)) {
                if (pulumi.Output.isInstance(value)) {
                    assert.strictEqual(await pulumi.isSecret(value), false, `${key} is secret`);
                }
            }
        });
    });

    describe("ssh target in container mode", () => {
        it("pushes to the local registry and creates no cloud resource", async () => {
            const local = await run("local", {
                ...stackFile("local"),
                "gin-deploy:mode": "container",
                "gin-deploy:sshHostKey": HOST_KEY,
                "gin-deploy:sshPrivateKey": PRIVATE_KEY,
                "gin-deploy:dbPassword": PASSWORD,
            });
            assert.deepStrictEqual(
                local.resources.filter((r) => r.type.startsWith("aws:")).map((r) => r.name),
                [],
            );
            const image = named(local.resources, "gin-app-image");
            assert.strictEqual(image.inputs.build.platform, "linux/amd64");
            assert.strictEqual(image.inputs.registry.server, "127.0.0.1:5000");
            assert.match(String(local.outputs.imageRef), /^127\.0\.0\.1:5000\/gin-app@sha256:/);
            assert.ok(!local.resources.some((r) => r.name === "gin-app-login"), "a docker login for the open local registry");
        });
    });

    describe("local-k8s stack: kubernetes target", () => {
        let k8s: Run;
        before(async () => {
            k8s = await run("local-k8s", { ...stackFile("local-k8s"), "gin-deploy:kubeconfig": KUBECONFIG, "gin-deploy:image": IMAGE });
        });

        it("runs the given image on the cluster from the kubeconfig's provider, with no SSH, no Go build and no image build", () => {
            const types = k8s.resources.map((r) => r.type);
            assert.ok(types.includes("pulumi:providers:kubernetes"), types.join(", "));
            assert.ok(types.includes("gindeploy:kubernetes:KubernetesService"));
            assert.deepStrictEqual(
                types.filter((t) => t.startsWith("command:") || t.startsWith("docker:") || t.startsWith("aws:")),
                [],
            );
            const deployment = k8s.resources.filter((r) => r.type === "kubernetes:apps/v1:Deployment")[0];
            assert.strictEqual(deployment.inputs.spec.template.spec.containers[0].image, IMAGE);
            assert.strictEqual(deployment.inputs.spec.replicas, 2);
            const provider = k8s.resources.filter((r) => r.type === "pulumi:providers:kubernetes")[0];
            assert.ok(provider.secretPaths.includes("kubeconfig"), `the kubeconfig is not secret: ${provider.secretPaths}`);
        });

        it("exports the node-port URL on 127.0.0.1, the Deployment's name and the namespace", () => {
            assert.strictEqual(k8s.outputs.url, "http://127.0.0.1:30080");
            assert.strictEqual(k8s.outputs.namespace, "gin-app");
            assert.match(String(k8s.outputs.deploymentName), /gin-app/);
            assert.strictEqual(k8s.outputs.mode, "container");
        });
    });

    describe("prod settings in systemd mode", () => {
        it("hands the host sslmode require and pool 20", async () => {
            const prod = await run("prod", {
                ...stackFile("prod"),
                ...PER_USER_AWS,
                "gin-deploy:mode": "systemd",
                "gin-deploy:instanceType": "t3.small",
            });
            const stdin: string = named(prod.resources, "gin-app-release").inputs.stdin;
            assert.match(stdin, /DB_SSLMODE=.?require/);
            assert.match(stdin, /DB_POOL_SIZE=.?20\b/);
            assert.match(stdin, /APP_ENV=.?prod\b/);
            const binaryPath: string = named(prod.resources, "gin-app-binary").inputs.source.path;
            assert.strictEqual(readElfFacts(fs.readFileSync(binaryPath)).architecture, "amd64");
        });
    });

    describe("stops before anything remote", () => {
        it("on a compile error, with the compiler's message", () => {
            useStack("dev", { ...stackFile("dev"), ...PER_USER_AWS }, SECRET_KEYS);
            assert.throws(
                () => deployStack(loadConfig(ROOT), { appDir: BROKEN, buildCacheDir: cacheDir }),
                (error: unknown) =>
                    pulumi.RunError.isInstance(error) &&
                    /go build of .*broken-module .* failed .*nothing was deployed[\s\S]*undefined: undefinedFunction/.test(error.message),
            );
            assert.deepStrictEqual(resourcesOfType("aws:ec2/instance:Instance"), []);
            assert.deepStrictEqual(
                recorded.resources.filter((r) => r.type.startsWith("command:") || r.type.startsWith("aws:")),
                [],
            );
        });

        it("on a bad config, listing every problem", () => {
            useStack(
                "prod",
                {
                    ...stackFile("prod"),
                    ...PER_USER_AWS,
                    "gin-deploy:dbSslMode": "disable",
                    "gin-deploy:sshCidrs": JSON.stringify(["0.0.0.0/0"]),
                },
                SECRET_KEYS,
            );
            assert.throws(
                () => deployStack(loadConfig(ROOT), { appDir: HELLO, buildCacheDir: cacheDir }),
                /2 config problems; nothing was deployed:[\s\S]*dbSslMode = "disable" is refused in prod[\s\S]*sshCidrs\[0\] = "0.0.0.0\/0" opens SSH to the whole internet/,
            );
            assert.deepStrictEqual(recorded.resources, []);
        });
    });
});

function loadConfigRelease(): string {
    useStack("dev", { ...stackFile("dev"), ...PER_USER_AWS }, SECRET_KEYS);
    return loadConfig(ROOT).release.version;
}
