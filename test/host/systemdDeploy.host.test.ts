// The systemd deploy on a real Linux host (the local host container: Debian, systemd as PID 1,
// sshd), over SSH, the way SystemdService does it. The tests run in order and share the host:
// each one starts from what the previous left, like releases on a real server.
//
// Figures go to reports/host.json and are printed at the end.
import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";

import { renderEnvFile } from "../../components/systemd/renderers/envFile";
import { installReleaseCommand } from "../../components/systemd/renderers/releaseCommands";
import { RELEASE_DEFAULTS } from "../../components/shared/renderers/releaseOptions";
import { renderServiceUnit } from "../../components/systemd/renderers/serviceUnit";
import { APP_PORT_IN_HOST, HostStatus, repoRoot, startHost, stopHost } from "../../scripts/localHost";
import { HostSession } from "./hostSession";
import { LoadResult, startLoad } from "../support/loopbackLoad";
import { BuiltBinary, buildApp, deploy, DeployResult, Release, uninstall } from "./release";
import { suiteHost } from "../support/hosts";
import { get as httpGet } from "../../scripts/loopbackHttp";

const host = suiteHost("host");

// A secret with every character the env file must carry literally, and a marker to search for.
const marker = `marker${randomBytes(8).toString("hex")}`;
const secret = `s3cr3t-${marker} "double" 'single' $dollar \`tick\` \\back #hash`;
const environment = { APP_ENV: "staging", LOG_LEVEL: "info" };
const secretEnvironment = { DB_PASSWORD: secret };

// Bounded load: 4 keep-alive and 4 fresh-connection workers, at most 60 s and 400k requests.
const loadOptions = (port: number) => ({
    url: `http://127.0.0.1:${port}/version`,
    keepAliveWorkers: 4,
    freshConnectionWorkers: 4,
    maxRequests: 400_000,
    maxSeconds: 60,
    requestTimeoutMs: 10_000,
});
const RESTARTS_UNDER_LOAD = 3;

const figures: Record<string, unknown> = {};
const scriptOutputs: string[] = [];

let status: HostStatus;
let session: HostSession;
let v1: BuiltBinary;
let v2: BuiltBinary;
let mislabelled: BuiltBinary;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function release(binary: BuiltBinary, overrides: Partial<Release> = {}): Release {
    return { binary, version: binary.stampedVersion, environment, secretEnvironment, ...overrides };
}

async function deployed(r: Release): Promise<DeployResult> {
    const result = await deploy(session, r);
    scriptOutputs.push(result.stdout, result.stderr);
    return result;
}

async function mustDeploy(r: Release): Promise<DeployResult> {
    const result = await deployed(r);
    assert.strictEqual(result.code, 0, `install-release.sh exited ${result.code}:\n${result.stderr}${result.stdout}`);
    return result;
}

/** GET on the published app port from outside the host container. */
const get = (pathname: string, timeoutMs = 3000) => httpGet(`http://127.0.0.1:${status.appPort}${pathname}`, { timeoutMs });

async function servedVersion(): Promise<string> {
    const res = await get("/version");
    assert.strictEqual(res.status, 200, `GET /version answered ${res.status}: ${res.body}`);
    return (JSON.parse(res.body) as { version: string }).version;
}

async function mainPid(unit = "gin-app.service"): Promise<number> {
    return Number((await session.run(`systemctl show -p MainPID --value ${unit}`)).trim());
}

/** Runs the bounded load while `during` makes its changes, then a second more. */
async function underLoad(during: () => Promise<void>): Promise<LoadResult> {
    const load = startLoad(loadOptions(status.appPort));
    let failure: unknown;
    try {
        await sleep(1000);
        await during();
        await sleep(1000);
    } catch (err) {
        failure = err;
    }
    const result = await load.stop();
    if (failure) throw failure;
    return result;
}

function round(value: number, digits = 2): number {
    const f = 10 ** digits;
    return Math.round(value * f) / f;
}

describe("systemd deploy on a real host (local host container, over SSH)", function () {
    before(async function () {
        this.timeout(900_000);
        // A fresh host for every run: nothing left from an earlier run can make a test pass.
        stopHost(host);
        status = startHost(host);
        session = await HostSession.open(status, fs.readFileSync(status.privateKeyPath));
        v1 = buildApp("host-suite-1");
        v2 = buildApp("host-suite-2");
        mislabelled = buildApp("host-suite-mislabelled");
    });

    after(async function () {
        this.timeout(120_000);
        session?.close();
        const report = {
            command: "npm run test:host",
            measuredAt: new Date().toISOString(),
            host: status ? `${status.image} (${host.name})` : undefined,
            ...figures,
        };
        const required = [
            "exposure",
            "lostWithSocketActivation",
            "lostWithPlainRestart",
            "requestsSent",
            "recoverySeconds",
            "deploySeconds",
            "redeploySeconds",
        ];
        const missing = required.filter((key) => figures[key] === undefined);
        if (missing.length === 0) {
            fs.mkdirSync(path.join(repoRoot, "reports"), { recursive: true });
            fs.writeFileSync(path.join(repoRoot, "reports", "host.json"), JSON.stringify(report, null, 2) + "\n");
            console.log(`\nreports/host.json:\n${JSON.stringify(report, null, 2)}`);
        } else {
            // A partial run (--grep, or a failure) must not replace the figures of a whole one.
            console.log(
                `\nnot writing reports/host.json: no ${missing.join(", ")} measured in this run. Figures measured:\n${JSON.stringify(report, null, 2)}`,
            );
        }
        if (process.env.GIN_DEPLOY_KEEP_HOST === "1") {
            console.log(
                `keeping ${host.name} (GIN_DEPLOY_KEEP_HOST=1); remove it with GIN_DEPLOY_HOST_NAME=${host.name} GIN_DEPLOY_HOST_SSH_PORT=${host.sshPort} GIN_DEPLOY_HOST_APP_PORT=${host.appPort} bash local/host.sh stop`,
            );
        } else {
            stopHost(host);
        }
    });

    it("the local host publishes SSH and the app port on 127.0.0.1 only and takes keys only", async () => {
        const bindings = execFileSync(
            "docker",
            [
                "inspect",
                "-f",
                "{{range $port, $to := .HostConfig.PortBindings}}{{range $to}}{{$port}}={{.HostIp}}:{{.HostPort}} {{end}}{{end}}",
                host.name,
            ],
            { encoding: "utf8" },
        );
        assert.strictEqual(bindings.trim(), `22/tcp=127.0.0.1:${status.sshPort} 8080/tcp=127.0.0.1:${status.appPort}`);
        const sshd = await session.run(
            "sshd -T | grep -E '^(passwordauthentication|kbdinteractiveauthentication|permitemptypasswords|permitrootlogin) '",
        );
        assert.strictEqual(
            sshd.trim().split("\n").sort().join("\n"),
            "kbdinteractiveauthentication no\npasswordauthentication no\npermitemptypasswords no\npermitrootlogin without-password",
        );
        // A password login is refused by the server itself (ssh2 offers only the password).
        const { Client } = await import("ssh2");
        const refused = await new Promise<string>((resolve) => {
            const c = new Client();
            c.on("ready", () => {
                c.end();
                resolve("logged in");
            });
            c.on("error", (err) => resolve(err.message));
            c.connect({
                host: "127.0.0.1",
                port: status.sshPort,
                username: "root",
                password: "root",
                tryKeyboard: true,
                readyTimeout: 10000,
            });
        });
        assert.match(refused, /authentication methods failed/);
        assert.strictEqual((await session.run("getent shadow root | cut -d: -f2")).trim(), "*", "root has a password hash");
    });

    it("installs the first release, enabled at boot, socket and service active", async () => {
        const result = await mustDeploy(release(v1));
        figures.deploySeconds = round(result.seconds);
        assert.match(result.stdout, /^installed: gin-app host-suite-1 /m);
        assert.strictEqual((await session.run("systemctl is-enabled gin-app.socket gin-app.service")).trim(), "enabled\nenabled");
        assert.strictEqual((await session.run("systemctl is-active gin-app.socket gin-app.service")).trim(), "active\nactive");
        assert.strictEqual(
            (await session.run("readlink /opt/gin-app/current")).trim(),
            `/opt/gin-app/releases/host-suite-1-${v1.sha256.slice(0, 12)}`,
        );
    });

    it("answers on 127.0.0.1 from outside the host, listening on 0.0.0.0 inside (S2)", async () => {
        assert.strictEqual(await servedVersion(), "host-suite-1");
        const health = await get("/healthz");
        assert.strictEqual(health.status, 200);
        const listening = await session.run(`ss -Htln 'sport = :${APP_PORT_IN_HOST}'`);
        assert.match(listening, new RegExp(`0\\.0\\.0\\.0:${APP_PORT_IN_HOST}\\b`), `ss shows:\n${listening}`);
    });

    it("passes systemd-analyze verify", async () => {
        const res = await session.exec("systemd-analyze verify gin-app.service gin-app.socket");
        assert.strictEqual(res.code, 0, res.stderr);
        assert.strictEqual(res.stderr.trim(), "", `systemd-analyze verify complained:\n${res.stderr}`);
    });

    it("re-deploying the same release changes and restarts nothing", async () => {
        const pid = await mainPid();
        const before = await session.run(
            "stat -c '%Y %i' /opt/gin-app/releases/* /etc/gin-app/gin-app.env /etc/systemd/system/gin-app.service; readlink /opt/gin-app/current",
        );
        const result = await mustDeploy(release(v1));
        figures.redeploySeconds = round(result.seconds);
        assert.match(result.stdout, /^unchanged: gin-app host-suite-1 /m);
        assert.strictEqual(await mainPid(), pid, "the service was restarted");
        assert.strictEqual(
            await session.run(
                "stat -c '%Y %i' /opt/gin-app/releases/* /etc/gin-app/gin-app.env /etc/systemd/system/gin-app.service; readlink /opt/gin-app/current",
            ),
            before,
        );
    });

    it(`releases ${RESTARTS_UNDER_LOAD} new versions under load without losing a request (socket activation)`, async () => {
        const releases: DeployResult[] = [];
        const load = await underLoad(async () => {
            for (const binary of [v2, v1, v2].slice(0, RESTARTS_UNDER_LOAD)) {
                releases.push(await mustDeploy(release(binary)));
            }
        });
        figures.requestsSent = load.sent;
        figures.lostWithSocketActivation = load.lost;
        figures.releaseSecondsUnderLoad = releases.map((r) => round(r.seconds));
        figures.loadSocketActivation = { ...load, restarts: RESTARTS_UNDER_LOAD };
        assert.ok(
            load.versions["host-suite-1"] > 0 && load.versions["host-suite-2"] > 0,
            `the load saw both versions: ${JSON.stringify(load.versions)}`,
        );
        assert.strictEqual(load.lost, 0, `lost ${load.lost} of ${load.sent}: ${JSON.stringify(load.lostBy)}`);
    });

    it("the same load against a plain unit restarted with `systemctl restart` (the article's way) loses requests", async () => {
        // Same binary, same hardening, no socket: the app binds 0.0.0.0:8080 itself.
        await session.run("systemctl stop gin-app.service gin-app.socket");
        try {
            await session.run(
                [
                    "install -d -m 0755 /opt/gin-plain/releases/r",
                    "cp /opt/gin-app/current/gin-app /opt/gin-plain/releases/r/gin-plain",
                    "ln -sfn /opt/gin-plain/releases/r /opt/gin-plain/current",
                    "install -d -m 0700 /etc/gin-plain",
                    "umask 077 && cat > /etc/gin-plain/gin-plain.env",
                ].join(" && "),
                renderEnvFile({ ...environment, HOST: "0.0.0.0", PORT: String(APP_PORT_IN_HOST) }, secretEnvironment),
            );
            await session.upload(
                renderServiceUnit({ serviceName: "gin-plain", socketActivated: false }),
                "/etc/systemd/system/gin-plain.service",
            );
            await session.run("systemctl daemon-reload && systemctl start gin-plain.service");
            assert.strictEqual(await servedVersion(), "host-suite-2");

            const load = await underLoad(async () => {
                for (let i = 0; i < RESTARTS_UNDER_LOAD; i++) {
                    await session.run("systemctl restart gin-plain.service");
                    await sleep(1000);
                }
            });
            figures.lostWithPlainRestart = load.lost;
            figures.requestsSentPlainRestart = load.sent;
            figures.loadPlainRestart = { ...load, restarts: RESTARTS_UNDER_LOAD };
            assert.ok(
                load.lost > 0,
                `a plain restart lost nothing (${load.sent} sent): the load did not reach the restart window, so the comparison proves nothing`,
            );
        } finally {
            await session.run(
                "systemctl disable --now gin-plain.service 2>/dev/null; rm -rf /etc/systemd/system/gin-plain.service /opt/gin-plain /etc/gin-plain; systemctl daemon-reload; systemctl start gin-app.socket gin-app.service",
            );
        }
        assert.strictEqual(await servedVersion(), "host-suite-2");
    });

    it("recovers from kill -9 of the main process within 5 s", async () => {
        const pid = await mainPid();
        const restartsBefore = Number((await session.run("systemctl show -p NRestarts --value gin-app")).trim());
        const killed = performance.now();
        await session.run(`kill -9 ${pid}`);
        let recovered = 0;
        while (performance.now() - killed < 15_000) {
            try {
                if ((await get("/healthz", 2000)).status === 200) {
                    recovered = performance.now();
                    break;
                }
            } catch {
                // not yet
            }
            await sleep(50);
        }
        assert.ok(recovered > 0, "no answer within 15 s of kill -9");
        figures.recoverySeconds = round((recovered - killed) / 1000);
        const newPid = await mainPid();
        assert.notStrictEqual(newPid, pid);
        assert.strictEqual(Number((await session.run("systemctl show -p NRestarts --value gin-app")).trim()), restartsBefore + 1);
        assert.ok((recovered - killed) / 1000 <= 5, `recovered after ${figures.recoverySeconds} s`);
    });

    it("rolls back a release whose /version is not the version deployed; the old one keeps answering", async () => {
        let result: DeployResult | undefined;
        const load = await underLoad(async () => {
            result = await deployed({ ...release(mislabelled), version: "host-suite-3" });
        });
        figures.lostDuringRollback = load.lost;
        assert.ok(result);
        assert.strictEqual(result.code, 1, `expected a failed release:\n${result.stderr}`);
        assert.match(
            result.stderr,
            /release host-suite-3 FAILED: version check: \/version reports 'host-suite-mislabelled', expected 'host-suite-3'/,
        );
        assert.match(result.stderr, /last 50 journal lines of gin-app\.service/);
        assert.match(
            result.stderr,
            /--- last 50 journal lines[^]*gin-app\[\d+\]: [^]*--- end of journal ---/,
            `the service's journal lines are in the output:\n${result.stderr}`,
        );
        assert.match(result.stderr, /rolled back: host-suite-2-[0-9a-f]{12} is serving again/);
        assert.strictEqual(await servedVersion(), "host-suite-2");
        assert.strictEqual(
            (await session.run("readlink /opt/gin-app/current")).trim(),
            `/opt/gin-app/releases/host-suite-2-${v2.sha256.slice(0, 12)}`,
        );
        assert.strictEqual(load.lost, 0, `lost ${load.lost} during the failed release and rollback: ${JSON.stringify(load.lostBy)}`);
    });

    it("rolls back a release that does not start, restoring the previous env file", async () => {
        const envBefore = await session.run("sha256sum /etc/gin-app/gin-app.env");
        const result = await deployed(release(v1, { environment: { ...environment, LOG_LEVEL: "loud" } }));
        assert.strictEqual(result.code, 1, `expected a failed release:\n${result.stderr}`);
        assert.match(result.stderr, /release host-suite-1 FAILED: start: systemctl restart gin-app\.service failed/);
        assert.match(result.stderr, /gin-app\[\d+\]: .*LOG_LEVEL/, `the app's own error is in the journal lines shown:\n${result.stderr}`);
        assert.strictEqual(await servedVersion(), "host-suite-2");
        assert.strictEqual(await session.run("sha256sum /etc/gin-app/gin-app.env"), envBefore);
    });

    it("five releases within a minute all succeed (deliberate restarts do not trip StartLimitBurst=5)", async () => {
        const started = performance.now();
        for (const binary of [v1, v2, v1, v2, v1]) {
            await mustDeploy(release(binary));
        }
        figures.fiveReleasesSeconds = round((performance.now() - started) / 1000);
        assert.ok(performance.now() - started < 60_000, `took ${figures.fiveReleasesSeconds} s, so it did not test the 60 s window`);
        assert.strictEqual(await servedVersion(), "host-suite-1");
    });

    it("still stops a restart storm: without reset-failed, the sixth start within the minute is refused", async () => {
        let refusedAt = 0;
        for (let i = 1; i <= 6 && !refusedAt; i++) {
            if ((await session.exec("systemctl restart gin-app.service")).code !== 0) refusedAt = i;
        }
        const result = (await session.run("systemctl show -p Result --value gin-app.service")).trim();
        assert.ok(refusedAt > 0, "six restarts within the interval were all allowed: the crash-loop guard is not there");
        assert.strictEqual(result, "start-limit-hit");
        // A release recovers the service: install-release.sh resets the counter first.
        await mustDeploy(release(v2));
        assert.strictEqual(await servedVersion(), "host-suite-2");
    });

    it("comes back after the host restarts (enabled at boot)", async () => {
        session.close();
        const started = performance.now();
        execFileSync("docker", ["restart", host.name], { stdio: "ignore" });
        let version = "";
        while (performance.now() - started < 90_000 && !version) {
            try {
                version = await servedVersion();
            } catch {
                await sleep(250);
            }
        }
        figures.hostRestartSeconds = round((performance.now() - started) / 1000);
        session = await HostSession.open(status, fs.readFileSync(status.privateKeyPath));
        assert.strictEqual(version, "host-suite-2");
        assert.strictEqual((await session.run("systemctl is-active gin-app.socket gin-app.service")).trim(), "active\nactive");
    });

    it("moves to another port when the port changes, and back", async () => {
        await mustDeploy(release(v2, { port: 8081 }));
        assert.match(await session.run("ss -Htln"), /0\.0\.0\.0:8081\b/);
        assert.doesNotMatch(await session.run("ss -Htln"), /:8080\b/, "the old port is still open");
        assert.match(await session.run("curl -fsS http://127.0.0.1:8081/version"), /"version":"host-suite-2"/);
        await mustDeploy(release(v2, { port: APP_PORT_IN_HOST }));
        assert.strictEqual(await servedVersion(), "host-suite-2");
        assert.doesNotMatch(await session.run("ss -Htln"), /:8081\b/);
    });

    it("opens the port in ufw when hostFirewall is on and closes it when off (ufw stubbed: the host has none)", async () => {
        // A recording stand-in for ufw: the host container has no netfilter for a real one, and what the
        // script asks of ufw (allow on install, delete on uninstall) is what this test is about.
        await session.upload('#!/bin/sh\necho "$*" >> /var/log/ufw-calls.log\n', "/usr/local/sbin/ufw");
        await session.run("chmod 0755 /usr/local/sbin/ufw && : > /var/log/ufw-calls.log");
        const pid = await mainPid();
        await mustDeploy(release(v2, { hostFirewall: true }));
        await mustDeploy(release(v2, { hostFirewall: false }));
        await mustDeploy(release(v2, { hostFirewall: true }));
        assert.strictEqual(
            await session.run("cat /var/log/ufw-calls.log"),
            "allow 8080/tcp comment gin-app\ndelete allow 8080/tcp\nallow 8080/tcp comment gin-app\n",
        );
        assert.strictEqual(await mainPid(), pid, "a firewall change alone restarted the service");
    });

    it("takes the env file from an uploaded 0600 file too, and refuses one others can read", async () => {
        const line = installReleaseCommand({
            serviceName: "gin-app",
            version: "host-suite-2",
            binarySha256: v2.sha256,
            port: APP_PORT_IN_HOST,
            hostFirewall: true,
            healthPath: RELEASE_DEFAULTS.healthPath,
            healthTimeoutSec: RELEASE_DEFAULTS.healthTimeoutSeconds,
            versionCheck: true,
        }).replace(/ --env-stdin( |$)/, " --env-file /root/upload.env$1");
        assert.match(line, /--env-file \/root\/upload\.env/);
        const envFile = renderEnvFile(environment, secretEnvironment);
        await session.run("umask 022 && cat > /root/upload.env", envFile);
        const refused = await session.exec(line);
        scriptOutputs.push(refused.stdout, refused.stderr);
        assert.strictEqual(refused.code, 2);
        assert.match(refused.stderr, /--env-file '\/root\/upload\.env' must be mode 0600/);
        assert.strictEqual((await session.run("ls -A /etc/gin-app")).trim(), "gin-app.env", "a refused release left files behind");
        await session.run("chmod 0600 /root/upload.env");
        const accepted = await session.exec(line);
        scriptOutputs.push(accepted.stdout, accepted.stderr);
        assert.strictEqual(accepted.code, 0, accepted.stderr);
        assert.match(accepted.stdout, /^unchanged: /m, "the same content from a file is the same release");
        assert.strictEqual((await session.exec("test -e /root/upload.env")).code, 1, "the uploaded env file was left behind");
    });

    it("keeps the env file 0600 root and the secret out of ps, the units, the journal and the script output", async () => {
        assert.strictEqual((await session.run("stat -c '%a %U %G' /etc/gin-app/gin-app.env")).trim(), "600 root root");
        // The secret does reach the app, intact (so the searches below look for something real).
        const environ = await session.run(`tr '\\0' '\\n' < /proc/$(systemctl show -p MainPID --value gin-app)/environ`);
        assert.ok(environ.split("\n").includes(`DB_PASSWORD=${secret}`), "the app did not get DB_PASSWORD intact from the env file");
        assert.ok(
            Number((await session.run("journalctl -u gin-app.service --no-pager | wc -l")).trim()) > 100,
            "the journal is empty: nothing to search",
        );

        // The marker goes in on stdin into a file under /run, so no command line (ps) carries it.
        const count = async (where: string, command: string) => {
            const res = await session.exec(`m=$(mktemp -p /run); cat > "$m"; (${command}) | grep -cFf "$m"; rm -f "$m"`, marker);
            assert.strictEqual(res.stdout.trim(), "0", `the secret appears in ${where}`);
        };
        await count("ps", "ps -eo args --no-headers");
        // And while a release runs: sample every process's arguments throughout one.
        const sampler = session.exec(
            `m=$(mktemp -p /run); cat > "$m"; end=$((SECONDS + 6)); ` +
                `while [ $SECONDS -lt $end ]; do ps -eo args --no-headers; done | grep -cFf "$m"; rm -f "$m"`,
            marker,
        );
        await sleep(500);
        await mustDeploy(release(v1));
        assert.strictEqual((await sampler).stdout.trim(), "0", "the secret appears in ps during a release");
        await count(
            "the units",
            "cat /etc/systemd/system/gin-app.service /etc/systemd/system/gin-app.socket; systemctl cat gin-app.service gin-app.socket",
        );
        await count("the journal", "journalctl --no-pager -o cat");
        const files = await session.exec(
            `m=$(mktemp -p /run); cat > "$m"; grep -rlFf "$m" --exclude=gin-app.env /opt /etc /var/lib/gin-deploy /tmp /root 2>/dev/null; rm -f "$m"`,
            marker,
        );
        assert.strictEqual(files.stdout.trim(), "", "the secret is in files other than the env file");
        const leaked = scriptOutputs.filter((out) => out.includes(marker));
        assert.strictEqual(leaked.length, 0, "the secret appears in install-release.sh's output");
        assert.ok(scriptOutputs.length >= 20, "the script outputs checked include every release of this run");
    });

    it("scores at most 2.0 on systemd-analyze security (the article's unit: about 9)", async () => {
        const exposure = async (unitArg: string) => {
            const out = await session.run(`systemd-analyze security --no-pager ${unitArg} | tail -n 1`);
            const match = /Overall exposure level for .*: (\d+(?:\.\d+)?)/.exec(out);
            assert.ok(match, `no exposure level in: ${out}`);
            return Number(match[1]);
        };
        figures.exposure = await exposure("gin-app.service");
        await session.upload(ARTICLE_UNIT, "/tmp/article-gin-app.service");
        figures.articleExposure = await exposure("--offline=true /tmp/article-gin-app.service");
        if (spawnSync("systemd-analyze", ["--version"]).status === 0) {
            // The same judgement on this machine, on the rendered file.
            const file = path.join(repoRoot, ".gin-deploy", "host-suite", "gin-app.service");
            fs.writeFileSync(file, renderServiceUnit({ serviceName: "gin-app" }));
            const out = spawnSync("systemd-analyze", ["security", "--offline=true", "--no-pager", file], { encoding: "utf8" }).stdout;
            figures.exposureOffline = Number(/Overall exposure level for .*: (\d+(?:\.\d+)?)/.exec(out)?.[1]);
        }
        assert.ok((figures.exposure as number) <= 2.0, `exposure ${figures.exposure}`);
        assert.ok((figures.articleExposure as number) > 9, `the article's unit scored ${figures.articleExposure}`);
    });

    it("uninstalls without leaving anything of the app behind", async () => {
        const res = await uninstall(session);
        assert.strictEqual(res.code, 0, res.stderr);
        const left = await session.run(
            [
                "systemctl list-unit-files --no-legend 'gin-app*'",
                "ls -d /opt/gin-app /etc/gin-app /var/lib/gin-deploy /etc/systemd/system/gin-app.* 2>/dev/null || true",
                `ss -Htln 'sport = :${APP_PORT_IN_HOST}'`,
                "pgrep -a gin-app || true",
            ].join("; "),
        );
        assert.strictEqual(left.trim(), "", `left behind:\n${left}`);
        assert.match(await session.run("tail -n 1 /var/log/ufw-calls.log"), /^delete allow 8080\/tcp$/m, "the ufw rule was not removed");
        assert.strictEqual((await uninstall(session)).code, 0, "a second uninstall fails");
    });

    // The host's own services are not the deploy's: a service name that is one of theirs is refused
    // before anything changes, and a destroy of it leaves them as they were.
    for (const name of ["ssh", "gd-packaged"]) {
        it(`refuses serviceName "${name}", which the host already has, and a destroy of it leaves the host's own as it was`, async () => {
            // A packaged unit (as postgresql.service is): only in /lib/systemd/system, with a folder in /etc.
            await session.run(
                "printf '[Service]\\nExecStart=/bin/true\\n' > /lib/systemd/system/gd-packaged.service && install -d /etc/gd-packaged && echo kept > /etc/gd-packaged/conf && systemctl daemon-reload",
            );
            const fingerprint = `sha256sum /etc/ssh/sshd_config /etc/ssh/ssh_host_ed25519_key /lib/systemd/system/ssh.service /lib/systemd/system/gd-packaged.service /etc/gd-packaged/conf; ls /etc/systemd/system; systemctl is-active ssh`;
            const before = await session.run(fingerprint);
            const refused = await deploy(session, release(v1, { serviceName: name }));
            assert.strictEqual(refused.code, 2, `the release of "${name}" was not refused: ${refused.stderr}`);
            assert.match(
                refused.stderr,
                new RegExp(`serviceName '${name}' names what this host already has and gin-deploy did not install`),
            );
            assert.match(refused.stderr, /nothing was changed/);
            assert.strictEqual(await session.run(fingerprint), before, "the refused release changed the host's own files");
            const removed = await uninstall(session, name);
            assert.strictEqual(removed.code, 0, removed.stderr);
            assert.match(removed.stdout, /nothing of .* was installed here by gin-deploy/);
            assert.strictEqual(await session.run(fingerprint), before, "the destroy changed the host's own files");
            assert.strictEqual(
                (await session.run("ls -d /var/lib/gin-deploy 2>/dev/null || true")).trim(),
                "",
                "the refused name left staging behind",
            );
            await session.run("rm -rf /lib/systemd/system/gd-packaged.service /etc/gd-packaged && systemctl daemon-reload");
        });
    }
});

// The unit from the article (S17), to compare the exposure score with.
const ARTICLE_UNIT = `[Unit]
Description=Gin App
After=network.target

[Service]
Type=simple
User=www-data
WorkingDirectory=/opt/gin-app
ExecStart=/opt/gin-app/gin-app
Restart=always
RestartSec=5
LimitNOFILE=65536
StartLimitIntervalSec=60
StartLimitBurst=3

[Install]
WantedBy=multi-user.target
`;
