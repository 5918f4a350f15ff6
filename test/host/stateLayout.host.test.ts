// The app's state folder on a real systemd host, release after release (#22): the plain fixture
// with no DATA_DIR keeps its database at ./../app.db, beside its working folder, and one file per
// item in ./files/items, a folder it creates. Deployed with SystemdService's options (the same
// renderers and install script), on a host where an earlier gin-deploy left the layout a nested
// StateDirectory= alone made (root's /var/lib/TOP of links into /var/lib/private/TOP, which systemd
// refuses with "File exists", 238/STATE_DIRECTORY), then with another layout, a failed release in
// between, and destroyed with removeStateOnDestroy. The tests run in order.
import * as assert from "assert";
import * as fs from "fs";

import { HostStatus, startHost, stopHost } from "../../scripts/localHost";
import { HostSession } from "./hostSession";
import { BuiltBinary, buildPlainApp, deployWithOptions, DeployResult, OptionsRelease, uninstall } from "./release";
import { liveAppUnitCommand } from "../../components/systemd/renderers/operatorCommands";
import { resolveSystemdOptions, SystemdServiceOptions } from "../../components/systemd/renderers/serviceOptions";
import { suiteHost } from "../support/hosts";

const host = suiteHost("host");
const SERVICE = "layout-app";
const TOP = "/var/lib/layout";
const PRIVATE = "/var/lib/private/layout";

let status: HostStatus;
let session: HostSession;
let binary: BuiltBinary;

function release(options: SystemdServiceOptions): OptionsRelease {
    return {
        binary,
        serviceName: SERVICE,
        port: 8080,
        environment: { GIN_MODE: "release" },
        secretEnvironment: {},
        options: { readiness: { httpPath: "/" }, socketActivated: false, versionCheck: false, ...options },
    };
}

async function mustDeploy(options: SystemdServiceOptions): Promise<DeployResult> {
    const result = await deployWithOptions(session, release(options));
    assert.strictEqual(result.code, 0, `install-release.sh exited ${result.code}:\n${result.stderr}${result.stdout}`);
    return result;
}

/** On the host (the app's port is published only as the container's 8080): curl over SSH. */
async function items(): Promise<{ count: number; files: number }> {
    return JSON.parse(await session.run("curl -fsS http://127.0.0.1:8080/items")) as { count: number; files: number };
}

async function addItem(name: string): Promise<void> {
    await session.run(`curl -fsS -X POST -H 'content-type: application/json' -d '{"name":"${name}"}' http://127.0.0.1:8080/items`);
}

/** The live slot's working folder, as systemd runs it (the app's own files below show it is used). */
async function liveWorkingDirectory(): Promise<string> {
    return (await session.run(`systemctl show -p WorkingDirectory --value "$(${liveAppUnitCommand(SERVICE, false)})"`)).trim();
}

/** The files the app wrote into ./files/items, seen on the host (root: through /var/lib/private). */
async function filesIn(workingFolder: string): Promise<string> {
    return (await session.run(`ls ${workingFolder}/files/items | sort | tr '\\n' ' '`)).trim();
}

describe("the app's state folder on a used host: an earlier layout is repaired, a new one keeps the data", function () {
    before(async function () {
        this.timeout(900_000);
        stopHost(host);
        status = startHost(host);
        session = await HostSession.open(status, fs.readFileSync(status.privateKeyPath));
        binary = buildPlainApp("layout-1");
    });

    after(async function () {
        this.timeout(120_000);
        session?.close();
        if (process.env.GIN_DEPLOY_KEEP_HOST !== "1") stopHost(host);
    });

    it("an earlier release's StateDirectory=layout/db alone left root's /var/lib/layout of links (as gin-deploy did before every level was an entry)", async () => {
        // That release's unit, as systemd ran it: only db is the app's; /var/lib/layout is root's.
        await session.run(
            "systemd-run --wait --quiet -p DynamicUser=yes -p StateDirectory=layout/db " +
                "sh -c 'mkdir -p /var/lib/layout/db/files/items && echo legacy > /var/lib/layout/db/files/items/legacy.txt'",
        );
        assert.strictEqual(
            (await session.run(`stat -c '%U %F' ${TOP} && readlink ${TOP}/db`)).trim(),
            "root directory\n../private/layout/db",
        );
    });

    it("refuses, changing nothing, when root's folder and systemd's hold the same name (no file is guessed at)", async () => {
        // What an operator might have left while working around it by hand: a file of each.
        await session.run(`echo by-hand > ${TOP}/notes.txt && echo one > ${TOP}/clash.txt && echo two > ${PRIVATE}/clash.txt`);
        const before = await session.run(`find ${TOP} ${PRIVATE} | sort`);
        const result = await deployWithOptions(session, release({ stateDirectory: "layout/db", workingDirectory: "." }));
        assert.strictEqual(result.code, 2, result.stderr);
        assert.match(
            result.stderr,
            /the state folder \/var\/lib\/layout .* and \/var\/lib\/private\/layout both hold clash\.txt; nothing was changed\. Fix: keep one of each over SSH/,
        );
        assert.strictEqual(await session.run(`find ${TOP} ${PRIVATE} | sort`), before);
        await session.run(`rm ${TOP}/clash.txt`); // the fix the message names
    });

    it("a nested stateDirectory makes every level the app's: the release repairs that layout, says so, and keeps the data", async () => {
        const result = await mustDeploy({ stateDirectory: "layout/db", workingDirectory: "." });
        assert.match(
            result.stderr,
            /state layout: \/var\/lib\/layout was an earlier release's nested layout .* removed 1 link\(s\) \(db\), moved 1 entr\(y\/ies\) into \/var\/lib\/private\/layout; systemd now links \/var\/lib\/layout to \/var\/lib\/private\/layout, data kept/,
        );
        assert.strictEqual(
            resolveSystemdOptions(SERVICE, release({ stateDirectory: "layout/db" }).options).stateDirectoryPath,
            `${TOP}/db`,
        );
        assert.strictEqual(await liveWorkingDirectory(), `${TOP}/db`);
        // ./../app.db is in the top folder: written only if the app owns it.
        for (const name of ["one", "two"]) await addItem(name);
        assert.deepStrictEqual(await items(), { count: 2, files: 3 });
        assert.strictEqual(await filesIn(`${PRIVATE}/db`), "1.txt 2.txt legacy.txt");
        assert.strictEqual((await session.run(`cat ${PRIVATE}/notes.txt ${PRIVATE}/clash.txt`)).trim(), "by-hand\ntwo");
        assert.strictEqual((await session.run(`readlink ${TOP}`)).trim(), "private/layout");
        const owners = await session.run(`stat -c '%U %n' ${PRIVATE} ${PRIVATE}/app.db ${PRIVATE}/db/files/items/legacy.txt`);
        for (const line of owners.trim().split("\n")) assert.doesNotMatch(line, /^root /, `root's, not the app's: ${owners}`);
    });

    it("another layout on the same host (the state folder's top, a working folder inside it, relative) keeps the data", async () => {
        const result = await mustDeploy({ stateDirectory: "layout", workingDirectory: "db" });
        assert.doesNotMatch(result.stderr, /state layout:/, "nothing to repair or say: the top folder is the same");
        assert.strictEqual(await liveWorkingDirectory(), `${TOP}/db`);
        assert.deepStrictEqual(await items(), { count: 2, files: 3 });
        await addItem("three");
        assert.deepStrictEqual(await items(), { count: 3, files: 4 });
        assert.strictEqual(await filesIn(`${PRIVATE}/db`), "1.txt 2.txt 3.txt legacy.txt");
    });

    it("a failed release with a third layout leaves the serving one as it was; the next release with it serves", async () => {
        const failed = await deployWithOptions(
            session,
            release({
                stateDirectory: "layout",
                workingDirectory: "db/deeper",
                readiness: { httpPath: "/nope" },
                healthCheck: { timeoutSeconds: 3 },
            }),
        );
        assert.strictEqual(failed.code, 1, failed.stderr);
        assert.match(failed.stderr, /rolled back: slot \w+ keeps serving/);
        assert.deepStrictEqual(await items(), { count: 3, files: 4 });

        await mustDeploy({ stateDirectory: "layout", workingDirectory: "db/deeper" });
        assert.strictEqual(await liveWorkingDirectory(), `${TOP}/db/deeper`);
        // Relative to db/deeper, the app's ./../app.db is another file: a new, empty store beside the first.
        assert.deepStrictEqual(await items(), { count: 0, files: 0 });
        assert.strictEqual(
            (await session.run(`ls ${PRIVATE}/app.db ${PRIVATE}/db/app.db`)).trim(),
            `${PRIVATE}/app.db\n${PRIVATE}/db/app.db`,
        );
    });

    it("a new top folder is said, the earlier one kept; removeStateOnDestroy removes the top folder of a nested layout", async () => {
        const moved = await mustDeploy({ stateDirectory: "layout2/data", workingDirectory: ".", removeStateOnDestroy: true });
        assert.match(
            moved.stderr,
            /state layout: this release's state folder is \/var\/lib\/layout2; the earlier release's \/var\/lib\/layout is kept as it was/,
        );
        assert.deepStrictEqual(await items(), { count: 0, files: 0 });
        const res = await uninstall(session, SERVICE);
        assert.strictEqual(res.code, 0, res.stderr);
        assert.match(res.stderr, /removed the app's state directory \/var\/lib\/layout2 \(removeStateOnDestroy\)/);
        const left = await session.run(`ls -d /var/lib/layout2 /var/lib/private/layout2 ${TOP} ${PRIVATE} 2>/dev/null || true`);
        assert.strictEqual(left.trim(), `${TOP}\n${PRIVATE}`, "the earlier top folder is the user's to remove; the current one is gone");
        await session.run(`rm -rf ${TOP} ${PRIVATE}`);
    });
    it("a plain folder left by hand (a workaround of old: mkdir -p over SSH) is taken over, data kept: systemd moves it into its store", async () => {
        await session.run("mkdir -p /var/lib/layout3/db/files/items && echo by-hand > /var/lib/layout3/db/files/items/hand.txt");
        const result = await mustDeploy({ stateDirectory: "layout3", workingDirectory: "db", removeStateOnDestroy: true });
        assert.doesNotMatch(
            result.stderr,
            /state layout: \/var\/lib\/layout3 was/,
            "nothing of ours to repair: systemd migrates a plain folder itself",
        );
        assert.deepStrictEqual(await items(), { count: 0, files: 1 });
        await addItem("four");
        assert.deepStrictEqual(await items(), { count: 1, files: 2 });
        assert.strictEqual((await session.run("readlink /var/lib/layout3")).trim(), "private/layout3");
        const owner = await session.run("stat -c %U /var/lib/private/layout3/db/files/items/hand.txt");
        assert.notStrictEqual(owner.trim(), "root", "the file is still root's: the app could not change it");
        const res = await uninstall(session, SERVICE);
        assert.strictEqual(res.code, 0, res.stderr);
        assert.strictEqual((await session.run("ls -d /var/lib/layout3 /var/lib/private/layout3 2>/dev/null || true")).trim(), "");
    });
});
