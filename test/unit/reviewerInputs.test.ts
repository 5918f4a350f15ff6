// What a reviewer can read in `pulumi preview --diff` (#20), under mocks: the engine shows a plain
// string input as "old" => "new" (a multi-line one as a line diff), but a text asset only as
// `asset(text:…) { <contents elided> }` and anything secret as [secret]. So each text a reviewer
// must read (units, container units, the host contract, first-boot user data, Kubernetes objects)
// and the release's version and digest must be plain inputs of the resource that carries them,
// and each secret (env file, password, SSH keys, kubeconfig, the user data with the host key) a
// secret input.
import { recorded, RecordedResource, settle, useStack, valueOf } from "../support/pulumiMocks";

import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { AppHost, ContainerService, SystemdService } from "../../components";
import { KubernetesService } from "../../components/kubernetes/kubernetesService";

const PASSWORD = "pw-reviewer-inputs-31c9";
const SSH_KEY = "ssh-private-key-reviewer-inputs";
const BINARY_SHA = "ef".repeat(32);
const IMAGE_REF = `127.0.0.1:5000/gin-app@sha256:${"ab".repeat(32)}`;

function named(name: string): RecordedResource {
    const found = recorded.resources.find((r) => r.name === name);
    assert.ok(found, `no resource ${name}; have ${recorded.resources.map((r) => r.name).join(", ")}`);
    return found;
}

/** Every text upload of a component: its trigger is its own text, multi-line and plain. */
function assertTextUploadsReadable(prefix: string, expected: string[]): void {
    const uploads = recorded.resources.filter(
        (r) => r.type === "command:remote:CopyToRemote" && r.name.startsWith(prefix) && typeof r.inputs.source?.text === "string",
    );
    assert.deepStrictEqual(uploads.map((u) => u.name).sort(), [...expected].sort());
    for (const u of uploads) {
        assert.deepStrictEqual(u.inputs.triggers, [u.inputs.source.text], `${u.name}: the trigger is not the uploaded text`);
        assert.ok(u.inputs.source.text.split("\n").length > 3, `${u.name}: not a multi-line text`);
        assert.deepStrictEqual(
            u.secretPaths.filter((p) => p.startsWith("triggers") || p.startsWith("source")),
            [],
            `${u.name}: its text is secret`,
        );
    }
}

function assertNowhere(r: RecordedResource, secret: string): void {
    assert.ok(!JSON.stringify(r.inputs.triggers ?? []).includes(secret), `${r.name}: a trigger holds a secret in plain text`);
    assert.ok(!String(r.inputs.create ?? "").includes(secret), `${r.name}: the command line holds a secret`);
}

describe("what a reviewer reads in a preview: plain inputs for texts and releases, secret inputs for secrets (#20)", () => {
    let tmp = "";
    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "gd-unit-reviewer-"));
        fs.writeFileSync(path.join(tmp, "gin-app"), "not really a binary");
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    const connection = { host: "127.0.0.1", port: 2222, user: "root", privateKey: pulumi.secret(SSH_KEY) };

    for (const slots of [false, true]) {
        it(`systemd mode${slots ? " (blue/green slots)" : ""}: every unit and the host contract are plain texts; the release names version and binary; the env file and password are secret`, async () => {
            useStack("dev");
            const svc = new SystemdService("app", {
                connection,
                binaryPath: path.join(tmp, "gin-app"),
                binarySha256: BINARY_SHA,
                version: "v2.0.0",
                port: 8080,
                environment: { APP_ENV: "dev", LOG_LEVEL: "info" },
                secretEnvironment: { DB_PASSWORD: pulumi.secret(PASSWORD) },
                ...(slots ? { socketActivated: false } : {}),
            });
            await valueOf(svc.version);
            await settle();
            const slotUploads = slots
                ? ["blue", "green"].flatMap((s) => [
                      `app-unit-bridge-${s}-socket`,
                      `app-unit-bridge-${s}-service`,
                      `app-unit-slot-${s}-service`,
                  ])
                : [];
            assertTextUploadsReadable("app-", ["app-service-unit", "app-socket-unit", "app-contract", ...slotUploads]);
            assert.match(named("app-socket-unit").inputs.triggers[0], /^ListenStream=.*8080$/m);

            const release = named("app-release");
            assert.strictEqual(release.inputs.triggers[0], BINARY_SHA, "the binary's digest");
            assert.strictEqual(release.inputs.triggers[1], "v2.0.0", "the version");
            assert.match(release.inputs.create, /--version v2\.0\.0/);
            assert.ok(!release.secretPaths.some((p) => p === "triggers[0]" || p === "triggers[1]" || p === "create"));
            assert.ok(release.secretPaths.includes("stdin"), "the env file is not secret");
            assert.deepStrictEqual(
                release.secretPaths.filter((p) => p.startsWith("triggers")),
                ["triggers[7].DB_PASSWORD"],
            );
            assert.ok(
                release.secretPaths.some((p) => p.startsWith("connection")),
                "the SSH key is not secret",
            );
            for (const r of recorded.resources) for (const secret of [PASSWORD, SSH_KEY]) assertNowhere(r, secret);
        });
    }

    it("container mode: every container unit and the host contract are plain texts; the release names image digest and version; the env file and password are secret", async () => {
        useStack("dev");
        const svc = new ContainerService("web", {
            connection,
            imageRef: IMAGE_REF,
            version: "v2.0.0",
            port: 8080,
            environment: { APP_ENV: "dev", LOG_LEVEL: "info" },
            secretEnvironment: { DB_PASSWORD: pulumi.secret(PASSWORD) },
        });
        await valueOf(svc.imageRef);
        await settle();
        const units = recorded.resources.filter((r) => r.name.startsWith("web-unit-")).map((r) => r.name);
        assert.ok(units.length >= 5, `only ${units.length} unit uploads`);
        assertTextUploadsReadable("web-", ["web-contract", ...units]);

        const release = named("web-release");
        assert.strictEqual(release.inputs.triggers[0], IMAGE_REF, "the image by digest");
        assert.strictEqual(release.inputs.triggers[1], "v2.0.0", "the version");
        assert.ok(!release.secretPaths.some((p) => p === "triggers[0]" || p === "triggers[1]"));
        const env = named("web-env");
        assert.ok(env.secretPaths.includes("stdin"), "the env file is not secret");
        assert.deepStrictEqual(
            env.secretPaths.filter((p) => p.startsWith("triggers")),
            ["triggers[0].DB_PASSWORD"],
        );
        for (const r of recorded.resources) for (const secret of [PASSWORD, SSH_KEY]) assertNowhere(r, secret);
    });

    it("aws: the caller's user data is a plain line-diffable trigger of the boot wait; the instance's user data (with the host key) stays secret", async () => {
        useStack("dev");
        const userData = ContainerService.firstBootUserData({
            region: "eu-central-1",
            registryServer: "123456789012.dkr.ecr.eu-central-1.amazonaws.com",
            port: 8080,
        });
        const host = new AppHost("web", {
            instanceType: "t4g.small",
            appPort: 8080,
            appCidrs: ["0.0.0.0/0"],
            sshCidrs: ["198.51.100.7/32"],
            sshUser: "admin",
            sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl",
            sshPrivateKey: pulumi.secret(SSH_KEY),
            userData,
        });
        await valueOf(host.appUrl);
        await settle();
        const boot = named("web-boot");
        assert.deepStrictEqual(boot.inputs.triggers, ["web-instance-id", userData]);
        assert.ok(userData.split("\n").length > 3, "the user data is not multi-line");
        assert.ok(!boot.secretPaths.some((p) => p.startsWith("triggers")), "the user data trigger is secret");
        assert.ok(!/PRIVATE KEY/.test(boot.inputs.triggers[1]), "the plain user data holds a private key");
        const instance = recorded.resources.find((r) => r.type === "aws:ec2/instance:Instance")!;
        assert.ok(instance.secretPaths.includes("userData"), "the instance's user data (host key inside) is not secret");
        assert.match(instance.inputs.userData, /PRIVATE KEY/);
    });

    it("kubernetes: the objects are plain fields (image, version, replicas, limits, settings), only the Secret's values and the kubeconfig secret", async () => {
        useStack("dev");
        const provider = new k8s.Provider("cluster", { kubeconfig: pulumi.secret("apiVersion: v1\nkind: Config\n") });
        const svc = new KubernetesService("gin-app", {
            provider,
            namespace: "gin-dev",
            imageRef: IMAGE_REF,
            version: "v2.0.0",
            port: 8080,
            environment: { APP_ENV: "dev", LOG_LEVEL: "info" },
            secretEnvironment: { DB_PASSWORD: pulumi.secret(PASSWORD) },
            replicas: 2,
            resources: { cpuRequest: "50m", cpuLimit: "250m", memoryRequest: "32Mi", memoryLimit: "64Mi" },
            service: { type: "ClusterIP" },
        });
        await valueOf(svc.deploymentName);
        await settle();
        const deployment = named("gin-app-deployment");
        assert.deepStrictEqual(deployment.secretPaths, [], "a secret Deployment input hides the pod template from the diff");
        const container = deployment.inputs.spec.template.spec.containers[0];
        assert.strictEqual(container.image, IMAGE_REF);
        assert.strictEqual(container.resources.limits.memory, "64Mi");
        assert.strictEqual(deployment.inputs.spec.replicas, 2);
        assert.strictEqual(deployment.inputs.metadata.labels["app.kubernetes.io/version"], "v2.0.0");
        const config = named("gin-app-config");
        assert.deepStrictEqual(config.secretPaths, []);
        assert.strictEqual(config.inputs.data.LOG_LEVEL, "info");
        const secret = named("gin-app-secret");
        assert.ok(
            secret.secretPaths.some((p) => p.startsWith("stringData")),
            "the Secret's values are not secret",
        );
        assert.ok(named("cluster").secretPaths.includes("kubeconfig"), "the kubeconfig is not secret");
        for (const r of recorded.resources.filter((x) => x.name !== "gin-app-secret")) {
            assert.ok(!JSON.stringify(r.inputs).includes(PASSWORD), `${r.name} holds the password in plain text`);
        }
    });
});
