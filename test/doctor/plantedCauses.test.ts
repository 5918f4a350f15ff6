// Plants each of the article's causes on a local host of the suite's own and checks that doctor
// names exactly that cause and nothing else, and that the release fails where the cause applies:
// the reachability check (the dynamic provider's own code) for what is seen from outside, the
// host's health gate (install-release.sh) for what breaks the service. One host is reused: before
// each cause it is reset completely (plants removed, the service uninstalled and installed anew)
// and doctor must report every check passing; that is the check that the reset is complete.
// Figures: reports/doctor.json.
import * as assert from "assert";
import { createHash } from "crypto";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

import { runCheck } from "../../components/reachability/reachabilityCheck";
import { repoRoot, startHost, stopHost } from "../../scripts/localHost";
import { HostSession } from "../host/hostSession";
import { buildApp, BuiltBinary, deploy, uninstall } from "../host/release";
import { suiteHost } from "../support/hosts";

const HOST = suiteHost("doctor");
const URL = `http://127.0.0.1:${HOST.appPort}`;
const KEY = path.join(repoRoot, ".gin-deploy", "ssh", "id_ed25519");
const suiteDir = path.join(repoRoot, ".gin-deploy", "doctor-suite");
const GOOD = "doctor-good";
const ENV = { APP_ENV: "development", LOG_LEVEL: "info" };

interface DoctorJson {
    ok: boolean;
    causes: string[];
    checks: { id: string; status: string; cause?: string; detail: string; attributedTo?: string }[];
}

/** The host's key, as local/host.sh read it: doctor pins it like every deploy. */
let hostKey = "";

function runDoctor(): { code: number; report: DoctorJson; text: string } {
    const res = spawnSync(
        "node",
        [
            "-r",
            "ts-node/register",
            "scripts/doctor.ts",
            "--url",
            URL,
            "--ssh",
            `127.0.0.1:${HOST.sshPort}`,
            "--key",
            KEY,
            "--host-key",
            hostKey,
            "--app-port",
            "8080",
            "--version",
            GOOD,
            "--attempts",
            "2",
            "--timeout",
            "3",
            "--json",
        ],
        {
            cwd: repoRoot,
            encoding: "utf8",
            env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
        },
    );
    if (res.status !== 0 && res.status !== 1) throw new Error(`doctor exited ${res.status}: ${res.stderr}`);
    return { code: res.status, report: JSON.parse(res.stdout) as DoctorJson, text: res.stdout };
}

/** The same build as GoBinary, for another CPU or with a dynamic loader the host lacks. */
function buildVariant(name: string, env: Record<string, string>, extraLdflags: string): BuiltBinary {
    const out = path.join(suiteDir, `gin-app-${name}`);
    execFileSync("go", ["build", "-trimpath", "-ldflags", `-s -w -X main.version=${GOOD} ${extraLdflags}`.trim(), "-o", out, "."], {
        cwd: path.join(repoRoot, "app"),
        env: { ...process.env, GOOS: "linux", ...env },
        stdio: ["ignore", "inherit", "inherit"],
    });
    return { path: out, sha256: createHash("sha256").update(fs.readFileSync(out)).digest("hex"), stampedVersion: GOOD };
}

interface Plant {
    name: string;
    /** The cause doctor must name, alone. */
    cause: string;
    plant: (h: HostSession) => Promise<void>;
    /**
     * How a release fails in this state: the reachability check (what `up` runs after the host's
     * gate passed) or the host's health gate (install-release.sh); its message must match expect.
     */
    release:
        | { via: "reachability-check" }
        | { via: "health-gate"; deploy: () => { binary: BuiltBinary; version: string; environment?: Record<string, string> } };
    expect: RegExp;
}

describe("doctor names each planted cause (test/doctor, a host of its own)", function () {
    let session: HostSession;
    let good: BuiltBinary;
    let next: BuiltBinary;
    let arm64: BuiltBinary;
    let musl: BuiltBinary;
    const figures: { name: string; planted: boolean; diagnosed: boolean; seconds: number; causes: string[]; release?: string }[] = [];

    before(async function () {
        fs.mkdirSync(suiteDir, { recursive: true });
        // NET_ADMIN for nft inside the host: it acts on the host's own network namespace (checked
        // below). A leftover host of this name may lack it, so the suite starts its host afresh.
        process.env.GIN_DEPLOY_HOST_EXTRA_ARGS = "--cap-add NET_ADMIN";
        stopHost(HOST);
        const status = startHost(HOST);
        hostKey = status.hostKey;
        session = await HostSession.open(status, fs.readFileSync(status.privateKeyPath));
        good = buildApp(GOOD);
        next = buildApp("doctor-next");
        arm64 = buildVariant("arm64", { GOARCH: "arm64", CGO_ENABLED: "0" }, "");
        // A musl-linked binary (as built on Alpine) on this glibc host: its loader does not exist there.
        musl = buildVariant(
            "musl",
            { GOARCH: process.arch === "arm64" ? "arm64" : "amd64", CGO_ENABLED: "1" },
            `-I /lib/ld-musl-${process.arch === "arm64" ? "aarch64" : "x86_64"}.so.1`,
        );
        // nftables inside the host (its own network namespace), from Debian's packages.
        if ((await session.exec("command -v nft")).code !== 0) {
            const debDir = path.join(suiteDir, "debs");
            fs.mkdirSync(debDir, { recursive: true });
            if (!fs.readdirSync(debDir).some((f) => f.startsWith("nftables_"))) {
                execFileSync("apt-get", ["download", "nftables", "libnftables1", "libnftnl11", "libjansson4"], {
                    cwd: debDir,
                    stdio: "inherit",
                });
            }
            await session.run("rm -rf /root/debs && mkdir -p /root/debs");
            for (const f of fs.readdirSync(debDir).filter((d) => d.endsWith(".deb"))) {
                await session.upload(fs.readFileSync(path.join(debDir, f)), `/root/debs/${f}`);
            }
            await session.run("dpkg -i /root/debs/*.deb >/dev/null && rm -rf /root/debs");
        }
        // The host's firewall is its own: another network namespace than this machine's.
        const machineNs = fs.readlinkSync("/proc/self/ns/net");
        const hostNs = (await session.run("readlink /proc/1/ns/net")).trim();
        const containerPid = execFileSync("docker", ["inspect", "-f", "{{.State.Pid}}", HOST.name], { encoding: "utf8" }).trim();
        assert.strictEqual(fs.readlinkSync(`/proc/${containerPid}/ns/net`), hostNs);
        assert.notStrictEqual(hostNs, machineNs, "the host must have a network namespace of its own");
    });

    after(async function () {
        fs.mkdirSync(path.join(repoRoot, "reports"), { recursive: true });
        if (figures.length > 0) {
            fs.writeFileSync(
                path.join(repoRoot, "reports", "doctor.json"),
                JSON.stringify(
                    {
                        host: `${HOST.name} (one host, reset and re-checked between causes)`,
                        causes: figures,
                    },
                    null,
                    2,
                ) + "\n",
            );
        }
        session?.close();
        stopHost(HOST);
    });

    /** Removes every plant, reinstalls the service, and checks doctor finds nothing. */
    async function reset(): Promise<void> {
        await session.run(
            [
                "systemctl stop doctor-stray.service 2>/dev/null; systemctl reset-failed doctor-stray.service 2>/dev/null",
                "nft delete table inet doctor_plant 2>/dev/null",
                "if mountpoint -q /opt/gin-app/releases; then umount /opt/gin-app/releases; fi",
                "rm -rf /etc/systemd/system/gin-app.socket.d /root/gin-app-by-hand",
                "true",
            ].join("; "),
        );
        const un = await uninstall(session);
        assert.strictEqual(un.code, 0, un.stderr);
        await session.run("systemctl daemon-reload && systemctl reset-failed 2>/dev/null; true");
        const res = await deploy(session, { binary: good, version: GOOD, environment: ENV, secretEnvironment: {} });
        assert.strictEqual(res.code, 0, `the clean release failed:\n${res.stderr}`);
        const d = runDoctor();
        assert.deepStrictEqual(d.report.causes, [], `after the reset doctor must find nothing:\n${d.text}`);
        assert.strictEqual(d.code, 0);
        if (process.env.GIN_DEPLOY_RECORD_FIXTURES === "1") await recordHostFacts("clean");
    }

    /** What host-facts.sh prints in this state, kept for checks.test.ts (runs without a host). */
    async function recordHostFacts(cause: string): Promise<void> {
        const script = fs.readFileSync(path.join(repoRoot, "scripts", "doctor", "host-facts.sh"), "utf8");
        const res = await session.exec("bash -s -- --service gin-app --port 8080 --mode systemd", script);
        const dir = path.join(repoRoot, "test", "doctor", "fixtures", "host-facts");
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, `${cause}.txt`), res.stdout);
    }

    async function waitFor(cmd: string, seconds: number): Promise<void> {
        for (let i = 0; i < seconds * 2; i++) {
            if ((await session.exec(cmd)).code === 0) return;
            await new Promise((r) => setTimeout(r, 500));
        }
        const why = await session.exec("systemctl status --no-pager -n 20 doctor-stray.service gin-app.socket gin-app.service; ss -ltnp");
        throw new Error(`on the host, \`${cmd}\` did not succeed within ${seconds} s:\n${why.stdout}${why.stderr}`);
    }

    /** Restarts the service and waits until systemd gave up on it (start limit) or it loops. */
    async function restartIntoFailure(): Promise<void> {
        await session.exec("systemctl restart gin-app.service");
        await waitFor(
            '[ "$(systemctl show gin-app.service -p NRestarts --value)" -ge 2 ] || systemctl is-failed --quiet gin-app.service',
            30,
        );
    }

    const plants: Plant[] = [
        {
            name: "the app bound to 127.0.0.1 only",
            cause: "loopback-only",
            // Socket activation: the socket unit binds for the app (its HOST variable is not used then).
            plant: async (h) => {
                await h.run(
                    "mkdir -p /etc/systemd/system/gin-app.socket.d && printf '[Socket]\\nListenStream=\\nListenStream=127.0.0.1:8080\\n' > /etc/systemd/system/gin-app.socket.d/zz-doctor-plant.conf" +
                        " && systemctl daemon-reload && systemctl stop gin-app.service gin-app.socket && systemctl start gin-app.socket gin-app.service",
                );
            },
            release: { via: "reachability-check" },
            expect: /\[connection-dropped\]/,
        },
        {
            name: "the port blocked by the host firewall (nftables)",
            cause: "host-firewall",
            plant: async (h) => {
                await h.run(
                    "nft add table inet doctor_plant && nft add chain inet doctor_plant input '{ type filter hook input priority 0; }' && nft add rule inet doctor_plant input tcp dport 8080 drop",
                );
            },
            release: { via: "reachability-check" },
            expect: /\[blocked\]/,
        },
        {
            name: "a binary of the wrong architecture (arm64 on amd64)",
            cause: "wrong-architecture",
            plant: async (h) => {
                await h.upload(fs.readFileSync(arm64.path), "/root/gin-app-arm64");
                await h.run('install -m 0755 /root/gin-app-arm64 "$(readlink -f /opt/gin-app/current/gin-app)" && rm /root/gin-app-arm64');
                await restartIntoFailure();
            },
            release: { via: "health-gate", deploy: () => ({ binary: arm64, version: GOOD }) },
            expect: /Exec format error/i,
        },
        {
            name: "a dynamically linked binary whose loader the host lacks",
            cause: "missing-interpreter",
            plant: async (h) => {
                await h.upload(fs.readFileSync(musl.path), "/root/gin-app-musl");
                await h.run('install -m 0755 /root/gin-app-musl "$(readlink -f /opt/gin-app/current/gin-app)" && rm /root/gin-app-musl');
                await restartIntoFailure();
            },
            release: { via: "health-gate", deploy: () => ({ binary: musl, version: GOOD }) },
            expect: /No such file or directory/,
        },
        {
            name: "a crash loop (a setting the app refuses)",
            cause: "crash-loop",
            plant: async (h) => {
                await h.run("sed -i 's/^LOG_LEVEL=.*/LOG_LEVEL=loud/' /etc/gin-app/gin-app.env");
                await restartIntoFailure();
            },
            release: {
                via: "health-gate",
                deploy: () => ({ binary: next, version: "doctor-next", environment: { ...ENV, LOG_LEVEL: "loud" } }),
            },
            expect: /LOG_LEVEL/,
        },
        {
            name: "the port taken by another process",
            cause: "port-taken",
            plant: async (h) => {
                // A copy of the app started by hand, holding the port before the service's socket.
                await h.run(
                    'cp "$(readlink -f /opt/gin-app/current/gin-app)" /root/gin-app-by-hand && systemctl stop gin-app.service gin-app.socket' +
                        " && systemd-run --quiet --unit doctor-stray -E PORT=8080 -E HOST=0.0.0.0 -E LOG_LEVEL=info /root/gin-app-by-hand",
                );
                await waitFor("ss -ltnpH 'sport = :8080' | grep -q gin-app-by-hand", 15);
                await h.exec("systemctl start gin-app.socket");
            },
            release: { via: "health-gate", deploy: () => ({ binary: next, version: "doctor-next" }) },
            expect: /FAILED/,
        },
        {
            name: "a full disk at the release directory",
            cause: "disk-full",
            plant: async (h) => {
                await h.run(
                    'd=$(mktemp -d) && cp -a /opt/gin-app/releases/. "$d"/ && mount -t tmpfs -o size=64m doctor-plant /opt/gin-app/releases' +
                        ' && cp -a "$d"/. /opt/gin-app/releases/ && rm -rf "$d" && { dd if=/dev/zero of=/opt/gin-app/releases/.fill bs=1M 2>/dev/null; true; }',
                );
            },
            release: { via: "health-gate", deploy: () => ({ binary: next, version: "doctor-next" }) },
            expect: /No space left on device/,
        },
    ];

    for (const p of plants) {
        it(`${p.name}: doctor names ${p.cause} and nothing else`, async function () {
            await reset();
            const started = process.hrtime.bigint();
            let planted = false;
            let d: ReturnType<typeof runDoctor> | undefined;
            let releaseLine: string | undefined;
            try {
                await p.plant(session);
                planted = true;
                d = runDoctor();
                if (process.env.GIN_DEPLOY_RECORD_FIXTURES === "1") await recordHostFacts(p.cause);
                if (p.release.via === "reachability-check") {
                    // What `pulumi up` runs in the ReachabilityCheck's provider after the release.
                    await assert.rejects(
                        runCheck({
                            url: URL,
                            expectedVersion: GOOD,
                            releaseId: GOOD,
                            attempts: 2,
                            timeoutSeconds: 3,
                            intervalSeconds: 1,
                            enabled: true,
                            disabledReason: "",
                            appPort: 8080,
                            serviceName: "gin-app",
                        }),
                        (err: Error) => {
                            releaseLine = err.message.split("\n").find((l) => l.startsWith("cause:"));
                            assert.match(err.message, p.expect);
                            return true;
                        },
                    );
                } else {
                    // The next release onto this host in this state: the host's health gate fails it.
                    const r = p.release.deploy();
                    const res = await deploy(session, {
                        binary: r.binary,
                        version: r.version,
                        environment: r.environment ?? ENV,
                        secretEnvironment: {},
                        healthTimeoutSec: 10,
                    });
                    const all = `${res.stdout}\n${res.stderr}`;
                    assert.notStrictEqual(res.code, 0, `the release must fail in this state:\n${all}`);
                    assert.match(all, p.expect);
                    releaseLine = all
                        .split("\n")
                        .find((l) => p.expect.test(l))
                        ?.trim();
                }
            } finally {
                const seconds = Number(process.hrtime.bigint() - started) / 1e9;
                const causes = d?.report.causes ?? [];
                figures.push({
                    name: p.cause,
                    planted,
                    diagnosed: causes.length === 1 && causes[0] === p.cause,
                    seconds: Math.round(seconds * 10) / 10,
                    causes,
                    release: releaseLine,
                });
            }
            assert.ok(d);
            assert.deepStrictEqual(d.report.causes, [p.cause], `doctor must name ${p.cause} alone:\n${d.text}`);
            assert.strictEqual(d.code, 1, "doctor exits 1 when a check fails");
        });
    }
});
