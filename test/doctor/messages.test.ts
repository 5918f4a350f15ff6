// `npm run doctor` as a new user meets it (issue #24): no pulumi CLI on PATH, an empty Pulumi
// cache, an empty file backend, and a local host name no container has (Docker may be installed
// and running for other suites; no host by that name is). Each situation with nothing to check gets its
// own one-line cause and the next command; --help prints the usage. Needs no host.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");

describe("doctor's messages without a CLI, a stack or a host", function () {
    this.timeout(60000);
    let tmp: string;

    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "doctor-messages-"));
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    /** doctor.ts as `npm run doctor` runs it, with node's folder, /usr/bin and /bin only (no pulumi there). */
    function doctor(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
        const res = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/doctor.ts", ...args], {
            cwd: ROOT,
            encoding: "utf8",
            env: {
                HOME: process.env.HOME ?? tmp,
                PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`,
                GIN_DEPLOY_CACHE_DIR: path.join(tmp, "cache"),
                PULUMI_BACKEND_URL: `file://${path.join(tmp, "state")}`,
                GIN_DEPLOY_HOST_NAME: "gd-doctor-messages-none",
                ...env,
            },
        });
        return { status: res.status, stdout: res.stdout, stderr: res.stderr };
    }

    function lines(text: string): string[] {
        return text.split("\n").filter((l) => l.trim() !== "");
    }

    it("has no pulumi on the PATH it runs with", () => {
        const res = spawnSync("bash", ["-c", "command -v pulumi || true"], {
            encoding: "utf8",
            env: { PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin` },
        });
        assert.strictEqual(res.stdout.trim(), "", "the situation under test needs a PATH without pulumi");
    });

    it("prints its usage for --help, and exits 0", () => {
        const res = doctor(["--help"]);
        assert.strictEqual(res.status, 0, res.stderr);
        assert.match(res.stdout, /npm run doctor -- --stack NAME/);
        assert.match(res.stdout, /--no-ssh/);
        assert.doesNotMatch(res.stderr, /unknown argument/);
    });

    it("says a stack that does not exist does not, and names the stacks that do", () => {
        const res = doctor(["--stack", "nosuch"]);
        assert.strictEqual(res.status, 2);
        assert.deepStrictEqual(lines(res.stderr).length, 1, res.stderr);
        assert.match(
            res.stderr,
            /^doctor: no stack "nosuch": no Pulumi\.nosuch\.yaml in this checkout and no state for it in .*\. Next: npm run doctor -- --stack .*dev.*local.*prod/,
        );
        assert.doesNotMatch(res.stderr, /no URL to check/);
    });

    it("says a committed stack that was never deployed was not, and how to deploy it", () => {
        const res = doctor(["--stack", "dev"]);
        assert.strictEqual(res.status, 2);
        assert.deepStrictEqual(lines(res.stderr).length, 1, res.stderr);
        assert.match(
            res.stderr,
            /^doctor: stack "dev" was never deployed from this checkout \(no state in .*\), so it has no URL to check\. Next: npm run stack:init -- dev, then npm run pulumi -- up --stack dev/,
        );
    });

    it("says a stack whose state holds no resources (stack init, or destroyed) was never deployed", () => {
        const dir = path.join(tmp, "state", ".pulumi", "stacks", "gin-deploy");
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(
            path.join(dir, "prod.json"),
            JSON.stringify({ version: 3, checkpoint: { stack: "prod", latest: { resources: [] } } }),
        );
        const res = doctor(["--stack", "prod"]);
        assert.match(res.stderr, /^doctor: stack "prod" was never deployed from this checkout \(its state holds no resources\)/);
    });

    it("says no local host runs, rather than asking for a key file, before the first deploy:local", () => {
        const res = doctor(["--stack", "local"]);
        assert.strictEqual(res.status, 2);
        assert.deepStrictEqual(lines(res.stderr).length, 1, res.stderr);
        assert.match(res.stderr, /^doctor: no local host runs and the local stack was never deployed.*\. Next: npm run deploy:local /);
        assert.doesNotMatch(res.stderr, /--key/);
    });

    it("says the local host is stopped when the local stack was deployed, and how to start it", () => {
        const dir = path.join(tmp, "state", ".pulumi", "stacks", "gin-deploy");
        fs.mkdirSync(dir, { recursive: true });
        const resources = [{ urn: "urn:pulumi:local::gin-deploy::pulumi:pulumi:Stack::gin-deploy-local", type: "pulumi:pulumi:Stack" }];
        fs.writeFileSync(
            path.join(dir, "local.json"),
            JSON.stringify({ version: 3, checkpoint: { stack: "local", latest: { resources } } }),
        );
        const res = doctor(["--stack", "local"]);
        assert.strictEqual(res.status, 2);
        assert.deepStrictEqual(lines(res.stderr).length, 1, res.stderr);
        assert.match(
            res.stderr,
            /^doctor: the local host \(container gd-doctor-messages-none\) is not running, so the local stack's service cannot answer\. Next: npm run host -- start/,
        );
    });
});
