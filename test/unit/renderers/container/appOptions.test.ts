import * as assert from "assert";

import { resolveContainerAppOptions } from "../../../../components/container/renderers/appOptions";

const resolve = (o: Partial<Parameters<typeof resolveContainerAppOptions>[1]> = {}) =>
    resolveContainerAppOptions("gin-app", { versionGiven: true, ...o });

describe("container app options", () => {
    it("defaults to both modes' release defaults: /healthz in 60 s, the version checked, a 30 s drain; no volume, args or workdir", () => {
        assert.deepStrictEqual(resolve(), {
            healthPath: "/healthz",
            healthTimeoutSeconds: 60,
            drainTimeoutSeconds: 30,
            versionCheck: true,
            workingDirectory: undefined,
            args: [],
            stateVolume: undefined,
            allowRootUser: false,
        });
        assert.strictEqual(resolve({ healthTimeoutSeconds: 30 }).healthTimeoutSeconds, 30);
    });

    it("takes a plain app's settings: its own health path, no version, a volume for its data, its command line", () => {
        const o = resolve({
            healthCheck: { path: "/", timeoutSeconds: 20 },
            versionCheck: false,
            versionGiven: false,
            stateVolume: {},
            args: ["--flag", "a b"],
            workingDirectory: "/srv",
            drainTimeoutSeconds: 15,
        });
        assert.strictEqual(o.healthPath, "/");
        assert.strictEqual(o.healthTimeoutSeconds, 20);
        assert.strictEqual(o.versionCheck, false);
        assert.deepStrictEqual(o.stateVolume, {
            name: "gin-app-state",
            mountPath: "/data",
            uid: 65532,
            gid: 65532,
            removeOnDestroy: false,
        });
        assert.deepStrictEqual(o.args, ["--flag", "a b"]);
        assert.strictEqual(o.workingDirectory, "/srv");
        assert.strictEqual(resolve({ workingDir: "/opt/app" }).workingDirectory, "/opt/app", "the older spelling still works");
        assert.strictEqual(resolve({ drainTimeoutSeconds: 0 }).drainTimeoutSeconds, 0, "0: the app drains itself");
        assert.strictEqual(o.drainTimeoutSeconds, 15);
        assert.deepStrictEqual(resolve({ stateVolume: { mountPath: "/var/lib/app", uid: 1000, removeStateOnDestroy: true } }).stateVolume, {
            name: "gin-app-state",
            mountPath: "/var/lib/app",
            uid: 1000,
            gid: 1000,
            removeOnDestroy: true,
        });
    });

    it("refuses each bad value naming the option, the value and the fix", () => {
        const refusals: Array<[Partial<Parameters<typeof resolveContainerAppOptions>[1]>, RegExp]> = [
            [
                { healthCheck: { path: "healthz" } },
                /healthCheck\.path "healthz" is not a usable health path: give a URL path starting with "\/"/,
            ],
            [{ healthCheck: { path: "/a b" } }, /healthCheck\.path "\/a b"/],
            [
                { healthCheck: { timeoutSeconds: 0 } },
                /healthCheck\.timeoutSeconds=0 is not a usable wait: give whole seconds from 1 to 3600/,
            ],
            [{ healthTimeoutSeconds: 3601 }, /healthTimeoutSeconds=3601 is not a usable wait: give whole seconds from 1 to 3600/],
            [{ healthCheck: { timeoutSeconds: 10 }, healthTimeoutSeconds: 20 }, /disagree: give only healthCheck\.timeoutSeconds/],
            [{ versionGiven: false }, /version is missing while versionCheck is true: .*versionCheck: false/],
            [{ stateVolume: { mountPath: "data" } }, /stateVolume\.mountPath "data" must be an absolute container path/],
            [{ stateVolume: { mountPath: "/tmp/db" } }, /stateVolume\.mountPath "\/tmp\/db" .*outside \/proc/],
            [{ stateVolume: { mountPath: "/a,b" } }, /stateVolume\.mountPath "\/a,b"/],
            [{ stateVolume: { uid: -1 } }, /stateVolume\.uid=-1 must be a numeric user or group id/],
            [{ stateVolume: { gid: 1.5 } }, /stateVolume\.gid=1\.5/],
            [{ args: ["ok", "two\nlines"] }, /args\[1\] "two\\nlines" must be a string without newlines/],
            [{ workingDir: "relative" }, /workingDir "relative" must be an absolute container path/],
            [{ workingDirectory: "relative" }, /workingDirectory "relative" must be an absolute container path/],
            [
                { workingDirectory: "/a", workingDir: "/b" },
                /workingDirectory "\/a" and workingDir "\/b" are both given: give only workingDirectory/,
            ],
            [
                { drainTimeoutSeconds: 3601 },
                /drainTimeoutSeconds=3601 is not a usable wait: give whole seconds from 0 to 3600 \(0: no wait\)/,
            ],
            [{ allowRootUser: "yes" as unknown as boolean }, /allowRootUser="yes" must be true or false/],
        ];
        for (const [given, message] of refusals) {
            assert.throws(() => resolve(given), message, JSON.stringify(given));
        }
    });
});
