// ContainerService and AppImage under mocks: what they ask the host and the registry to do, and
// that secrets reach the engine only as secrets.
import { recorded, resourcesOfType, settle, useStack, valueOf } from "./pulumiMocks";

import * as assert from "assert";
import { parse } from "shell-quote";
import * as pulumi from "@pulumi/pulumi";

import { AppImage, ContainerService } from "../../components";

const REF = `127.0.0.1:5000/gin-app@sha256:${"cd".repeat(32)}`;
const PASSWORD = "db-secret-7d1f";
const TOKEN = "registry-token-51aa";

function byName(name: string) {
    const r = recorded.resources.find((x) => x.name === name);
    assert.ok(r, `no resource ${name}; have ${recorded.resources.map((x) => x.name).join(", ")}`);
    return r;
}

describe("ContainerService (gindeploy:host:ContainerService)", () => {
    before(async () => {
        useStack("dev");
        const svc = new ContainerService("web", {
            connection: { host: "203.0.113.10", user: "admin", privateKey: pulumi.secret("key") },
            imageRef: REF,
            version: "v1.0.0",
            port: 8080,
            environment: { APP_ENV: "dev", PORT: "8080" },
            secretEnvironment: { DB_PASSWORD: pulumi.secret(PASSWORD) },
            registry: pulumi.secret({
                server: "registry.example.com",
                repository: "registry.example.com/gin-app",
                username: "ci",
                password: TOKEN,
            }),
        });
        await valueOf(svc.imageRef);
        await settle();
    });

    it("stages, uploads the five units, both scripts, their helpers and the host contract, writes the env, logs in and releases", () => {
        const names = recorded.resources
            .filter((r) => r.type.startsWith("command:"))
            .map((r) => r.name)
            .sort();
        assert.deepStrictEqual(names, [
            "web-contract",
            "web-env",
            "web-install-script",
            "web-login",
            "web-release",
            "web-script-lib",
            "web-staging",
            "web-uninstall",
            "web-uninstall-script",
            "web-unit-gin-app-container-service",
            "web-unit-gin-app-service",
            "web-unit-gin-app-slot-service",
            "web-unit-gin-app-slot-socket",
            "web-unit-gin-app-socket",
        ]);
        assert.deepStrictEqual(parse(byName("web-release").inputs.create).slice(2, 12), [
            "release",
            "--image",
            `127.0.0.1:5000/gin-app@sha256:${"cd".repeat(32)}`,
            "--version",
            "v1.0.0",
            "--port",
            "8080",
            "--slot-ports",
            "8081,8082",
            "--health-timeout",
        ]);
    });

    it("sends the env file only on stdin, as a secret, and leaves PORT to the slot", () => {
        const env = byName("web-env");
        assert.ok(env.secretPaths.includes("stdin"), `secret paths: ${env.secretPaths.join(", ")}`);
        assert.strictEqual(env.inputs.stdin, `APP_ENV=dev\nDB_PASSWORD=${PASSWORD}\n`);
        for (const r of recorded.resources) {
            const plain = JSON.stringify({ ...r.inputs, stdin: undefined, triggers: undefined });
            assert.ok(!plain.includes(PASSWORD) && !plain.includes(TOKEN), `${r.name} carries a secret outside stdin`);
        }
    });

    it("logs in with the password on stdin, the user and server in the clear", () => {
        const login = byName("web-login");
        assert.ok(login.secretPaths.includes("stdin"));
        assert.strictEqual(login.inputs.stdin, TOKEN);
        assert.ok(!login.secretPaths.includes("create"), "the login command itself need not be secret");
        assert.deepStrictEqual(parse(login.inputs.create).slice(2), ["login", "--server", "registry.example.com", "--username", "ci"]);
    });

    it("uninstalls on delete from a command that is never replaced (no triggers)", () => {
        const u = byName("web-uninstall");
        assert.strictEqual(u.inputs.triggers, undefined);
        assert.match(u.inputs.delete, /then bash \/var\/lib\/gin-deploy\/gin-app\/staging\/uninstall-container\.sh; fi$/);
    });
});

describe("AppImage (gindeploy:image:AppImage)", () => {
    it("builds for the host's platform with BuildKit, stamps the release and pushes with a secret password", async () => {
        useStack("dev");
        const image = new AppImage("web", {
            context: "app",
            platform: "linux/arm64",
            version: "v2",
            commit: "abc",
            date: "2026-01-01T00:00:00Z",
            registry: pulumi.secret({
                server: "registry.example.com",
                repository: "registry.example.com/gin-app",
                username: "ci",
                password: TOKEN,
            }),
            builderImage: "gin-deploy/standin-golang:x",
        });
        assert.match(await valueOf(image.imageRef), /^registry\.example\.com\/gin-app@sha256:[0-9a-f]{64}$/);
        await settle();
        const [img] = resourcesOfType("docker:index/image:Image");
        assert.strictEqual(img.inputs.imageName, "registry.example.com/gin-app:v2");
        assert.deepStrictEqual(img.inputs.build, {
            context: "app",
            dockerfile: "app/Dockerfile",
            platform: "linux/arm64",
            builderVersion: "BuilderBuildKit",
            args: { VERSION: "v2", COMMIT: "abc", DATE: "2026-01-01T00:00:00Z", BUILDER_IMAGE: "gin-deploy/standin-golang:x" },
        });
        assert.ok(
            img.secretPaths.some((p) => p.startsWith("registry")),
            `secret paths: ${img.secretPaths.join(", ")}`,
        );
        assert.ok(!img.secretPaths.includes("imageName"), "the image name is not a secret");
    });
});

describe("EcrRegistry (gindeploy:image:EcrRegistry)", () => {
    it("scans on push, keeps the last N images, and hands out the token's password as a secret", async () => {
        useStack("prod");
        const { EcrRegistry } = await import("../../components");
        const ecr = new EcrRegistry("web", { keepImages: 7 });
        const registry = await valueOf(ecr.registry);
        assert.strictEqual(registry.server, "123456789012.dkr.ecr.eu-central-1.amazonaws.com");
        assert.strictEqual(registry.repository, "123456789012.dkr.ecr.eu-central-1.amazonaws.com/gin-app");
        assert.strictEqual(registry.username, "AWS");
        assert.ok(await pulumi.isSecret(ecr.registry), "the registry output holds the password: it must be secret");
        await settle();
        const [repo] = resourcesOfType("aws:ecr/repository:Repository");
        assert.deepStrictEqual(repo.inputs.imageScanningConfiguration, { scanOnPush: true });
        const [policy] = resourcesOfType("aws:ecr/lifecyclePolicy:LifecyclePolicy");
        assert.strictEqual(JSON.parse(policy.inputs.policy).rules[0].selection.countNumber, 7);
        assert.ok(recorded.calls.some((c) => c.token === "aws:ecr/getAuthorizationToken:getAuthorizationToken"));
    });
});
