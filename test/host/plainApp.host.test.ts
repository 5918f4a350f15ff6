// An ordinary Gin app (test/fixtures/plain-gin-app: r.Run() on PORT, SQLite in DATA_DIR, no
// /healthz or /version, no READY=1, exits at once on SIGTERM), deployed unmodified by SystemdService's
// options on a real systemd host over SSH: readiness { httpPath: "/" }, socketActivated false (two
// slots behind systemd-socket-proxyd), versionCheck false, a state directory. The tests run in order.
//
// Figures go to reports/host-plain-app.json.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

import { APP_PORT_IN_HOST, HostStatus, repoRoot, startHost, stopHost } from "../../scripts/localHost";
import { HostSession } from "./hostSession";
import { startLoad } from "../support/loopbackLoad";
import { BuiltBinary, buildPlainApp, deployWithOptions, DeployResult, OptionsRelease, uninstall } from "./release";
import { suiteHost } from "../support/hosts";
import { request as httpRequest } from "../../scripts/loopbackHttp";

const host = suiteHost("host");
const SERVICE = "plain-app";
const STATE = `/var/lib/${SERVICE}`;
// Arguments systemd must pass through literally (a shell or systemd's own expansion would not).
const ARGS = ["--name=a b", "$HOME", "${PORT}", "100%", ";", 'say "hi"', "back\\slash", ""];
const MIN_REQUESTS = 1000;

const figures: Record<string, unknown> = {};
let status: HostStatus;
let session: HostSession;
let v1: BuiltBinary;
let v2: BuiltBinary;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function plainRelease(binary: BuiltBinary, options: Partial<OptionsRelease["options"]> = {}): OptionsRelease {
    return {
        binary,
        serviceName: SERVICE,
        port: APP_PORT_IN_HOST,
        environment: { DATA_DIR: STATE, GIN_MODE: "release" },
        secretEnvironment: {},
        options: {
            readiness: { httpPath: "/" },
            socketActivated: false,
            versionCheck: false,
            stateDirectory: true,
            args: ARGS,
            ...options,
        },
    };
}

async function mustDeploy(r: OptionsRelease): Promise<DeployResult> {
    const result = await deployWithOptions(session, r);
    assert.strictEqual(result.code, 0, `install-release.sh exited ${result.code}:\n${result.stderr}${result.stdout}`);
    return result;
}

/** METHOD on the published app port from outside the host container. */
const request = (method: string, pathname: string, body?: string) =>
    httpRequest(method, `http://127.0.0.1:${status.appPort}${pathname}`, { body });

async function itemCount(): Promise<number> {
    const res = await request("GET", "/items");
    assert.strictEqual(res.status, 200, res.body);
    return (JSON.parse(res.body) as { count: number }).count;
}

async function slotServing(): Promise<string> {
    return (await session.run(`readlink /opt/${SERVICE}/current-slot.sock`)).trim();
}

describe("an ordinary Gin app on a real systemd host: slots, HTTP readiness, no /version, a state directory", function () {
    before(async function () {
        this.timeout(900_000);
        stopHost(host);
        status = startHost(host);
        session = await HostSession.open(status, fs.readFileSync(status.privateKeyPath));
        v1 = buildPlainApp("plain-1");
        v2 = buildPlainApp("plain-2");
        assert.notStrictEqual(v1.sha256, v2.sha256, "the two builds are the same bytes: a release would change nothing");
    });

    after(async function () {
        this.timeout(120_000);
        session?.close();
        if (figures.lost !== undefined) {
            fs.mkdirSync(path.join(repoRoot, "reports"), { recursive: true });
            const report = { command: "npm run test:host", measuredAt: new Date().toISOString(), ...figures };
            fs.writeFileSync(path.join(repoRoot, "reports", "host-plain-app.json"), JSON.stringify(report, null, 2) + "\n");
            console.log(`\nreports/host-plain-app.json:\n${JSON.stringify(report, null, 2)}`);
        }
        if (process.env.GIN_DEPLOY_KEEP_HOST !== "1") stopHost(host);
    });

    it("installs the plain app in slot blue behind the public port, which systemd owns", async () => {
        const result = await mustDeploy(plainRelease(v1));
        figures.firstDeploySeconds = Math.round(result.seconds * 100) / 100;
        assert.match(result.stdout, new RegExp(`^installed: ${SERVICE} sha-${v1.sha256.slice(0, 12)} `, "m"));
        assert.strictEqual(await slotServing(), `/run/gin-deploy/systemd/${SERVICE}/blue.sock`);
        assert.strictEqual(
            (await session.run(`systemctl is-active ${SERVICE}.socket ${SERVICE}-slot-blue.service`)).trim(),
            "active\nactive",
        );
        assert.strictEqual(
            (await session.run(`systemctl is-enabled ${SERVICE}.socket ${SERVICE}-slot-blue.service`)).trim(),
            "enabled\nenabled",
        );
        const root = await request("GET", "/");
        assert.deepStrictEqual([root.status, root.body], [200, "plain-gin-app\n"]);
        const res = await session.exec(
            `systemd-analyze verify ${["", "-slot-blue", "-bridge-blue", "-bridge-green"].map((s) => `${SERVICE}${s}.service`).join(" ")} ${SERVICE}.socket`,
        );
        assert.strictEqual(res.code, 0, res.stderr);
    });

    it("passes ExecStart's arguments to the app literally (systemd quoting, not a shell's)", async () => {
        const pid = (await session.run(`systemctl show -p MainPID --value ${SERVICE}-slot-blue.service`)).trim();
        const argv = (await session.run(`cat /proc/${pid}/cmdline | base64 -w0`)).trim();
        const words = Buffer.from(argv, "base64").toString("utf8").split("\0").slice(1, -1);
        assert.deepStrictEqual(words, ARGS);
        const environ = await session.run(`tr '\\0' '\\n' < /proc/${pid}/environ`);
        assert.match(environ, /^PORT=8081$/m, "slot blue runs with its loopback port");
    });

    it(`keeps the data: items written before a release are there after it`, async () => {
        for (const name of ["one", "two", "three"]) {
            const res = await request("POST", "/items", JSON.stringify({ name }));
            assert.strictEqual(res.status, 201, res.body);
        }
        assert.strictEqual(await itemCount(), 3);
        assert.match(await session.run(`ls ${STATE}/`), /items\.db/);
    });

    it(`releases a new binary under fresh-connection load without losing a request (>= ${MIN_REQUESTS} sent)`, async () => {
        const load = startLoad({
            url: `http://127.0.0.1:${status.appPort}/`,
            freshConnectionWorkers: 8,
            maxRequests: 400_000,
            maxSeconds: 90,
            requestTimeoutMs: 10_000,
        });
        let release: DeployResult | undefined;
        try {
            await sleep(1000);
            release = await mustDeploy(plainRelease(v2));
            await sleep(1000);
            const until = performance.now() + 30_000;
            while (load.progress().sent < MIN_REQUESTS && performance.now() < until) await sleep(200);
        } finally {
            const result = await load.stop();
            figures.sent = result.sent;
            figures.lost = result.lost;
            figures.lostBy = result.lostBy;
            figures.maxLatencyMs = result.maxLatencyMs;
            figures.releaseSecondsUnderLoad = release ? Math.round(release.seconds * 100) / 100 : undefined;
            assert.ok(result.sent >= MIN_REQUESTS, `only ${result.sent} requests sent`);
            assert.strictEqual(
                result.lost,
                0,
                `lost ${result.lost} of ${result.sent}: ${JSON.stringify(result.lostBy)} ${result.failures.join("; ")}`,
            );
        }
        assert.ok(release);
        assert.match(release.stderr, /slot blue drained and stopped/, release.stderr);
        assert.strictEqual(await slotServing(), `/run/gin-deploy/systemd/${SERVICE}/green.sock`);
        assert.strictEqual(
            (await session.run(`readlink /opt/${SERVICE}/current`)).trim(),
            `/opt/${SERVICE}/releases/sha-${v2.sha256.slice(0, 12)}-${v2.sha256.slice(0, 12)}`,
        );
        assert.strictEqual(
            (await session.exec(`systemctl is-active --quiet ${SERVICE}-slot-blue.service`)).code !== 0,
            true,
            "blue still runs",
        );
        figures.itemsAfterRelease = await itemCount();
        assert.strictEqual(figures.itemsAfterRelease, 3, "the items did not survive the release");
    });

    it("re-deploying the same release changes and restarts nothing", async () => {
        const pid = (await session.run(`systemctl show -p MainPID --value ${SERVICE}-slot-green.service`)).trim();
        const result = await mustDeploy(plainRelease(v2));
        assert.match(result.stdout, /^unchanged: /m);
        assert.strictEqual((await session.run(`systemctl show -p MainPID --value ${SERVICE}-slot-green.service`)).trim(), pid);
    });

    it("fails a release whose app never answers the health path; the serving slot is untouched", async () => {
        const result = await deployWithOptions(
            session,
            plainRelease(v1, { readiness: { httpPath: "/nope" }, healthCheck: { timeoutSeconds: 3 } }),
        );
        assert.strictEqual(result.code, 1, result.stderr);
        assert.match(result.stderr, /health check: GET http:\/\/127\.0\.0\.1:8081\/nope did not answer 2xx or 3xx within 3s/);
        assert.match(result.stderr, /rolled back: slot green keeps serving/);
        assert.strictEqual(await slotServing(), `/run/gin-deploy/systemd/${SERVICE}/green.sock`);
        assert.strictEqual(await itemCount(), 3);
    });

    it("uninstalls units, slot units and drop-ins, and keeps the state directory unless asked", async () => {
        await session.run(
            `install -d /etc/systemd/system/${SERVICE}-slot-green.service.d && printf '[Service]\\nMemoryMax=1G\\n' > /etc/systemd/system/${SERVICE}-slot-green.service.d/override.conf`,
        );
        const res = await uninstall(session, SERVICE);
        assert.strictEqual(res.code, 0, res.stderr);
        assert.match(res.stderr, /kept the app's state directory/);
        const left = await session.run(
            [
                `systemctl list-unit-files --no-legend '${SERVICE}*'`,
                `ls -d /opt/${SERVICE} /etc/${SERVICE} /var/lib/gin-deploy /run/gin-deploy /etc/systemd/system/${SERVICE}* 2>/dev/null || true`,
                `ss -Htln '( sport = :8080 or sport = :8081 or sport = :8082 )'`,
            ].join("; "),
        );
        assert.strictEqual(left.trim(), "", `left behind:\n${left}`);
        assert.match(await session.run(`ls /var/lib/private/${SERVICE}/`), /items\.db/);

        // Installed again, the data is still there; with removeStateOnDestroy the uninstall takes it.
        await mustDeploy(plainRelease(v1, { removeStateOnDestroy: true }));
        assert.strictEqual(await itemCount(), 3);
        const again = await uninstall(session, SERVICE);
        assert.strictEqual(again.code, 0, again.stderr);
        assert.strictEqual((await session.run(`ls -d ${STATE} /var/lib/private/${SERVICE} 2>/dev/null || true`)).trim(), "");
    });
});
