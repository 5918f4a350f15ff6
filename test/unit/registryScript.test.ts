// local/registry.sh's start, stop and list, run for real in a scratch copy of the repository where
// the registry binary is a stand-in (a copy of bash running a script named `serve`, so the pid file's
// process is "the registry binary") and curl is a fake on PATH: no registry, no network.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");
const PORT = "5999";

interface Scratch {
    root: string;
    run: (action: string, env?: Record<string, string>) => { status: number | null; stderr: string; stdout: string };
    /** Makes the fake curl answer (as a registry that serves) or refuse. */
    answers: (yes: boolean) => void;
    /** What the stand-in registry does when started (bash, run from the scratch folder). */
    serve: (script: string) => void;
    pidFile: string;
}

function scratch(): Scratch {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "gd-unit-registry-"));
    fs.mkdirSync(path.join(root, "local"));
    fs.copyFileSync(path.join(ROOT, "local", "registry.sh"), path.join(root, "local", "registry.sh"));
    const binDir = path.join(root, ".gin-deploy", "cache", "registry-v3.1.2");
    fs.mkdirSync(binDir, { recursive: true });
    fs.copyFileSync(fs.realpathSync("/bin/bash"), path.join(binDir, "registry"));
    fs.chmodSync(path.join(binDir, "registry"), 0o755);
    const fakeBin = path.join(root, "fake-bin");
    fs.mkdirSync(fakeBin);
    const flag = path.join(root, "answers");
    fs.writeFileSync(path.join(fakeBin, "curl"), `#!/bin/sh\n[ -e "${flag}" ] && exit 0\nexit 7\n`, { mode: 0o755 });
    return {
        root,
        pidFile: path.join(root, ".gin-deploy", "registry", `registry-${PORT}.pid`),
        run: (action, env = {}) => {
            const res = spawnSync("bash", [path.join(root, "local", "registry.sh"), action], {
                cwd: root, // the stand-in binary (bash) runs ./serve from here
                encoding: "utf8",
                timeout: 30_000,
                env: { ...process.env, PATH: `${fakeBin}:${process.env.PATH}`, GIN_DEPLOY_REGISTRY_PORT: PORT, ...env },
            });
            return { status: res.status, stderr: res.stderr, stdout: res.stdout };
        },
        answers: (yes) => (yes ? fs.writeFileSync(flag, "") : fs.rmSync(flag, { force: true })),
        serve: (script) => fs.writeFileSync(path.join(root, "serve"), script),
    };
}

const alive = (pid: number) => {
    try {
        process.kill(pid, 0);
        return true;
    } catch {
        return false;
    }
};

// A process that keeps running until SIGTERM and then ends its child too.
const QUIET_SERVER = 'trap \'kill "$child" 2>/dev/null; exit 0\' TERM\necho "stand-in: listening soon"\nsleep 60 & child=$!\nwait\n';

describe("local/registry.sh", function () {
    this.timeout(30_000);
    const made: Scratch[] = [];
    const make = () => {
        const s = scratch();
        made.push(s);
        return s;
    };
    afterEach(() => {
        for (const s of made.splice(0)) {
            s.run("stop");
            fs.rmSync(s.root, { recursive: true, force: true });
        }
    });

    it("waits for the registry to answer and says so; list names it; stop ends it", () => {
        const s = make();
        s.serve(`touch "${path.join(s.root, "answers")}"\n${QUIET_SERVER}`);
        const start = s.run("start");
        assert.strictEqual(start.status, 0, start.stderr);
        assert.match(start.stderr, /waiting up to 120 s for GET http:\/\/127\.0\.0\.1:5999\/v2\/ to answer/);
        assert.match(start.stderr, /serving on 127\.0\.0\.1:5999 \(answered after \d+ s\)/);
        const pid = Number(fs.readFileSync(s.pidFile, "utf8"));
        assert.strictEqual(s.run("list").stdout, `${PORT} ${pid}\n`);

        const stop = s.run("stop");
        assert.strictEqual(stop.status, 0, stop.stderr);
        assert.ok(!alive(pid), `pid ${pid} still runs after stop`);
        assert.strictEqual(s.run("list").stdout, "");
    });

    it("gives up after GIN_DEPLOY_REGISTRY_START_SECONDS, shows the log's tail and leaves nothing running", () => {
        const s = make();
        s.serve(QUIET_SERVER);
        const start = s.run("start", { GIN_DEPLOY_REGISTRY_START_SECONDS: "2" });
        assert.strictEqual(start.status, 1);
        assert.match(start.stderr, /did not answer GET http:\/\/127\.0\.0\.1:5999\/v2\/ within 2 s/);
        assert.match(start.stderr, /stand-in: listening soon/);
        assert.match(start.stderr, /stopped \(pid \d+\)/);
        const pid = Number(/started \(pid (\d+)\)/.exec(start.stderr)?.[1]);
        assert.ok(pid > 0 && !alive(pid), `the registry it started (pid ${pid}) still runs`);
        assert.ok(!fs.existsSync(s.pidFile), "a pid file is left");
        assert.strictEqual(s.run("list").stdout, "");
    });

    it("says the registry exited before it answered, with its log", () => {
        const s = make();
        s.serve('echo "stand-in: bad config" >&2\nexit 3\n');
        const start = s.run("start");
        assert.strictEqual(start.status, 1);
        assert.match(start.stderr, /exited before it answered/);
        assert.match(start.stderr, /stand-in: bad config/);
    });

    it("defaults to a bound that fits a cold, busy machine, and refuses a bad one", () => {
        assert.match(
            fs.readFileSync(path.join(ROOT, "local", "registry.sh"), "utf8"),
            /START_SECONDS="\$\{GIN_DEPLOY_REGISTRY_START_SECONDS:-120\}"/,
        );
        const s = make();
        const bad = s.run("status", { GIN_DEPLOY_REGISTRY_START_SECONDS: "0" });
        assert.strictEqual(bad.status, 2);
        assert.match(bad.stderr, /GIN_DEPLOY_REGISTRY_START_SECONDS=0 is not a whole number of seconds/);
    });
});
