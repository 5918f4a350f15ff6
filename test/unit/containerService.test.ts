// ContainerService and AppImage under mocks: what they ask the host and the registry to do, and
// that secrets reach the engine only as secrets.
import { recorded, resourcesOfType, settle, useStack, valueOf } from "../support/pulumiMocks";

import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { rootArgv } from "../support/rootCommand";
import * as pulumi from "@pulumi/pulumi";

import { AppImage, ContainerService } from "../../components";
import { buildGoBinary } from "../../components/build/goBuild";
import { writeBinaryContext } from "../../components/container/binaryContext";

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
        assert.deepStrictEqual(rootArgv(byName("web-release").inputs.create).slice(2), [
            "release",
            "--image",
            `127.0.0.1:5000/gin-app@sha256:${"cd".repeat(32)}`,
            "--version",
            "v1.0.0",
            "--port",
            "8080",
            "--slot-ports",
            "8081,8082",
            // The release defaults both modes share, each given explicitly.
            "--health-path",
            "/healthz",
            "--health-timeout",
            "60",
            "--drain-timeout",
            "30",
            "--version-check",
            "on",
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

    it("re-runs the env step and the release on the settings by name, only the secrets' digests secret", () => {
        for (const name of ["web-env", "web-release"]) {
            const r = byName(name);
            const triggers = r.inputs.triggers as unknown[];
            const at = triggers.findIndex((t) => typeof t === "object" && t !== null && "APP_ENV" in (t as object));
            assert.ok(at >= 0, `${name}: no settings map in its triggers: ${JSON.stringify(triggers)}`);
            const settings = triggers[at] as Record<string, string>;
            assert.strictEqual(settings.APP_ENV, "dev");
            assert.match(settings.DB_PASSWORD, /^sha256:[0-9a-f]{64}$/);
            assert.ok(!JSON.stringify(triggers).includes(PASSWORD), `${name}: a trigger holds the password`);
            assert.deepStrictEqual(
                r.secretPaths.filter((p) => p.startsWith("triggers")),
                [`triggers[${at}].DB_PASSWORD`],
                `${name}: only the password's digest may be secret`,
            );
        }
    });

    it("logs in with the password on stdin, the user and server in the clear", () => {
        const login = byName("web-login");
        assert.ok(login.secretPaths.includes("stdin"));
        assert.strictEqual(login.inputs.stdin, TOKEN);
        assert.ok(!login.secretPaths.includes("create"), "the login command itself need not be secret");
        assert.deepStrictEqual(rootArgv(login.inputs.create).slice(2), ["login", "--server", "registry.example.com", "--username", "ci"]);
    });

    it("keeps the release's output secret and logs only stderr, as systemd mode does (its failure holds the app's log lines)", () => {
        const release = byName("web-release");
        // The host script prints progress and a failure's last 50 log lines on stderr, its summary on stdout.
        assert.strictEqual(release.inputs.logging, "stderr");
        for (const output of ["stdout", "stderr"]) {
            assert.ok(
                release.additionalSecretOutputs.includes(output),
                `${output} is stored in plain text: ${release.additionalSecretOutputs}`,
            );
        }
        assert.strictEqual(release.inputs.addPreviousOutputInEnv, false);
    });

    it("uninstalls on delete from a command that is never replaced (no triggers)", () => {
        const u = byName("web-uninstall");
        assert.strictEqual(u.inputs.triggers, undefined);
        assert.match(u.inputs.delete, /then \$as_root bash \/var\/lib\/gin-deploy\/gin-app\/staging\/uninstall-container\.sh; fi$/);
    });
});

describe("ContainerService for an ordinary Gin app (health path, no /version, state volume, args, drain)", () => {
    const plain = {
        connection: { host: "203.0.113.10", user: "admin", privateKey: pulumi.secret("key") },
        imageRef: REF,
        port: 8080,
        environment: { DATA_DIR: "/data" },
        secretEnvironment: {},
    };

    it("hands the options to the release, the container unit and the uninstall", async () => {
        useStack("dev");
        const svc = new ContainerService("plain", {
            ...plain,
            healthCheck: { path: "/", timeoutSeconds: 30 },
            versionCheck: false,
            stateVolume: { removeStateOnDestroy: true },
            args: ["--verbose"],
            workingDirectory: "/srv",
            drainTimeoutSeconds: 20,
        });
        await valueOf(svc.imageRef);
        await settle();
        const release = rootArgv(byName("plain-release").inputs.create) as string[];
        assert.deepStrictEqual(release.slice(release.indexOf("--health-path")), [
            "--health-path",
            "/",
            "--health-timeout",
            "30",
            "--drain-timeout",
            "20",
            "--version-check",
            "off",
            "--state-volume",
            "gin-app-state",
            "--state-mount",
            "/data",
            "--state-owner",
            "65532:65532",
        ]);
        assert.strictEqual(release[release.indexOf("--version") + 1], `sha256-${"cd".repeat(6)}`);
        const unit = byName("plain-unit-gin-app-container-service").inputs.source as { text: string };
        assert.match(unit.text, /--mount type=volume,source=gin-app-state,target=\/data/);
        assert.match(unit.text, /--workdir \/srv/);
        assert.match(unit.text, /^ {2}\$\{IMAGE\} "--verbose"$/m);
        assert.match(byName("plain-uninstall").inputs.delete, /uninstall-container\.sh --remove-state-volume gin-app-state; fi$/);
    });

    it("names the app's units, its containers, how to find the live one and where the log is", async () => {
        useStack("dev");
        const svc = new ContainerService("plain", { ...plain, serviceName: "items", healthCheck: { path: "/" }, versionCheck: false });
        assert.deepStrictEqual(await valueOf(svc.appUnits), ["items-container@blue.service", "items-container@green.service"]);
        assert.deepStrictEqual(await valueOf(svc.containers), ["items-blue", "items-green"]);
        assert.strictEqual(await valueOf(svc.logsCommand), "journalctl -u items-container@blue.service -u items-container@green.service");
        const live = await valueOf(svc.liveContainerCommand);
        assert.match(live, /readlink \/var\/lib\/gin-deploy\/items\/current\.sock/);
        // Run as the host would, with the current link pointing at green's socket.
        const printed = execFileSync("bash", ["-c", `readlink() { echo /run/gin-deploy/items/green.sock; }; ${live}`], {
            encoding: "utf8",
        });
        assert.strictEqual(printed, "items-green\n");
    });

    it("needs no secretEnvironment: without one the env file holds environment alone, still secret on stdin", async () => {
        useStack("dev");
        const { secretEnvironment: _none, ...withoutSecrets } = plain;
        void _none;
        const svc = new ContainerService("nosecret", { ...withoutSecrets, versionCheck: false });
        await valueOf(svc.imageRef);
        await settle();
        const env = byName("nosecret-env");
        assert.strictEqual(env.inputs.stdin, "DATA_DIR=/data\n");
        assert.ok(env.secretPaths.includes("stdin"), `secret paths: ${env.secretPaths.join(", ")}`);
    });

    it("keeps the reference app's release triggers (drain 0, as the stack gives it), and re-runs the release when an option changes", async () => {
        const triggersOf = async (extra: Partial<ConstructorParameters<typeof ContainerService>[1]>) => {
            useStack("dev");
            new ContainerService("t", { ...plain, version: "v1", ...extra });
            await settle();
            return byName("t-release").inputs.triggers as unknown[];
        };
        const reference = await triggersOf({ drainTimeoutSeconds: 0 });
        assert.strictEqual(reference.length, 9);
        assert.strictEqual(reference[1], "v1");
        assert.strictEqual((await triggersOf({})).length, 10, "the default 30 s drain is an option the release carries");
        const withPath = await triggersOf({ healthCheck: { path: "/" }, drainTimeoutSeconds: 0 });
        assert.strictEqual(withPath.length, 10);
        assert.notDeepStrictEqual(await triggersOf({ healthCheck: { path: "/ping" } }), withPath);
    });

    it("refuses a bad option with its name, value and fix before any resource is registered", async () => {
        const refusals: Array<[Partial<ConstructorParameters<typeof ContainerService>[1]>, RegExp]> = [
            [{}, /version is missing while versionCheck is true/],
            [{ version: "v1", healthCheck: { path: "healthz" } }, /healthCheck\.path "healthz"/],
            [{ versionCheck: false, stateVolume: { mountPath: "/proc/x" } }, /stateVolume\.mountPath "\/proc\/x"/],
            [{ versionCheck: false, stateVolume: { uid: -5 } }, /stateVolume\.uid=-5/],
            [{ versionCheck: false, drainTimeoutSeconds: 3601 }, /drainTimeoutSeconds=3601/],
            [
                { versionCheck: false, workingDirectory: "/a", workingDir: "/a" },
                /workingDirectory "\/a" and workingDir "\/a" are both given/,
            ],
            [{ versionCheck: false, args: ["a\nb"] }, /args\[0\]/],
        ];
        for (const [extra, message] of refusals) {
            useStack("dev");
            assert.throws(() => new ContainerService("bad", { ...plain, ...extra }), message);
            await settle();
            assert.deepStrictEqual(
                recorded.resources.map((r) => r.name),
                [],
                `registered after refusing ${JSON.stringify(extra)}`,
            );
        }
    });
});

describe("AppImage from a prebuilt binary (binaryPath)", function () {
    this.timeout(300_000);
    let dir: string;
    let binary: string;
    const base = {
        platform: "linux/amd64",
        version: "v3",
        commit: "abc",
        date: "2026-01-01T00:00:00Z",
        registry: { server: "127.0.0.1:5000", repository: "127.0.0.1:5000/hello" },
    };

    before(function () {
        // A real go build (cached after the first run); slow on a busy 2-core machine.
        this.timeout(180_000);
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "gd-unit-binimage-"));
        binary = buildGoBinary({
            moduleDir: path.join(__dirname, "fixtures", "hello-module"),
            packagePath: ".",
            binaryName: "hello",
            cacheDir: path.join(dir, "build"),
            goos: "linux",
            goarch: "amd64",
            stamp: { version: "v3", commit: "abc", date: "2026-01-01T00:00:00Z" },
        }).path;
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("builds a generated context holding only the binary and its Dockerfile, on the given runtime base", async () => {
        useStack("dev");
        const contexts = path.join(dir, "contexts");
        const image = new AppImage("bin", {
            ...base,
            binaryPath: pulumi.output(binary),
            binaryContextDir: contexts,
            runtimeImage: "stand-in:1",
        });
        await valueOf(image.imageRef);
        await settle();
        const [img] = resourcesOfType("docker:index/image:Image");
        const build = img.inputs.build as { context: string; dockerfile: string; args: Record<string, string> };
        assert.ok(build.context.startsWith(contexts + path.sep), build.context);
        assert.strictEqual(build.dockerfile, `${build.context}/Dockerfile`);
        assert.deepStrictEqual(fs.readdirSync(build.context).sort(), ["Dockerfile", "hello"]);
        assert.match(fs.readFileSync(build.dockerfile, "utf8"), /^ENTRYPOINT \["\/hello"\]$/m);
        assert.deepStrictEqual(fs.readFileSync(path.join(build.context, "hello")), fs.readFileSync(binary));
        assert.deepStrictEqual(build.args, { VERSION: "v3", COMMIT: "abc", DATE: "2026-01-01T00:00:00Z", RUNTIME_IMAGE: "stand-in:1" });
        assert.strictEqual(img.inputs.imageName, "127.0.0.1:5000/hello:v3");
    });

    it("refuses both or neither of context and binaryPath and a builder image before registering, and a binary that is not static", async () => {
        const refusals: Array<[Record<string, unknown>, RegExp]> = [
            [{}, /give exactly one of context .* and binaryPath .*got neither/],
            [{ context: "app", binaryPath: binary }, /got both/],
            [{ binaryPath: binary, builderImage: "b:1" }, /builderImage has no use with binaryPath/],
        ];
        for (const [extra, message] of refusals) {
            useStack("dev");
            assert.throws(() => new AppImage("bad", { ...base, ...extra } as ConstructorParameters<typeof AppImage>[1]), message);
            await settle();
            assert.deepStrictEqual(
                recorded.resources.map((r) => r.name),
                [],
            );
        }
        // A binary the minimal base cannot load fails the image's build step, naming the fix.
        assert.throws(
            () => writeBinaryContext(fs.realpathSync("/bin/ls"), path.join(dir, "c2")),
            /binaryPath ".*" cannot run on the image's minimal base: it is dynamically linked .*Build it static \(GoBinary with cgo "off", or cgo "static"/,
        );
        assert.throws(() => writeBinaryContext(path.join(dir, "missing"), path.join(dir, "c2")), /binaryPath ".*missing" cannot be read/);
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

describe("AppImage on a registry with immutable tags (ECR)", () => {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "gin-deploy-immutable-"));
        fs.writeFileSync(path.join(dir, "Dockerfile"), "FROM scratch\n");
        fs.writeFileSync(path.join(dir, "main.go"), "package main\n");
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    async function tagFor(version: string, immutableTags: boolean): Promise<string> {
        useStack("prod");
        const image = new AppImage("web", {
            context: dir,
            platform: "linux/arm64",
            version,
            commit: "abc",
            date: "2026-01-01T00:00:00Z",
            registry: { server: "r.example.com", repository: "r.example.com/gin-app", immutableTags },
        });
        await valueOf(image.imageRef);
        await settle();
        const [img] = resourcesOfType("docker:index/image:Image");
        return String(img.inputs.imageName);
    }

    it("tags VERSION-<content id>, so a version rebuilt with other content (a -dirty build) gets a tag of its own", async () => {
        const first = await tagFor("v1.2.3-4-gabc1234-dirty", true);
        assert.match(first, /^r\.example\.com\/gin-app:v1\.2\.3-4-gabc1234-dirty-[0-9a-f]{12}$/);
        assert.strictEqual(
            await tagFor("v1.2.3-4-gabc1234-dirty", true),
            first,
            "the same content, the same tag (the registry accepts it again)",
        );
        fs.writeFileSync(path.join(dir, "main.go"), "package main // edited, not committed\n");
        const second = await tagFor("v1.2.3-4-gabc1234-dirty", true);
        assert.notStrictEqual(second, first, "other content under the same version must not reuse the tag");
        // A registry whose tags may move keeps the plain version tag.
        assert.strictEqual(await tagFor("v1.2.3", false), "r.example.com/gin-app:v1.2.3");
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
        assert.strictEqual(repo.inputs.imageTagMutability, "IMMUTABLE", "a pushed tag must never be moved");
        assert.strictEqual(registry.immutableTags, true, "AppImage must know not to push one tag twice");
        const [policy] = resourcesOfType("aws:ecr/lifecyclePolicy:LifecyclePolicy");
        assert.strictEqual(JSON.parse(policy.inputs.policy).rules[0].selection.countNumber, 7);
        assert.ok(recorded.calls.some((c) => c.token === "aws:ecr/getAuthorizationToken:getAuthorizationToken"));
    });

    it("gives a host's role a pull policy for its repository alone: login on *, pull on the repository's ARN", async () => {
        useStack("dev");
        const { EcrRegistry } = await import("../../components");
        const ecr = new EcrRegistry("web");
        const arn = "arn:aws:ecr:eu-central-1:123456789012:repository/gin-app";
        assert.strictEqual(await valueOf(ecr.repositoryArn), arn);
        assert.deepStrictEqual(JSON.parse(await valueOf(ecr.pullPolicy)).Statement, [
            { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
            {
                Sid: "PullThisRepository",
                Effect: "Allow",
                Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
                Resource: arn,
            },
        ]);
        assert.strictEqual(await pulumi.isSecret(ecr.pullPolicy), false, "the policy holds no secret: a reviewer reads it in the diff");
    });
});
