// The dev and prod stacks' own programs against a host that presents itself as an EC2 instance.
//
// deployStack(loadConfig()) of Pulumi.dev.yaml and Pulumi.prod.yaml is evaluated under Pulumi mocks
// (the AWS API: no account here). The instance it creates is the EC2 twin (local/ec2-twin), booted
// from the very user data the program rendered, so Debian's cloud-init installs the stack's host key
// and makes `admin` with passwordless sudo; every remote command is carried out over real SSH, as
// admin, in the engine's order, as the command provider would (test/contract's executor).
//
// What stands in for what: the twin for the instance (its address 127.0.0.1, its SSH and app ports
// published there); Pulumi mocks for the AWS API (security group, key pair, IAM, ECR's repository);
// the local registry (127.0.0.1:5000) for ECR, the twin's stand-in aws CLI for ECR's login password,
// and this machine's Docker engine for the instance's dockerd. The instance type is an amd64 one
// (t3.micro), as the twin runs on this machine's CPU; dev's t4g.micro would build arm64.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { performance } from "perf_hooks";
import { Client } from "ssh2";

import { generateEd25519HostKey, SshHostKeyPairOutputs } from "../../components/aws/sshHostKeyPair";
import { renderHostUserData } from "../../components/aws/renderers/hostUserData";
import { prepareStagingCommand } from "../../components/systemd/renderers/releaseCommands";
import { parseHostKey } from "../../components/rules/sshHostKey";
import { HostStatus, repoRoot } from "../../scripts/localHost";
import { committedConfig, generatePassword } from "../../scripts/localStackConfig";
import { commandHandlers } from "../contract/commandHandlers";
import { docker, imageHandlers } from "../contract/dockerImageHandler";
import { ContractExecutor, ResourceHandler, Step } from "../contract/executor";
import { getJson, HostSnapshot, injectStartFailure, leftovers, snapshot } from "../contract/hostInspection";
import { evaluateProgram, RecordedResource } from "../support/programRecorder";
import { reachabilityHandlers } from "../contract/reachabilityHandler";
import { exec, sentPayloadBytes, withClient } from "../contract/ssh";
import { ensureRegistry, standInImages, stopRegistryIfStartedHere } from "../container/harness";
import { startLoad } from "../support/loopbackLoad";
import { prepareTwin, startTwin, stopTwin, TWIN, TWIN_HOST, twinRootShell } from "./twin";

const NS = "gin-deploy";
const URL = `http://127.0.0.1:${TWIN.appPort}`;
const REPORT = path.join(repoRoot, "reports", "aws-host.json");
const AMI = "ami-0123456789abcdef0";
const HOST_KEY_TYPE = "pulumi-nodejs:dynamic/gindeploy:SshHostKeyPair";

type StackName = "dev" | "prod";

interface StackFigures {
    firstReleaseSeconds?: number;
    requestsSent?: number;
    lostDuringRelease?: number;
    rolledBack?: boolean;
    destroyedClean?: boolean;
}

const figures: {
    date: string;
    sshUser?: string;
    rootLoginRefused?: boolean;
    cloudInitSeconds?: number;
    stacks: Partial<Record<StackName, StackFigures>>;
    hostKeyMismatchRefused?: boolean;
    bytesSentBeforeRefusal?: number;
    standIns: string[];
} = {
    date: new Date().toISOString(),
    stacks: {},
    standIns: [
        "instance: the EC2 twin (local/ec2-twin) at 127.0.0.1, booted by Debian's cloud-init from the program's user data",
        "AWS API (security group, key pair, IAM, ECR repository): Pulumi mocks",
        "ECR: the local registry on 127.0.0.1:5000; ECR's login password: the twin's stand-in aws CLI",
        "the instance's dockerd: this machine's Docker engine through its socket",
        "instance type t3.micro (amd64, this machine's CPU) instead of the stacks' Graviton types",
    ],
};

function writeReport(): void {
    fs.mkdirSync(path.dirname(REPORT), { recursive: true });
    fs.writeFileSync(REPORT, `${JSON.stringify(figures, null, 2)}\n`);
}

/** The host key pair the stack's dynamic resource made: kept, as the state keeps it, for the run. */
const hostKeys = new Map<string, SshHostKeyPairOutputs>();
function hostKeyOf(name: string): SshHostKeyPairOutputs {
    if (!hostKeys.has(name)) hostKeys.set(name, generateEd25519HostKey());
    return hostKeys.get(name)!;
}

/** What the AWS API answers for the resources and calls the programs make (the twin is the instance). */
function awsProviderState(
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    digest: string,
): Record<string, unknown> | undefined {
    switch (type) {
        case "aws:ec2/instance:Instance":
            return { publicIp: "127.0.0.1", publicDns: "" };
        case "aws:ec2/keyPair:KeyPair":
            return { keyName: `${name}-kp` };
        case HOST_KEY_TYPE:
            return { ...hostKeyOf(name) };
        case "aws:ecr/repository:Repository":
            return {
                repositoryUrl: `127.0.0.1:5000/${String(inputs.name ?? "gin-app")}`,
                registryId: "123456789012",
                arn: `arn:aws:ecr:eu-central-1:123456789012:repository/${String(inputs.name ?? "gin-app")}`,
            };
        case "aws:iam/role:Role":
        case "aws:iam/instanceProfile:InstanceProfile":
            return { name: `${name}-generated`, arn: `arn:aws:iam::123456789012:role/${name}` };
        case "docker:index/image:Image":
            return { repoDigest: `${String(inputs.imageName).replace(/:[^:/]+$/, "")}@${digest}` };
        default:
            return undefined;
    }
}

function awsCall(token: string, inputs: Record<string, unknown>): Record<string, unknown> | undefined {
    switch (token) {
        case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
            return { userName: "AWS", password: "ec2-twin-token", proxyEndpoint: "http://127.0.0.1:5000", registryId: inputs.registryId };
        case "aws:vpc/getSecurityGroupRules:getSecurityGroupRules":
            return { ids: [] };
        default:
            return undefined;
    }
}

/** The instance: started (booted by cloud-init) with the program's user data, or with an impostor's host key. */
function instanceHandler(
    stack: StackName,
    state: { baseline?: HostSnapshot; atTerminate?: Record<keyof HostSnapshot, string[]>; impostor?: boolean },
) {
    const handler: ResourceHandler = {
        replaceOnChanges: [],
        async create(res) {
            let userData = String(res.inputs.userData ?? "");
            // An impostor answers at the instance's address with a key of its own.
            if (state.impostor) userData = renderHostUserData(generateEd25519HostKey());
            startTwin(userData, { docker: stack === "prod", instanceAppPort: TWIN.appPort });
            if (!state.impostor) {
                // The host as cloud-init left it, before any deploy step: what destroy must return to.
                const waited = twinRootShell("cloud-init status --wait >/dev/null; cloud-init status");
                if (!/status: done/.test(waited.stdout)) throw new Error(`cloud-init on the twin: ${waited.stdout}${waited.stderr}`);
                state.baseline = snapshot(TWIN_HOST);
            }
            return {};
        },
        // A new user data stops and starts a real instance and cloud-init does not run it again: no deploy step changes.
        async update() {
            return {};
        },
        async delete() {
            if (state.baseline) state.atTerminate = leftovers(state.baseline, snapshot(TWIN_HOST));
            stopTwin();
        },
    };
    return handler;
}

const NOTHING = { files: [], users: [], units: [], listening: [] };

/**
 * What a deploy left, less the traces of admin's logins, which are the instance's and not the
 * deploy's: its home, sudo's notes, and the login session's units (systemd-logind's user manager,
 * its slice and runtime folder, and systemd-oomd, which the user manager's unit names).
 */
function deployTraces(left: Record<keyof HostSnapshot, string[]>): Record<keyof HostSnapshot, string[]> {
    const loginUnit = /^(user@\d+\.service|user-\d+\.slice|user-runtime-dir@\d+\.service|run-user-\d+\.mount|systemd-oomd\.service)$/;
    return {
        ...left,
        files: left.files.filter((f) => !f.startsWith("/home/admin") && !f.startsWith("/var/lib/sudo")),
        units: left.units.filter((u) => !loginUnit.test(u)),
    };
}

/** `npm run logs` against the twin, over the same pinned connection as admin. */
function readLogs(mode: "systemd" | "container", keyPath: string, hostKey: string): { status: number; stdout: string; stderr: string } {
    const res = spawnSync(
        "node",
        [
            "-r",
            "ts-node/register/transpile-only",
            "scripts/logs.ts",
            ...[
                "--ssh",
                `127.0.0.1:${TWIN.sshPort}`,
                "--user",
                "admin",
                "--key",
                keyPath,
                "--host-key",
                hostKey,
                "--mode",
                mode,
                "-n",
                "30",
            ],
        ],
        { cwd: repoRoot, encoding: "utf8" },
    );
    return { status: res.status ?? -1, stdout: res.stdout, stderr: res.stderr };
}

const nothingRemote: ResourceHandler = {
    replaceOnChanges: [],
    async create() {
        return {};
    },
};

function executorFor(stack: StackName, state: Parameters<typeof instanceHandler>[1]): ContractExecutor {
    const executor = new ContractExecutor({ projectDir: repoRoot, log: (line) => console.log(`      ${line}`) });
    for (const [type, h] of Object.entries({ ...commandHandlers, ...reachabilityHandlers, ...imageHandlers })) executor.handle(type, h);
    for (const type of [
        "aws:ec2/securityGroup:SecurityGroup",
        "aws:ec2/keyPair:KeyPair",
        "aws:iam/role:Role",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "aws:iam/rolePolicy:RolePolicy",
        "aws:iam/instanceProfile:InstanceProfile",
        "aws:ecr/repository:Repository",
        "aws:ecr/lifecyclePolicy:LifecyclePolicy",
        HOST_KEY_TYPE,
    ]) {
        executor.handle(type, nothingRemote);
    }
    executor.handle("aws:ec2/instance:Instance", instanceHandler(stack, state));
    return executor;
}

describe("aws-host: the dev and prod stacks' programs on an EC2 twin, as admin with sudo over a pinned host key", function () {
    this.timeout(30 * 60 * 1000);
    let login: HostStatus;
    let privateKey: string;
    let publicKey: string;

    before(function () {
        console.log(
            "    The dev and prod programs run under Pulumi mocks (the AWS API); their instance is the EC2 twin, booted\n" +
                "    by Debian's cloud-init from the user data they rendered; every remote step runs over SSH as admin.",
        );
        login = prepareTwin();
        privateKey = fs.readFileSync(login.privateKeyPath, "utf8");
        publicKey = fs.readFileSync(`${login.privateKeyPath}.pub`, "utf8").trim();
    });

    after(function () {
        try {
            stopTwin();
        } finally {
            writeReport();
            console.log(`    figures: ${REPORT}`);
        }
    });

    function stackConfig(stack: StackName, release: string): Record<string, string> {
        return {
            ...committedConfig(path.join(repoRoot, `Pulumi.${stack}.yaml`)),
            [`${NS}:instanceType`]: "t3.micro",
            [`${NS}:amiId`]: AMI,
            // The twin publishes its sshd and the app port on 127.0.0.1: they stand in for the instance's.
            [`${NS}:sshPort`]: String(TWIN.sshPort),
            [`${NS}:appPort`]: String(TWIN.appPort),
            [`${NS}:sshCidrs`]: JSON.stringify(["127.0.0.1/32"]),
            [`${NS}:sshPublicKey`]: publicKey,
            [`${NS}:sshPrivateKey`]: privateKey,
            [`${NS}:release`]: release,
        };
    }

    async function evaluate(stack: StackName, config: Record<string, string>, digest = `sha256:${"0".repeat(64)}`, options = {}) {
        const { loadConfig } = await import("../../config");
        const { deployStack } = await import("../../stack");
        return evaluateProgram(() => deployStack(loadConfig(), options), {
            project: "gin-deploy",
            stack,
            config,
            secretKeys: [`${NS}:sshPrivateKey`, `${NS}:dbPassword`],
            providerState: (type, name, inputs) => awsProviderState(type, name, inputs, digest),
            call: awsCall,
        });
    }

    function assertPinnedAsAdmin(resources: RecordedResource[]): string {
        const keys = resources.filter((r) => r.type === HOST_KEY_TYPE);
        assert.strictEqual(keys.length, 1, "the program made no host key, or more than one");
        const expected = hostKeyOf(keys[0].name).publicKey;
        const remote = resources.filter((r) => r.type.startsWith("command:remote:"));
        assert.ok(remote.length > 5, "the program runs almost nothing on the host");
        for (const r of remote) {
            const conn = r.inputs.connection as { hostKey?: string; user?: string };
            assert.strictEqual(conn.hostKey, expected, `${r.name}: its connection does not pin the instance's host key`);
            assert.strictEqual(conn.user, "admin", `${r.name}: logs in as ${conn.user}, not admin`);
        }
        return expected;
    }

    function describeSteps(steps: Step[]): string {
        return steps.map((s) => `${s.op} ${s.name}`).join(", ");
    }

    async function servedVersion(): Promise<string> {
        return String((await getJson(`${URL}/version`)).version);
    }

    /** Applies `resources` under a loopback load; the load runs until at least `minRequests` were sent. */
    async function releaseUnderLoad(executor: ContractExecutor, resources: RecordedResource[], minRequests: number) {
        const load = startLoad({
            url: `${URL}/version`,
            freshConnectionWorkers: 3,
            keepAliveWorkers: 2,
            maxRequests: 200000,
            maxSeconds: 300,
        });
        while (load.progress().sent < 200) await new Promise((r) => setTimeout(r, 50));
        await executor.apply(resources);
        while (load.progress().sent < minRequests) await new Promise((r) => setTimeout(r, 50));
        await new Promise((r) => setTimeout(r, 1000));
        return load.stop();
    }

    describe("dev: aws target, systemd mode", function () {
        const state: Parameters<typeof instanceHandler>[1] = {};
        let executor: ContractExecutor;
        const dev: StackFigures = (figures.stacks.dev = {});

        it("every remote step logs in as admin and pins the host key the stack made", async function () {
            const first = await evaluate("dev", stackConfig("dev", "twin-a"));
            assertPinnedAsAdmin(first.resources);
            const instance = first.resources.find((r) => r.type === "aws:ec2/instance:Instance")!;
            assert.ok(instance.secretPaths.includes("userData"), "the user data (the host's private key) is not a secret");
        });

        it("first release: cloud-init boots the twin from the program's user data, the release runs as admin with sudo", async function () {
            executor = executorFor("dev", state);
            const first = await evaluate("dev", stackConfig("dev", "twin-a"));
            const t = performance.now();
            await executor.apply(first.resources);
            dev.firstReleaseSeconds = Number(((performance.now() - t) / 1000).toFixed(2));
            assert.strictEqual(await servedVersion(), "twin-a");
            // The host's key is the one the stack made (read from the inside, not over SSH).
            const presented = twinRootShell("cat /etc/ssh/ssh_host_ed25519_key.pub").stdout.trim().split(/\s+/).slice(0, 2).join(" ");
            assert.strictEqual(presented, assertPinnedAsAdmin(first.resources));
            const status = JSON.parse(twinRootShell("cat /var/lib/cloud/data/status.json").stdout) as {
                v1: Record<string, { start?: number | null; finished?: number | null }>;
            };
            const stages = Object.values(status.v1).filter((s) => typeof s === "object" && s !== null && typeof s.start === "number");
            figures.cloudInitSeconds = Number(
                (Math.max(...stages.map((s) => s.finished ?? 0)) - Math.min(...stages.map((s) => s.start as number))).toFixed(2),
            );
            figures.sshUser = "admin";
            // The deploy's files are root's, installed through sudo; the staging folder is admin's.
            assert.strictEqual(
                twinRootShell("stat -c %U /opt/gin-app/current/gin-app /etc/gin-app/gin-app.env").stdout.trim(),
                "root\nroot",
            );
            assert.strictEqual(twinRootShell("stat -c %U /var/lib/gin-deploy/staging/systemd/gin-app").stdout.trim(), "admin");
        });

        it("root cannot log in; admin can, and has passwordless sudo", async function () {
            const tryLogin = (user: string) =>
                new Promise<string>((resolve) => {
                    const c = new Client();
                    c.on("ready", () => {
                        c.exec("sudo -n id -u", (err, stream) => {
                            if (err) return resolve(`error ${err.message}`);
                            let out = "";
                            stream.on("data", (d: Buffer) => (out += d.toString()));
                            stream.on("close", () => {
                                c.end();
                                resolve(`uid ${out.trim()}`);
                            });
                        });
                    });
                    c.on("error", (err) => resolve(`refused: ${err.message}`));
                    const expected = parseHostKey(hostKeyOf([...hostKeys.keys()][0]).publicKey);
                    c.connect({
                        host: "127.0.0.1",
                        port: TWIN.sshPort,
                        username: user,
                        privateKey,
                        algorithms: { serverHostKey: [expected.type as never] },
                        hostVerifier: (key: Buffer) => key.equals(expected.blob),
                    });
                });
            assert.strictEqual(await tryLogin("admin"), "uid 0");
            const root = await tryLogin("root");
            assert.match(root, /^refused: All configured authentication methods failed/);
            assert.match(twinRootShell("sshd -T | grep -i '^permitrootlogin'").stdout, /permitrootlogin no/);
            figures.rootLoginRefused = true;
        });

        it("a login user without passwordless sudo is stopped by the first step: one line naming the user and the fix, nothing changed", async function () {
            // Another user of the instance, with the deploy key but no sudo rights.
            const made = twinRootShell(
                "useradd -m -s /bin/bash deploy && install -d -m 0700 -o deploy -g deploy /home/deploy/.ssh && " +
                    "install -m 0600 -o deploy -g deploy /home/admin/.ssh/authorized_keys /home/deploy/.ssh/authorized_keys",
            );
            assert.strictEqual(made.status, 0, made.stderr);
            try {
                const conn = {
                    host: "127.0.0.1",
                    port: TWIN.sshPort,
                    user: "deploy",
                    privateKey,
                    hostKey: hostKeyOf([...hostKeys.keys()][0]).publicKey,
                };
                const res = await withClient(conn, (client) => exec(client, prepareStagingCommand("other-app")));
                assert.strictEqual(res.code, 1, res.combined);
                assert.strictEqual(res.stderr.trim().split("\n").length, 1, `more than one line: ${res.stderr}`);
                assert.match(res.stderr, /the login user deploy on gd-ec2-twin cannot run sudo without a password/);
                assert.match(res.stderr, /deploy ALL=\(ALL\) NOPASSWD:ALL/);
                assert.match(
                    twinRootShell("test -e /var/lib/gin-deploy/staging/systemd/other-app && echo present || echo absent").stdout,
                    /absent/,
                );
            } finally {
                twinRootShell("pkill -u deploy; sleep 1; userdel -r deploy");
            }
        });

        it("a second release under loopback load loses no request", async function () {
            const second = await evaluate("dev", stackConfig("dev", "twin-b"));
            const result = await releaseUnderLoad(executor, second.resources, 1000);
            dev.requestsSent = result.sent;
            dev.lostDuringRelease = result.lost;
            console.log(`      load: ${result.sent} sent, ${result.lost} lost, versions ${JSON.stringify(result.versions)}`);
            assert.ok(result.sent >= 1000, `only ${result.sent} requests were sent`);
            assert.strictEqual(result.lost, 0, `lost during the release: ${JSON.stringify(result.lostBy)} ${result.failures.slice(0, 3)}`);
            assert.ok((result.versions["twin-b"] ?? 0) > 0, "the new release never answered under load");
            assert.strictEqual(await servedVersion(), "twin-b");
        });

        it("npm run logs shows the live unit's journal, as admin over the pinned key", function () {
            const res = readLogs("systemd", login.privateKeyPath, hostKeyOf([...hostKeys.keys()][0]).publicKey);
            assert.strictEqual(res.status, 0, res.stderr);
            assert.match(res.stderr, /logs: gin-app\.service on gd-ec2-twin/);
            assert.match(res.stdout, /gin-app\[\d+\]: \{.*"msg"/, `no app log line: ${res.stdout.slice(0, 400)}`);
        });

        it("doctor logs in as admin over the pinned key and runs its host checks as root", function () {
            const hostKey = hostKeyOf([...hostKeys.keys()][0]).publicKey;
            const res = spawnSync(
                "node",
                [
                    "-r",
                    "ts-node/register/transpile-only",
                    "scripts/doctor.ts",
                    ...["--url", URL, "--ssh", `127.0.0.1:${TWIN.sshPort}`, "--user", "admin", "--key", login.privateKeyPath],
                    ...["--host-key", hostKey, "--app-port", String(TWIN.appPort), "--version", "twin-b", "--json"],
                ],
                { cwd: repoRoot, encoding: "utf8" },
            );
            const report = JSON.parse(res.stdout) as { checks: { id: string; status: string; detail: string }[] };
            const failed = report.checks.filter((c) => c.status === "fail");
            assert.deepStrictEqual(failed, [], `doctor found problems on a healthy host:\n${res.stderr}`);
            for (const id of ["listen-address", "port-owner", "service-state", "binary-arch"]) {
                assert.strictEqual(report.checks.find((c) => c.id === id)?.status, "pass", `${id} did not run on the host: ${res.stdout}`);
            }
            assert.strictEqual(res.status, 0);
        });

        it("a release that cannot start fails with its journal and rolls back: the old one keeps answering", async function () {
            const removeFault = injectStartFailure(TWIN_HOST, "gin-app", "twin-c");
            try {
                const failing = await evaluate("dev", stackConfig("dev", "twin-c"));
                await assert.rejects(executor.apply(failing.resources), (err: Error) => {
                    assert.match(err.message, /gin-app-release failed/);
                    assert.match(err.message, /test fault: release twin-c refuses to start/);
                    return true;
                });
                assert.strictEqual(await servedVersion(), "twin-b");
                dev.rolledBack = true;
            } finally {
                removeFault();
            }
        });

        it("the next failed release shows only its own journal lines, not the earlier attempt's", async function () {
            const removeFault = injectStartFailure(TWIN_HOST, "gin-app", "twin-d");
            try {
                // A second apart, so the two attempts' journal lines cannot share a second.
                await new Promise((r) => setTimeout(r, 1100));
                const failing = await evaluate("dev", stackConfig("dev", "twin-d"));
                await assert.rejects(executor.apply(failing.resources), (err: Error) => {
                    assert.match(err.message, /test fault: release twin-d refuses to start/);
                    assert.doesNotMatch(err.message, /release twin-c/, "the failure shows the earlier attempt's journal lines");
                    return true;
                });
                assert.strictEqual(await servedVersion(), "twin-b");
            } finally {
                removeFault();
            }
        });

        it("destroy: the uninstall leaves the host as cloud-init left it, then the instance goes", async function () {
            await executor.destroy();
            assert.deepStrictEqual(deployTraces(state.atTerminate!), NOTHING, "the deploy left things on the host");
            dev.destroyedClean = true;
        });
    });

    describe("a host presenting another key at the instance's address", function () {
        it("is refused before anything is sent, naming both fingerprints", async function () {
            const state: Parameters<typeof instanceHandler>[1] = { impostor: true };
            const executor = executorFor("dev", state);
            const program = await evaluate("dev", stackConfig("dev", "twin-a"));
            const expected = parseHostKey(assertPinnedAsAdmin(program.resources));
            const before = sentPayloadBytes();
            const logins = () => twinRootShell("journalctl -u ssh --no-pager | grep -c 'Accepted publickey' || true").stdout.trim();
            await assert.rejects(executor.apply(program.resources), (err: Error) => {
                assert.match(err.message, /presented the host key SHA256:\S+, not the pinned/);
                assert.ok(err.message.includes(expected.fingerprint), err.message);
                return true;
            });
            figures.bytesSentBeforeRefusal = sentPayloadBytes() - before;
            assert.strictEqual(figures.bytesSentBeforeRefusal, 0);
            assert.strictEqual(logins(), "0", "someone logged in to the impostor");
            assert.match(twinRootShell("test -e /var/lib/gin-deploy && echo present || echo absent").stdout, /absent/);
            figures.hostKeyMismatchRefused = true;
            stopTwin();
        });
    });

    describe("prod: aws target, container mode (the local registry for ECR)", function () {
        const state: Parameters<typeof instanceHandler>[1] = {};
        let executor: ContractExecutor;
        // The image is built and pushed apart, as the engine does before anything that needs its digest.
        const imageExecutor = new ContractExecutor({ projectDir: repoRoot, log: (line) => console.log(`      ${line}`) });
        for (const [type, h] of Object.entries(imageHandlers)) imageExecutor.handle(type, h);
        let standIns: { builderImage: string; runtimeImage: string };
        const prod: StackFigures = (figures.stacks.prod = {});
        const dbPassword = generatePassword();
        const pushed: string[] = [];

        before(function () {
            ensureRegistry();
            standIns = standInImages();
        });

        after(async function () {
            for (const ref of pushed) await docker(["image", "rm", ref]).catch(() => undefined);
            stopRegistryIfStartedHere();
        });

        function prodConfig(release: string): Record<string, string> {
            return {
                ...stackConfig("prod", release),
                // The database is not reached at start; the password still travels as in prod.
                [`${NS}:dbHost`]: "127.0.0.1",
                [`${NS}:dbPassword`]: dbPassword,
            };
        }

        /** As the engine does: the image is built and pushed first, then its digest is known to what depends on it. */
        async function releaseResources(release: string): Promise<RecordedResource[]> {
            const options = { builderImage: standIns.builderImage, runtimeImage: standIns.runtimeImage };
            const isImage = (r: RecordedResource) => r.type === "docker:index/image:Image";
            const first = await evaluate("prod", prodConfig(release), undefined, options);
            await imageExecutor.apply(first.resources.filter(isImage));
            const digest = imageExecutor.resources().find((r) => isImage(r.resource))?.outputs.repoDigest as string;
            assert.match(digest, /^127\.0\.0\.1:5000\/gin-app@sha256:[0-9a-f]{64}$/);
            pushed.push(digest);
            const second = await evaluate("prod", prodConfig(release), digest.slice(digest.indexOf("@") + 1), options);
            assertPinnedAsAdmin(second.resources);
            return second.resources.filter((r) => !isImage(r));
        }

        it("first release: cloud-init installs Docker and the units, the container release runs as admin with sudo", async function () {
            executor = executorFor("prod", state);
            const t = performance.now();
            await executor.apply(await releaseResources("twin-p1"));
            prod.firstReleaseSeconds = Number(((performance.now() - t) / 1000).toFixed(2));
            assert.strictEqual(await servedVersion(), "twin-p1");
            assert.ok(!executor.printed.some((l) => l.includes(dbPassword)), "a command printed the database password");
        });

        it("a second release under loopback load loses no request", async function () {
            const resources = await releaseResources("twin-p2");
            const result = await releaseUnderLoad(executor, resources, 1000);
            prod.requestsSent = result.sent;
            prod.lostDuringRelease = result.lost;
            console.log(`      load: ${result.sent} sent, ${result.lost} lost, versions ${JSON.stringify(result.versions)}`);
            assert.ok(result.sent >= 1000, `only ${result.sent} requests were sent`);
            assert.strictEqual(result.lost, 0, `lost during the release: ${JSON.stringify(result.lostBy)} ${result.failures.slice(0, 3)}`);
            assert.strictEqual(await servedVersion(), "twin-p2");
        });

        it("npm run logs shows the live slot's container log, as admin over the pinned key", function () {
            const res = readLogs("container", login.privateKeyPath, hostKeyOf([...hostKeys.keys()][0]).publicKey);
            assert.strictEqual(res.status, 0, res.stderr);
            assert.match(res.stderr, /logs: container gin-app-(blue|green) on gd-ec2-twin/);
            assert.match(res.stdout, /\{.*"msg"/, `no app log line: ${res.stdout.slice(0, 400)}`);
        });

        it("destroy: no container, unit or env file is left, then the instance goes", async function () {
            const steps = await executor.destroy();
            console.log(`      destroyed: ${describeSteps(steps).slice(0, 400)}`);
            assert.deepStrictEqual(deployTraces(state.atTerminate!), NOTHING, "the deploy left things on the host");
            const containers = await docker(["ps", "-aq", "--filter", "label=io.gin-deploy.service=gin-app"]);
            assert.strictEqual(containers, "", "an app container is left on the engine");
            prod.destroyedClean = true;
        });
    });
});
