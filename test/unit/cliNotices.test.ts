// What the commands that need the Pulumi CLI say on a machine without one (issue #24): the build's
// notice before the build, Go's output kept in a log file and out of the error that follows, and a
// command that needs the Node.js language host stopping at once when there is none. The build is
// made to fail within a second (GOPROXY=off, an empty module cache), so nothing is downloaded.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");
const NODE_DIR = path.dirname(process.execPath);

function goDir(): string | undefined {
    const res = spawnSync("bash", ["-c", "command -v go"], { encoding: "utf8" });
    return res.status === 0 ? path.dirname(res.stdout.trim()) : undefined;
}

describe("the CLI's notices (scripts/pulumi.sh, pulumi-env.sh, delivery-report)", function () {
    this.timeout(30000);
    let tmp: string;

    beforeEach(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "gd-cli-notices-"));
        // Go's telemetry off in this HOME (what `go telemetry off` writes): otherwise the go command
        // starts an uploader that outlives it and writes $HOME/.config/go after the test removed it.
        fs.mkdirSync(path.join(tmp, ".config", "go", "telemetry"), { recursive: true });
        fs.writeFileSync(path.join(tmp, ".config", "go", "telemetry", "mode"), "off\n");
    });
    afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

    /** A machine with no pulumi: PATH holds node, (optionally) go, /usr/bin and /bin; an empty cache and HOME. */
    function env(extraPath: string[] = [], more: Record<string, string> = {}): NodeJS.ProcessEnv {
        return {
            HOME: tmp,
            PATH: [...extraPath, NODE_DIR, "/usr/bin", "/bin"].join(":"),
            GIN_DEPLOY_CACHE_DIR: path.join(tmp, "cache"),
            GOPROXY: "off",
            GOFLAGS: "-mod=mod",
            GOMODCACHE: path.join(tmp, "gomod"),
            GOCACHE: path.join(tmp, "gocache"),
            GOTOOLCHAIN: "local",
            ...more,
        };
    }

    function run(
        command: string[],
        environment: NodeJS.ProcessEnv,
    ): { status: number | null; stdout: string; stderr: string; seconds: number } {
        const started = Date.now();
        const res = spawnSync(command[0], command.slice(1), { cwd: ROOT, encoding: "utf8", env: environment });
        return { status: res.status, stdout: res.stdout, stderr: res.stderr, seconds: (Date.now() - started) / 1000 };
    }

    it("runs on a PATH without pulumi", () => {
        const res = spawnSync("bash", ["-c", "command -v pulumi || true"], { encoding: "utf8", env: env() });
        assert.strictEqual(res.stdout.trim(), "");
    });

    it("says it builds the CLI, and how long that takes, before building; a failed build's error holds no Go output", function () {
        const go = goDir();
        if (!go) this.skip();
        const res = run(["bash", "scripts/pulumi.sh", "stack", "ls"], env([go as string]));
        assert.notStrictEqual(res.status, 0);
        const notice = res.stderr.indexOf("Building the Pulumi CLI v3.274.1 from the Go module proxy, about 6 minutes once");
        const failure = res.stderr.indexOf("The Go build of the Pulumi CLI v3.274.1 failed");
        assert.ok(notice >= 0 && failure > notice, res.stderr);
        assert.doesNotMatch(res.stderr, /go: downloading/);
        const log = /the whole output: (\S+)/.exec(res.stderr)?.[1];
        assert.ok(log && fs.existsSync(log), res.stderr);
        assert.match(fs.readFileSync(log, "utf8"), /go: downloading github\.com\/pulumi\/pulumi\/pkg\/v3/);
        assert.match(res.stderr, /\| module lookup disabled by GOPROXY=off/);
        assert.ok(res.seconds < 10, `took ${res.seconds} s`);
    });

    it("keeps the build's output out of delivery-report's error", function () {
        const go = goDir();
        if (!go) this.skip();
        const res = run(
            [process.execPath, "-r", "ts-node/register/transpile-only", "scripts/delivery-report.ts", "--stack", "nosuch"],
            env([go as string]),
        );
        assert.strictEqual(res.status, 1);
        const lines = res.stderr.trimEnd().split("\n");
        assert.ok(res.stderr.indexOf("about 6 minutes once") < res.stderr.indexOf("delivery-report:"), res.stderr);
        assert.strictEqual(
            lines[lines.length - 1],
            "delivery-report: the Pulumi CLI: is not available; the reason is above (or pass --history-file FILE)",
        );
        assert.doesNotMatch(res.stderr, /go: downloading/);
    });

    for (const command of [["preview"], ["up", "--yes"], ["refresh", "--run-program"], ["destroy", "--run-program"]]) {
        it(`stops 'pulumi ${command.join(" ")}' at once without the Node.js language host, before any build, and says what works`, () => {
            const res = run(["bash", "scripts/pulumi.sh", ...command, "--stack", "dev"], env());
            assert.strictEqual(res.status, 2, res.stderr);
            assert.match(res.stderr, /runs the stack's program through the Node\.js language host \(pulumi-language-nodejs\)/);
            assert.match(res.stderr, /What works without it: npm run deploy:local/);
            assert.match(res.stderr, /https:\/\/www\.pulumi\.com\/docs\/install\//);
            assert.doesNotMatch(res.stderr, /Building the Pulumi CLI/);
            assert.ok(!fs.existsSync(path.join(tmp, "cache")), "it started a build");
            assert.ok(res.seconds < 5, `took ${res.seconds} s`);
        });
    }

    describe("with a CLI at hand (a stand-in printing its arguments)", () => {
        function standIn(withLanguageHost: boolean): string {
            const dir = path.join(tmp, "cli");
            fs.mkdirSync(dir);
            fs.writeFileSync(path.join(dir, "pulumi"), "#!/bin/sh\nprintf '%s\\n' \"$@\"\n", { mode: 0o755 });
            if (withLanguageHost) fs.writeFileSync(path.join(dir, "pulumi-language-nodejs"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
            return path.join(dir, "pulumi");
        }

        /** A file backend where stack dev exists (pulumi.sh refuses a team stack that does not). */
        function backendWithDev(): Record<string, string> {
            const stacks = path.join(tmp, "state", ".pulumi", "stacks", "gin-deploy");
            fs.mkdirSync(stacks, { recursive: true });
            fs.writeFileSync(path.join(stacks, "dev.json"), JSON.stringify({ version: 3, checkpoint: { stack: "dev", latest: {} } }));
            return { PULUMI_BACKEND_URL: `file://${path.join(tmp, "state")}` };
        }

        it("runs preview when the language host is next to the CLI", () => {
            const res = run(
                ["bash", "scripts/pulumi.sh", "preview", "--stack", "dev"],
                env([], { GIN_DEPLOY_PULUMI: standIn(true), ...backendWithDev() }),
            );
            assert.strictEqual(res.status, 0, res.stderr);
            assert.strictEqual(res.stdout.split("\n")[0], "preview");
        });

        it("runs refresh and destroy, which do not run the program, without a language host", () => {
            const cli = standIn(false);
            for (const command of ["refresh", "destroy"]) {
                const res = run(
                    ["bash", "scripts/pulumi.sh", command, "--stack", "dev"],
                    env([], { GIN_DEPLOY_PULUMI: cli, ...backendWithDev() }),
                );
                assert.strictEqual(res.status, 0, res.stderr);
                assert.strictEqual(res.stdout.split("\n")[0], command);
            }
        });
    });
});
