// The renderers behind SystemdService's options for an ordinary Gin app: ExecStart quoting, extra
// directives, the slot units and the option checks, each refusal naming the option and the fix.
import * as assert from "assert";
import { parse } from "shell-quote";

import { systemdExecWord } from "../../../../components/shared/renderers/execArgs";
import { resolveSystemdOptions } from "../../../../components/systemd/renderers/serviceOptions";
import { renderServiceUnit } from "../../../../components/systemd/renderers/serviceUnit";
import { renderFrontProxy, renderSlotUnits } from "../../../../components/systemd/renderers/slotUnits";
import { installReleaseCommand } from "../../../../components/systemd/renderers/releaseCommands";
import { renderSystemdContract } from "../../../../components/systemd/renderers/contract";

const lines = (unit: string, key: string) =>
    unit
        .split("\n")
        .filter((l) => l.startsWith(`${key}=`))
        .map((l) => l.slice(key.length + 1));

describe("SystemdService options for an ordinary Gin app (renderers)", () => {
    it('quotes ExecStart words for systemd: \\ and " escaped, % and $ doubled, control characters refused', () => {
        assert.strictEqual(systemdExecWord('a b"c\\d'), '"a b\\"c\\\\d"');
        assert.strictEqual(systemdExecWord("100%$HOME"), '"100%%$$HOME"');
        assert.strictEqual(systemdExecWord(""), '""');
        assert.throws(() => systemdExecWord("a\nb"), /args entry "a\\nb" holds a control character/);
    });

    it("keeps the reference unit byte for byte when no option is set", () => {
        assert.strictEqual(
            renderServiceUnit({ serviceName: "gin-app", ...resolveSystemdOptions("gin-app", {}).app }),
            renderServiceUnit({ serviceName: "gin-app" }),
        );
    });

    it("renders readiness httpPath as Type=exec, args, working and state directory, and extra directives", () => {
        const o = resolveSystemdOptions("plain", {
            readiness: { httpPath: "/" },
            stateDirectory: true,
            workingDirectory: "/var/lib/plain",
            args: ["--x", "a b"],
            extraDirectives: { MemoryMax: "512M", ReadWritePaths: ["/srv/a", "/srv/b"] },
        });
        const unit = renderServiceUnit({ serviceName: "plain", ...o.app });
        assert.deepStrictEqual(lines(unit, "Type"), ["exec"]);
        assert.deepStrictEqual(lines(unit, "NotifyAccess"), []);
        assert.deepStrictEqual(lines(unit, "ExecStart"), ['/opt/plain/current/plain "--x" "a b"']);
        assert.deepStrictEqual(lines(unit, "StateDirectory"), ["plain"]);
        assert.deepStrictEqual(lines(unit, "WorkingDirectory"), ["/var/lib/plain"]);
        assert.deepStrictEqual(lines(unit, "ReadWritePaths"), ["/srv/a", "/srv/b"]);
        assert.strictEqual(o.healthPath, "/");
        assert.strictEqual(o.stateDirectoryPath, "/var/lib/plain");
    });

    it("refuses extra directives that would break the sandbox or the contract, naming the key and the fix", () => {
        const bad: Array<[Record<string, string>, RegExp]> = [
            [{ ProtectSystem: "no" }, /extraDirectives\.ProtectSystem is refused/],
            [{ ExecStart: "/bin/sh" }, /extraDirectives\.ExecStart is refused.*`args`/],
            [{ User: "root" }, /extraDirectives\.User is refused/],
            [{ Environment: "A=1" }, /extraDirectives\.Environment is refused.*`environment`/],
            [{ MemoryMax: "1G\nUser=root" }, /extraDirectives\.MemoryMax=[^]* must be one line/],
            [{ "bad key": "x" }, /extraDirectives key "bad key"/],
        ];
        for (const [extraDirectives, message] of bad) {
            assert.throws(() => resolveSystemdOptions("plain", { extraDirectives }), message);
        }
    });

    it("accepts only the allow-listed directives: each hostile one is refused by name, with the fix", () => {
        const bad: Array<[Record<string, string | string[]>, RegExp]> = [
            // Each of these systemd would act on as root before the app's dynamic user exists.
            [
                { LoadCredential: "shadow:/etc/shadow" },
                /extraDirectives\.LoadCredential is refused: it is not one of the directives.*`secretEnvironment`.*allowed: MemoryMax/,
            ],
            [{ StandardOutput: "file:/etc/cron.d/evil" }, /extraDirectives\.StandardOutput is refused.*journal/],
            [{ BindPaths: "/root:/data" }, /extraDirectives\.BindPaths is refused/],
            [{ BindReadOnlyPaths: "/etc/shadow:/data/s" }, /extraDirectives\.BindReadOnlyPaths is refused/],
            [{ ExecStartPre: "/bin/sh -c 'id > /tmp/x'" }, /extraDirectives\.ExecStartPre is refused/],
            [{ ExecStopPost: "+/bin/rm -rf /" }, /extraDirectives\.ExecStopPost is refused/],
            [{ User: "root" }, /extraDirectives\.User is refused.*dynamic user/],
            [{ Group: "root" }, /extraDirectives\.Group is refused/],
            [{ SupplementaryGroups: "docker" }, /extraDirectives\.SupplementaryGroups is refused/],
            [{ AmbientCapabilities: "CAP_NET_ADMIN" }, /extraDirectives\.AmbientCapabilities is refused: gin-deploy sets/],
            [{ TemporaryFileSystem: "/etc" }, /extraDirectives\.TemporaryFileSystem is refused/],
            [{ RootDirectory: "/" }, /extraDirectives\.RootDirectory is refused/],
            [{ PAMName: "login" }, /extraDirectives\.PAMName is refused/],
            [{ SetCredential: "x:y" }, /extraDirectives\.SetCredential is refused/],
            [{ LogsDirectory: "../../etc" }, /extraDirectives\.LogsDirectory is refused/],
            // Spelling tricks: systemd's names are case-sensitive, and padding is not a name.
            [{ user: "root" }, /extraDirectives key "user" is not a systemd directive name/],
            [{ memorymax: "1G" }, /extraDirectives key "memorymax" is not a systemd directive name: use its exact spelling, MemoryMax/],
            [{ " User": "root" }, /extraDirectives key " User" is not a systemd directive name/],
            [{ "User ": "root" }, /extraDirectives key "User " is not a systemd directive name/],
            [{ "MemoryMax\nUser": "root" }, /extraDirectives key "MemoryMax\\nUser"/],
            [{ MEMORYMAX: "1G" }, /extraDirectives\.MEMORYMAX is refused.*spell it MemoryMax/],
            // A value smuggling a second line, a second path or a specifier.
            [{ MemoryMax: "1G\nExecStartPre=/bin/sh" }, /extraDirectives\.MemoryMax=[^]* must be one line/],
            [{ MemoryMax: "1G\rUser=root" }, /extraDirectives\.MemoryMax=[^]* must be one line/],
            [{ MemoryMax: "1G\u2028User=root" }, /extraDirectives\.MemoryMax=[^]* must be one line/],
            [{ MemoryMax: "1G \\" }, /extraDirectives\.MemoryMax=[^]* must be one line/],
            [{ MemoryMax: "1G User=root" }, /extraDirectives\.MemoryMax="1G User=root" is refused: give bytes/],
            [{ ReadWritePaths: "/srv/a /etc" }, /extraDirectives\.ReadWritePaths="\/srv\/a \/etc" is refused: give one absolute path/],
            [
                { ReadWritePaths: "/etc" },
                /extraDirectives\.ReadWritePaths="\/etc" is refused: give one absolute path per value under \/srv/,
            ],
            [{ ReadWritePaths: "/root/.ssh" }, /extraDirectives\.ReadWritePaths="\/root\/.ssh" is refused/],
            [{ ReadWritePaths: "/srv/../etc" }, /extraDirectives\.ReadWritePaths="\/srv\/..\/etc" is refused/],
            [{ ReadWritePaths: "-/srv/a" }, /extraDirectives\.ReadWritePaths="-\/srv\/a" is refused/],
            [{ ReadWritePaths: "/srv/%h" }, /extraDirectives\.ReadWritePaths="\/srv\/%h" is refused/],
            [{ InaccessiblePaths: "/srv/a b" }, /extraDirectives\.InaccessiblePaths="\/srv\/a b" is refused/],
            [{ Nice: "-20" }, /extraDirectives\.Nice="-20" is refused: give a whole number from 0 to 19/],
            [{ OOMScoreAdjust: "-1000" }, /extraDirectives\.OOMScoreAdjust="-1000" is refused/],
            // Keys the unit sets itself stay refused even where a user might want them.
            [{ LimitNOFILE: "1048576" }, /extraDirectives\.LimitNOFILE is refused: gin-deploy sets LimitNOFILE itself/],
            [{ TimeoutStopSec: "1" }, /extraDirectives\.TimeoutStopSec is refused: gin-deploy sets TimeoutStopSec itself/],
            [{ RestartSec: "0" }, /extraDirectives\.RestartSec is refused: gin-deploy sets/],
        ];
        for (const [extraDirectives, message] of bad) {
            assert.throws(
                () => resolveSystemdOptions("plain", { extraDirectives }),
                (e: Error) => {
                    assert.match(e.message, message);
                    return true;
                },
            );
        }
    });

    it("renders each allow-listed directive with an ordinary value", () => {
        const extraDirectives = {
            MemoryMax: "512M",
            MemoryHigh: "80%",
            MemorySwapMax: "0",
            CPUQuota: "150%",
            CPUWeight: "50",
            IOWeight: "50",
            TasksMax: "256",
            LimitNPROC: "512",
            LimitCORE: "0",
            Nice: "5",
            OOMScoreAdjust: "500",
            InaccessiblePaths: ["/srv/secrets", "/var/lib/other"],
            ReadWritePaths: ["/srv/uploads", "/var/cache/plain"],
        };
        const unit = renderServiceUnit({ serviceName: "plain", ...resolveSystemdOptions("plain", { extraDirectives }).app });
        for (const [key, value] of Object.entries(extraDirectives)) {
            assert.deepStrictEqual(lines(unit, key), typeof value === "string" ? [value] : value, key);
        }
    });

    it("refuses bad options with the option's name, the value and the fix", () => {
        const bad: Array<[object, RegExp]> = [
            [{ readiness: "ready" }, /readiness "ready" must be "notify" or \{ httpPath/],
            [{ readiness: { httpPath: "no slash" } }, /readiness\.httpPath "no slash" is not a usable health path/],
            [{ slotPorts: { blue: 1, green: 2 } }, /slotPorts applies only with socketActivated: false/],
            [{ socketActivated: false, slotPorts: { blue: 0, green: 2 } }, /slotPorts\.blue=0 is not a TCP port/],
            [{ stateDirectory: "../etc" }, /stateDirectory "\.\.\/etc" is not a folder name/],
            [{ removeStateOnDestroy: true }, /removeStateOnDestroy needs a stateDirectory/],
            [
                { workingDirectory: "relative" },
                /workingDirectory "relative" is relative, i\.e\. inside the state directory, and there is none: set stateDirectory/,
            ],
            [
                { healthCheck: { timeoutSeconds: 0 } },
                /healthCheck\.timeoutSeconds=0 is not a usable wait: give whole seconds from 1 to 3600/,
            ],
            [{ versionCheck: "no" }, /versionCheck="no" must be true or false/],
            [
                { socketActivated: false, drainTimeoutSeconds: 3601 },
                /drainTimeoutSeconds=3601 is not a usable wait: give whole seconds from 0 to 3600/,
            ],
            [{ drainTimeoutSeconds: 10 }, /drainTimeoutSeconds applies only with socketActivated: false/],
        ];
        for (const [options, message] of bad) {
            assert.throws(() => resolveSystemdOptions("plain", options), message);
        }
    });

    it("renders two slots on their loopback ports as one dynamic user, behind a front proxy that follows a link", () => {
        const o = resolveSystemdOptions("plain", { socketActivated: false, readiness: { httpPath: "/" }, stateDirectory: true });
        const units = renderSlotUnits({ serviceName: "plain", port: 8080, slotPorts: { blue: 8081, green: 8082 }, app: o.app });
        assert.deepStrictEqual(
            units.map((u) => u.name),
            [
                "plain-bridge-blue.socket",
                "plain-bridge-blue.service",
                "plain-slot-blue.service",
                "plain-bridge-green.socket",
                "plain-bridge-green.service",
                "plain-slot-green.service",
            ],
        );
        const green = units.find((u) => u.name === "plain-slot-green.service")!.content;
        assert.deepStrictEqual(lines(green, "Environment"), ["PORT=8082"]);
        assert.deepStrictEqual(lines(green, "User"), ["plain"]);
        assert.deepStrictEqual(lines(green, "ExecStart"), ["/opt/plain/slots/green/plain"]);
        assert.deepStrictEqual(lines(green, "StateDirectory"), ["plain"]);
        assert.deepStrictEqual(lines(units[1].content, "ExecStart"), ["/lib/systemd/systemd-socket-proxyd 127.0.0.1:8081"]);
        assert.deepStrictEqual(lines(units[0].content, "ListenStream"), ["/run/gin-deploy/systemd/plain/blue.sock"]);
        assert.deepStrictEqual(lines(renderFrontProxy("plain"), "ExecStart"), [
            "/lib/systemd/systemd-socket-proxyd /opt/plain/current-slot.sock",
        ]);
        assert.throws(
            () => renderSlotUnits({ serviceName: "plain", port: 8080, slotPorts: { blue: 8080, green: 8082 }, app: o.app }),
            /port 8080 and slotPorts 8080\/8082 must all differ/,
        );
    });

    it("defaults as container mode does (/healthz in 60 s, version checked, 30 s drain in slot mode); the readiness path is the health path", () => {
        const o = resolveSystemdOptions("plain", {});
        assert.deepStrictEqual([o.healthPath, o.healthTimeoutSec, o.versionCheck, o.drainTimeoutSec], ["/healthz", 60, true, 30]);
        assert.strictEqual(resolveSystemdOptions("plain", { readiness: { httpPath: "/ready" } }).healthPath, "/ready");
        assert.strictEqual(
            resolveSystemdOptions("plain", { readiness: { httpPath: "/ready" }, healthCheck: { path: "/up" } }).healthPath,
            "/up",
        );
    });

    it("passes the slot options to install-release.sh; socket activation passes no slot ports, units or drain", () => {
        const base = {
            serviceName: "plain",
            version: "v1",
            binarySha256: "ab".repeat(32),
            port: 8080,
            hostFirewall: false,
            healthPath: "/healthz",
            healthTimeoutSec: 60,
            versionCheck: true,
        };
        assert.doesNotMatch(installReleaseCommand(base), /--slot-ports|--unit|--drain-timeout/);
        assert.throws(
            () => installReleaseCommand({ ...base, slotPorts: { blue: 8081, green: 8082 } }),
            /slotPorts and drainTimeoutSec go together/,
        );
        const words = parse(
            installReleaseCommand({
                ...base,
                healthPath: "/",
                versionCheck: false,
                slotPorts: { blue: 8081, green: 8082 },
                drainTimeoutSec: 10,
                extraUnits: ["plain-slot-blue.service"],
            }),
        ) as string[];
        const after = (flag: string) => words[words.indexOf(flag) + 1];
        assert.strictEqual(after("--health-path"), "/");
        assert.strictEqual(after("--version-check"), "off");
        assert.strictEqual(after("--slot-ports"), "8081,8082");
        assert.strictEqual(after("--drain-timeout"), "10");
        assert.strictEqual(after("--unit"), "/var/lib/gin-deploy/staging/systemd/plain/plain-slot-blue.service");
    });

    it("tells uninstall about the state directory, and removes it only when asked", () => {
        assert.match(renderSystemdContract("plain"), /^REMOVE_STATE_ON_DESTROY='?no'?$/m);
        const c = renderSystemdContract("plain", { stateDirectory: "plain", removeStateOnDestroy: true });
        assert.match(c, /^APP_STATE_DIR='?\/var\/lib\/plain'?$/m);
        assert.match(c, /^REMOVE_STATE_ON_DESTROY='?yes'?$/m);
    });
});

describe("SystemdService's state and working directories (StateDirectory= under DynamicUser=)", () => {
    const unitOf = (options: Parameters<typeof resolveSystemdOptions>[1]) =>
        renderServiceUnit({ serviceName: "plain", ...resolveSystemdOptions("plain", options).app });

    it("creates a working directory given relative to the state directory, owned by the app (StateDirectory=app app/db)", () => {
        const unit = unitOf({ stateDirectory: "app", workingDirectory: "db" });
        assert.deepStrictEqual(lines(unit, "StateDirectory"), ["app app/db"]);
        assert.deepStrictEqual(lines(unit, "WorkingDirectory"), ["/var/lib/app/db"]);
        // ./ and a trailing / change nothing; each level down to it is created and owned.
        const deeper = unitOf({ stateDirectory: "app", workingDirectory: "./data/db/" });
        assert.deepStrictEqual(lines(deeper, "StateDirectory"), ["app app/data app/data/db"]);
        assert.deepStrictEqual(lines(deeper, "WorkingDirectory"), ["/var/lib/app/data/db"]);
        assert.deepStrictEqual(lines(unitOf({ stateDirectory: "app", workingDirectory: "." }), "StateDirectory"), ["app"]);
    });

    it("creates an absolute working directory inside the state directory too (it used to fail the start with 200/CHDIR)", () => {
        const unit = unitOf({ stateDirectory: "app", workingDirectory: "/var/lib/app/db" });
        assert.deepStrictEqual(lines(unit, "StateDirectory"), ["app app/db"]);
        assert.deepStrictEqual(lines(unit, "WorkingDirectory"), ["/var/lib/app/db"]);
        assert.deepStrictEqual(lines(unitOf({ stateDirectory: true, workingDirectory: "/var/lib/plain" }), "StateDirectory"), ["plain"]);
    });

    it("leaves a working directory outside the state directory as given (it must exist)", () => {
        const unit = unitOf({ stateDirectory: "app", workingDirectory: "/srv/plain/" });
        assert.deepStrictEqual(lines(unit, "StateDirectory"), ["app"]);
        assert.deepStrictEqual(lines(unit, "WorkingDirectory"), ["/srv/plain"]);
        assert.deepStrictEqual(lines(unitOf({ workingDirectory: "/var/lib/other" }), "StateDirectory"), []);
    });

    it("makes every level of a nested state directory the app's (its parent used to stay root's and read-only)", () => {
        const o = resolveSystemdOptions("plain", { stateDirectory: "app/db", workingDirectory: "db" });
        const unit = renderServiceUnit({ serviceName: "plain", ...o.app });
        assert.deepStrictEqual(lines(unit, "StateDirectory"), ["app app/db app/db/db"]);
        assert.deepStrictEqual(lines(unit, "WorkingDirectory"), ["/var/lib/app/db/db"]);
        assert.strictEqual(o.stateDirectoryPath, "/var/lib/app/db");
        assert.deepStrictEqual(lines(unitOf({ stateDirectory: "app/db" }), "StateDirectory"), ["app app/db"]);
        // A working directory elsewhere in the app's top folder is the app's as well.
        assert.deepStrictEqual(lines(unitOf({ stateDirectory: "app/db", workingDirectory: "/var/lib/app/run" }), "StateDirectory"), [
            "app app/db app/run",
        ]);
    });

    it("gives both slots the same folders", () => {
        const o = resolveSystemdOptions("plain", { socketActivated: false, stateDirectory: "app", workingDirectory: "db" });
        const units = renderSlotUnits({ serviceName: "plain", port: 8080, slotPorts: { blue: 8081, green: 8082 }, app: o.app });
        for (const name of ["plain-slot-blue.service", "plain-slot-green.service"]) {
            const unit = units.find((u) => u.name === name)!.content;
            assert.deepStrictEqual(lines(unit, "StateDirectory"), ["app app/db"], name);
            assert.deepStrictEqual(lines(unit, "WorkingDirectory"), ["/var/lib/app/db"], name);
        }
    });

    it("removes the whole state tree on destroy when asked, and keeps stateDirectoryPath what was named", () => {
        const nested = resolveSystemdOptions("plain", { stateDirectory: "app/db", removeStateOnDestroy: true });
        assert.strictEqual(nested.stateDirectoryPath, "/var/lib/app/db");
        const c = renderSystemdContract("plain", { stateDirectory: nested.stateDirectory, removeStateOnDestroy: true });
        assert.match(c, /^APP_STATE_DIR='?\/var\/lib\/app'?$/m);
        assert.match(c, /^APP_PRIVATE_STATE_DIR='?\/var\/lib\/private\/app'?$/m);
        assert.match(c, /^REMOVE_STATE_ON_DESTROY='?yes'?$/m);
        const flat = renderSystemdContract("plain", { stateDirectory: "plain" });
        assert.match(flat, /^APP_PRIVATE_STATE_DIR='?\/var\/lib\/private\/plain'?$/m);
    });

    it("refuses folders systemd cannot create or the app may not take, before any resource, with the fix", () => {
        const bad: Array<[object, RegExp]> = [
            [
                { workingDirectory: "db" },
                /workingDirectory "db" is relative.*set stateDirectory \(e\.g\. stateDirectory: "app" for \/var\/lib\/app\/db\)/,
            ],
            [
                { stateDirectory: "app", workingDirectory: "../etc" },
                /workingDirectory "\.\.\/etc" is not a folder inside the state directory/,
            ],
            [
                { stateDirectory: "app", workingDirectory: "/var/lib/app/my db" },
                /workingDirectory "\/var\/lib\/app\/my db" is inside the state directory \/var\/lib\/app.*rename it/,
            ],
            [
                { stateDirectory: "app", workingDirectory: "/var/lib/app/../etc" },
                /workingDirectory "\/var\/lib\/app\/\.\.\/etc" must be an absolute path .* without/,
            ],
            [{ stateDirectory: "private/x" }, /stateDirectory "private\/x" would make \/var\/lib\/private, systemd's own store/],
            [{ stateDirectory: "gin-deploy" }, /stateDirectory "gin-deploy" would make \/var\/lib\/gin-deploy, gin-deploy's own folder/],
        ];
        for (const [options, message] of bad) {
            assert.throws(() => resolveSystemdOptions("plain", options), message);
        }
    });
});
