// SystemdService's resource graph under Pulumi mocks: which remote steps it registers, what each
// one runs, and that the env file's secrets reach the engine only as secrets, on stdin.
import { recorded, settle, useStack, valueOf } from "../support/pulumiMocks";

import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

import { SystemdService } from "../../components";
import { rootArgv } from "../support/rootCommand";

const sha = "cd".repeat(32);
const PASSWORD = "pw-unit-7f3e";

function named(name: string) {
    const found = recorded.resources.find((r) => r.name === name);
    assert.ok(found, `no resource ${name}; have ${recorded.resources.map((r) => r.name).join(", ")}`);
    return found;
}

function holding(value: unknown, needle: string, at = ""): string[] {
    if (typeof value === "string") return value.includes(needle) ? [at] : [];
    if (Array.isArray(value)) return value.flatMap((v, i) => holding(v, needle, `${at}[${i}]`));
    if (typeof value === "object" && value !== null) {
        return Object.entries(value).flatMap(([k, v]) => holding(v, needle, at ? `${at}.${k}` : k));
    }
    return [];
}

describe("SystemdService (gindeploy:host:SystemdService)", () => {
    let binaryPath: string;
    let service: SystemdService;

    before(async () => {
        useStack("dev");
        binaryPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gd-unit-systemd-")), "gin-app");
        fs.writeFileSync(binaryPath, "not really a binary");
        service = new SystemdService("app", {
            connection: { host: "127.0.0.1", port: 2222, user: "root", privateKey: pulumi.secret("KEY") },
            binaryPath,
            binarySha256: sha,
            version: "v1.2.3",
            port: 8080,
            environment: { APP_ENV: "dev", LOG_LEVEL: "info" },
            secretEnvironment: { DB_PASSWORD: pulumi.secret(PASSWORD) },
        });
        await valueOf(service.version);
        await settle();
    });
    after(() => fs.rmSync(path.dirname(binaryPath), { recursive: true, force: true }));

    it("registers the staging folder, the uploads, the uninstaller and the release", () => {
        assert.deepStrictEqual(recorded.resources.map((r) => `${r.type} ${r.name}`).sort(), [
            "command:remote:Command app-release",
            "command:remote:Command app-staging",
            "command:remote:Command app-uninstall",
            "command:remote:CopyToRemote app-binary",
            "command:remote:CopyToRemote app-contract",
            "command:remote:CopyToRemote app-install-script",
            "command:remote:CopyToRemote app-script-lib",
            "command:remote:CopyToRemote app-service-unit",
            "command:remote:CopyToRemote app-socket-unit",
            "command:remote:CopyToRemote app-uninstall-script",
            "gindeploy:host:SystemdService app",
        ]);
    });

    it("uploads the binary under its digest and the real install script file", () => {
        const binary = named("app-binary").inputs;
        assert.strictEqual(binary.remotePath, `/var/lib/gin-deploy/staging/systemd/gin-app/gin-app-${sha.slice(0, 12)}`);
        assert.strictEqual(binary.source.path, binaryPath);
        assert.deepStrictEqual(binary.triggers, [sha]);
        assert.match(named("app-install-script").inputs.source.path, /systemd\/host\/install-release\.sh$/);
    });

    it("runs install-release.sh with the env file on stdin, as a secret, never on the command line", () => {
        const release = named("app-release");
        const words = rootArgv(release.inputs.create);
        assert.deepStrictEqual(words.slice(0, 2), ["bash", "/var/lib/gin-deploy/staging/systemd/gin-app/install-release.sh"]);
        assert.strictEqual(words[words.indexOf("--version") + 1], "v1.2.3");
        assert.ok(words.includes("--env-stdin"));
        assert.match(release.inputs.stdin, /^APP_ENV="dev"\nLOG_LEVEL="info"\nDB_PASSWORD="pw-unit-7f3e"\n$/);
        assert.ok(release.secretPaths.includes("stdin"), `stdin is not secret: ${release.secretPaths}`);
        assert.deepStrictEqual(holding(release.inputs, PASSWORD), ["stdin"]);
        assert.strictEqual(release.inputs.environment, undefined);
    });

    it("keeps the password out of every other resource", () => {
        const elsewhere = recorded.resources
            .filter((r) => r.name !== "app-release")
            .flatMap((r) => holding(r.inputs, PASSWORD).map((p) => `${r.name} ${p}`));
        assert.deepStrictEqual(elsewhere, []);
    });

    it("triggers the release on content hashes and the settings by name, only the secrets' digests secret", () => {
        const release = named("app-release");
        const triggers: unknown[] = release.inputs.triggers;
        assert.strictEqual(triggers[0], sha);
        assert.strictEqual(triggers[1], "v1.2.3");
        // units, socket, install script, script helpers, host contract
        assert.ok(
            triggers.slice(2, 7).every((t) => typeof t === "string" && /^[0-9a-f]{64}$/.test(t)),
            JSON.stringify(triggers),
        );
        // What a reviewer reads in the diff: LOG_LEVEL by value, DB_PASSWORD by name (its digest secret).
        const settings = triggers[7] as Record<string, string>;
        assert.deepStrictEqual(Object.keys(settings).sort(), ["APP_ENV", "DB_PASSWORD", "LOG_LEVEL"]);
        assert.strictEqual(settings.LOG_LEVEL, "info");
        assert.match(settings.DB_PASSWORD, /^sha256:[0-9a-f]{64}$/);
        assert.ok(!JSON.stringify(triggers).includes(PASSWORD), "a trigger holds the password");
        assert.deepStrictEqual(
            release.secretPaths.filter((p) => p.startsWith("triggers")),
            ["triggers[7].DB_PASSWORD"],
            "only the password's digest may be secret: anything else secret hides the diff",
        );
        assert.strictEqual(triggers[8], false);
    });

    it("logs only stderr and does not feed earlier output back into the environment", () => {
        const release = named("app-release").inputs;
        assert.strictEqual(release.logging, "stderr");
        assert.strictEqual(release.addPreviousOutputInEnv, false);
    });

    it("uninstalls on delete from a command that nothing ever replaces", () => {
        const uninstall = named("app-uninstall").inputs;
        assert.match(uninstall.delete, /then \$as_root bash \/var\/lib\/gin-deploy\/staging\/systemd\/gin-app\/uninstall\.sh; else/);
        assert.strictEqual(uninstall.triggers, undefined);
        assert.strictEqual(named("app-release").inputs.delete, undefined);
    });

    it("exposes serviceName, unitName and version", async () => {
        assert.strictEqual(await valueOf(service.serviceName), "gin-app");
        assert.strictEqual(await valueOf(service.unitName), "gin-app.service");
        assert.strictEqual(await valueOf(service.version), "v1.2.3");
    });

    it("names the app's unit and its log when socket-activated: the service unit itself", async () => {
        assert.deepStrictEqual(await valueOf(service.appUnits), ["gin-app.service"]);
        assert.strictEqual(await valueOf(service.logsCommand), "journalctl -u gin-app.service");
        assert.strictEqual(await valueOf(service.liveUnitCommand), "echo gin-app.service");
    });

    it("refuses a service name that cannot name a unit", () => {
        assert.throws(
            () =>
                new SystemdService("bad", {
                    connection: { host: "127.0.0.1" },
                    binaryPath,
                    binarySha256: sha,
                    version: "v1",
                    port: 8080,
                    environment: {},
                    secretEnvironment: {},
                    serviceName: "Gin App",
                }),
            /serviceName "Gin App"/,
        );
    });
});

describe("SystemdService for an ordinary Gin app (slots, HTTP readiness, no /version, state directory)", () => {
    let binaryPath: string;
    let service: SystemdService;
    const args = () => ({
        connection: { host: "127.0.0.1", port: 2222, user: "root", privateKey: pulumi.secret("KEY") },
        binaryPath,
        binarySha256: sha,
        port: 8080,
        environment: { DATA_DIR: "/var/lib/plain" },
        secretEnvironment: {},
        serviceName: "plain",
        readiness: { httpPath: "/" },
        socketActivated: false,
        versionCheck: false,
        stateDirectory: true,
    });

    before(async () => {
        useStack("dev");
        binaryPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gd-unit-plain-")), "plain");
        fs.writeFileSync(binaryPath, "not really a binary");
        service = new SystemdService("plain", args());
        await valueOf(service.version);
        await settle();
    });
    after(() => fs.rmSync(path.dirname(binaryPath), { recursive: true, force: true }));

    it("uploads the six slot units and hands them, the slot ports and the checks to the release", () => {
        const uploads = recorded.resources.filter((r) => r.name.startsWith("plain-unit-")).map((r) => r.inputs.remotePath as string);
        assert.deepStrictEqual(uploads.map((p) => p.replace(/.*\//, "")).sort(), [
            "plain-bridge-blue.service",
            "plain-bridge-blue.socket",
            "plain-bridge-green.service",
            "plain-bridge-green.socket",
            "plain-slot-blue.service",
            "plain-slot-green.service",
        ]);
        const words = rootArgv(named("plain-release").inputs.create) as string[];
        const after = (flag: string) => words[words.indexOf(flag) + 1];
        assert.strictEqual(after("--slot-ports"), "8081,8082");
        assert.strictEqual(after("--health-path"), "/");
        assert.strictEqual(after("--version-check"), "off");
        assert.strictEqual(after("--version"), `sha-${sha.slice(0, 12)}`);
        assert.strictEqual(words.filter((w) => w === "--unit").length, 6);
        assert.match(named("plain-service-unit").inputs.source.text, /systemd-socket-proxyd \/opt\/plain\/current-slot\.sock/);
    });

    it("names the two slot units as the app's units, and how to find the live one and the log (unitName is only the front proxy)", async () => {
        assert.strictEqual(await valueOf(service.unitName), "plain.service");
        assert.deepStrictEqual(await valueOf(service.appUnits), ["plain-slot-blue.service", "plain-slot-green.service"]);
        assert.strictEqual(await valueOf(service.logsCommand), "journalctl -u plain-slot-blue.service -u plain-slot-green.service");
        const live = await valueOf(service.liveUnitCommand);
        assert.match(live, /readlink \/opt\/plain\/current-slot\.sock/);
        // Run as the host would, with the slot link pointing at green's socket.
        const printed = execFileSync("bash", ["-c", `readlink() { echo /run/gin-deploy/systemd/plain/green.sock; }; ${live}`], {
            encoding: "utf8",
        });
        assert.strictEqual(printed, "plain-slot-green.service\n");
    });

    it("tells where the state directory is, and names the release after the binary", async () => {
        assert.strictEqual(await valueOf(service.stateDirectoryPath), "/var/lib/plain");
        assert.strictEqual(await valueOf(service.version), `sha-${sha.slice(0, 12)}`);
    });

    it("needs no secretEnvironment: without one the env file holds environment alone, still secret on stdin", async () => {
        useStack("dev");
        const { secretEnvironment: _none, ...withoutSecrets } = args();
        void _none;
        const bare = new SystemdService("bare", { ...withoutSecrets, serviceName: "bare" });
        await valueOf(bare.version);
        await settle();
        const release = named("bare-release");
        assert.strictEqual(release.inputs.stdin, 'DATA_DIR="/var/lib/plain"\n');
        assert.ok(release.secretPaths.includes("stdin"), `stdin is not secret: ${release.secretPaths}`);
    });

    it("refuses bad options before registering anything", () => {
        const count = recorded.resources.length;
        const cases: Array<[object, RegExp]> = [
            [{ versionCheck: true }, /version is required while versionCheck is on/],
            [{ environment: { PORT: "9000" } }, /environment\.PORT is refused with socketActivated: false/],
            [{ slotPorts: { blue: 8080, green: 8082 } }, /port 8080 and slotPorts 8080\/8082 must all differ/],
            [{ extraDirectives: { NoNewPrivileges: "no" } }, /extraDirectives\.NoNewPrivileges is refused/],
            [{ args: ["ok", "line\nbreak"] }, /args entry .* holds a control character/],
        ];
        for (const [override, message] of cases) {
            assert.throws(() => new SystemdService("bad", { ...args(), ...override }), message);
        }
        assert.strictEqual(recorded.resources.length, count, "a refused service registered resources");
    });
});
