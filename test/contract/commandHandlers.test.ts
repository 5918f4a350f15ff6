// The command provider's semantics as the contract executor carries them out, on the real host.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { HostStatus, onHost } from "../../scripts/localHost";
import { commandHandlers, remoteCommand, remoteCopyToRemote } from "./commandHandlers";
import { ContractExecutor, fingerprintOf, HandlerContext } from "./executor";
import { CONTRACT_HOST, contractHost } from "./hostFixture";
import type { RecordedResource } from "../support/programRecorder";
import type { Connection } from "./ssh";

describe("contract executor: the command provider's semantics on the real host", function () {
    this.timeout(10 * 60 * 1000);
    let conn: Connection;
    const printed: string[] = [];
    const ctx: HandlerContext = { projectDir: process.cwd(), log: (l) => printed.push(l) };
    const scratch = "/srv/contract-probe";

    function resource(type: string, name: string, inputs: Record<string, unknown>): RecordedResource {
        return {
            urn: `urn:pulumi:t::p::${type}::${name}`,
            type,
            name,
            custom: true,
            parent: "",
            dependencies: [],
            inputs: { connection: conn, ...inputs },
            secretPaths: ["connection"],
            options: { deleteBeforeReplace: false, replaceOnChanges: [], ignoreChanges: [], retainOnDelete: false },
        };
    }
    const cmd = (name: string, inputs: Record<string, unknown>) => resource("command:remote:Command", name, inputs);
    const copy = (name: string, inputs: Record<string, unknown>) => resource("command:remote:CopyToRemote", name, inputs);
    const sh = (c: string) => onHost(CONTRACT_HOST, c).stdout;

    before(function () {
        const host: HostStatus = contractHost();
        conn = {
            host: host.sshHost,
            port: host.sshPort,
            user: host.user,
            privateKey: fs.readFileSync(host.privateKeyPath, "utf8"),
            hostKey: host.hostKey,
        };
    });
    after(function () {
        onHost(CONTRACT_HOST, `rm -rf ${scratch}`);
    });

    it("runs create through the login shell, pipes stdin, and keeps stdout", async function () {
        const out = await remoteCommand.create(
            cmd("stdin", { create: `mkdir -p ${scratch} && cat > ${scratch}/in && echo "$0 done"`, stdin: "from stdin\n" }),
            ctx,
        );
        assert.strictEqual(sh(`cat ${scratch}/in`), "from stdin\n");
        assert.match(String(out.stdout), /bash done$/);
    });

    it("prints output unless logging says not to", async function () {
        printed.length = 0;
        await remoteCommand.create(cmd("quiet", { create: "echo visible-marker", logging: "none" }), ctx);
        assert.ok(!printed.some((l) => l.includes("visible-marker")));
        await remoteCommand.create(cmd("loud", { create: "echo visible-marker" }), ctx);
        assert.ok(printed.some((l) => l.includes("visible-marker")));
    });

    it("fails with the command and its output when it exits non-zero", async function () {
        await assert.rejects(
            remoteCommand.create(cmd("fails", { create: "echo about to fail; exit 3" }), ctx),
            /status 3: running "echo about to fail; exit 3":\nabout to fail/,
        );
    });

    it("passes environment the server accepts (AcceptEnv) and fails on one it refuses, as the provider does", async function () {
        const accepted = await remoteCommand.create(cmd("env-ok", { create: "echo $LANG", environment: { LANG: "C.UTF-8" } }), ctx);
        assert.strictEqual(accepted.stdout, "C.UTF-8");
        await assert.rejects(
            remoteCommand.create(cmd("env-refused", { create: "echo $GIN_PROBE", environment: { GIN_PROBE: "x" } }), ctx),
            /could not set environment variable "GIN_PROBE"/,
        );
    });

    it("runs update (or create again without one) on a change, and delete on delete", async function () {
        const ex = new ContractExecutor({ projectDir: process.cwd() });
        for (const [type, handler] of Object.entries(commandHandlers)) ex.handle(type, handler);
        const log = `${scratch}/lifecycle`;
        const base = { create: `echo create >> ${log}`, update: `echo update >> ${log}`, delete: `echo delete >> ${log}` };
        await ex.apply([cmd("life", { ...base, environment: { LANG: "C.UTF-8" } })]);
        await ex.apply([cmd("life", { ...base, environment: { LANG: "C" } })]);
        await ex.apply([cmd("life", { ...base, environment: { LANG: "C" }, triggers: ["v2"] })]);
        await ex.destroy();
        assert.deepStrictEqual(sh(`cat ${log}`).trim().split("\n"), ["create", "update", "create", "delete", "delete"]);
    });

    it("copies a file to a new path (parents created), into an existing directory, a directory, and a text", async function () {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "copy-"));
        fs.writeFileSync(path.join(dir, "file.txt"), "file contents");
        fs.mkdirSync(path.join(dir, "tree", "sub"), { recursive: true });
        fs.writeFileSync(path.join(dir, "tree", "sub", "leaf"), "leaf");
        await remoteCopyToRemote.create(
            copy("c1", { source: { kind: "asset", path: path.join(dir, "file.txt") }, remotePath: `${scratch}/a/b/c.txt` }),
            ctx,
        );
        await remoteCopyToRemote.create(
            copy("c2", { source: { kind: "asset", path: path.join(dir, "file.txt") }, remotePath: `${scratch}/a` }),
            ctx,
        );
        await remoteCopyToRemote.create(
            copy("c3", { source: { kind: "archive", path: path.join(dir, "tree") }, remotePath: `${scratch}/d` }),
            ctx,
        );
        await remoteCopyToRemote.create(copy("c4", { source: { kind: "asset", text: "text asset" }, remotePath: `${scratch}/t/x` }), ctx);
        assert.strictEqual(
            sh(`cat ${scratch}/a/b/c.txt; echo; cat ${scratch}/a/file.txt; echo; cat ${scratch}/d/tree/sub/leaf; echo; cat ${scratch}/t/x`),
            "file contents\nfile contents\nleaf\ntext asset",
        );
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("copies again on update only when the source's contents changed", async function () {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "copy-"));
        const file = path.join(dir, "f");
        fs.writeFileSync(file, "one");
        const r = copy("c5", { source: { kind: "asset", path: file }, remotePath: `${scratch}/u` });
        await remoteCopyToRemote.create(r, ctx);
        const old = { resource: r, fingerprint: fingerprintOf(r.inputs, ctx.projectDir) as Record<string, unknown>, outputs: {} };
        onHost(CONTRACT_HOST, `echo tampered > ${scratch}/u`);
        await remoteCopyToRemote.update!(old, r, ctx);
        assert.strictEqual(sh(`cat ${scratch}/u`), "tampered\n", "an unchanged source was copied again");
        fs.writeFileSync(file, "two");
        await remoteCopyToRemote.update!(old, r, ctx);
        assert.strictEqual(sh(`cat ${scratch}/u`), "two");
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("refuses a connection to anything but loopback", async function () {
        await assert.rejects(
            remoteCommand.create({ ...cmd("far", { create: "true" }), inputs: { connection: { host: "192.0.2.1" }, create: "true" } }, ctx),
            /not a loopback address/,
        );
    });
});
