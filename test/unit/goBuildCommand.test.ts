import * as assert from "assert";

import { cgoModeOf, fullLdflags, goBuildInvocation, goLdflags, goTags, mergedGoflags } from "../../components/build/goBuildCommand";

const stamp = { version: "v1.2.3-4-gabc1234-dirty", commit: "abc1234def", date: "2026-11-27T04:22:00+00:00" };

describe("go build command", () => {
    it("strips symbols and stamps version, commit and date with -ldflags -X", () => {
        assert.strictEqual(
            goLdflags(stamp),
            "-s -w -X main.version=v1.2.3-4-gabc1234-dirty -X main.commit=abc1234def -X main.date=2026-11-27T04:22:00+00:00",
        );
    });

    it("refuses a stamp value that -X would split on a space", () => {
        assert.throws(() => goLdflags({ ...stamp, version: "v1 beta" }), /release version "v1 beta" cannot be stamped/);
    });

    it("cross-compiles a static, path-free binary for the requested GOOS/GOARCH", () => {
        const invocation = goBuildInvocation({
            goos: "linux",
            goarch: "arm64",
            stamp,
            cgoEnabled: false,
            packagePath: ".",
            outputPath: "/tmp/out/gin-app",
        });
        assert.deepStrictEqual(invocation.args, [
            "build",
            "-trimpath",
            "-buildvcs=false",
            "-ldflags",
            goLdflags(stamp),
            "-o",
            "/tmp/out/gin-app",
            ".",
        ]);
        assert.deepStrictEqual(invocation.env, { CGO_ENABLED: "0", GOOS: "linux", GOARCH: "arm64", GOFLAGS: "-mod=readonly" });
    });

    it("turns cgo on only when asked", () => {
        const invocation = goBuildInvocation({
            goos: "linux",
            goarch: "amd64",
            stamp,
            cgoEnabled: true,
            packagePath: "./cmd/app",
            outputPath: "out",
        });
        assert.strictEqual(invocation.env.CGO_ENABLED, "1");
        assert.strictEqual(invocation.args[invocation.args.length - 1], "./cmd/app");
    });

    it("builds a static cgo binary with netgo,osusergo and -extldflags -static, plus the caller's tags and flags", () => {
        const invocation = goBuildInvocation({
            goos: "linux",
            goarch: "amd64",
            stamp,
            cgo: "static",
            tags: ["sqlite_omit_load_extension"],
            extraLdflags: ["-X", "main.flavour=plain"],
            packagePath: ".",
            outputPath: "out",
        });
        assert.deepStrictEqual(invocation.args, [
            "build",
            "-trimpath",
            "-buildvcs=false",
            "-tags",
            "netgo,osusergo,sqlite_omit_load_extension",
            "-ldflags",
            `${goLdflags(stamp)} -X main.flavour=plain -extldflags -static`,
            "-o",
            "out",
            ".",
        ]);
        assert.strictEqual(invocation.env.CGO_ENABLED, "1");
    });

    it("merges the caller's -extldflags with -static into one (the linker keeps only the last)", () => {
        assert.strictEqual(
            fullLdflags(stamp, "static", ["-extldflags", "-lm -lpthread"]),
            `${goLdflags(stamp)} -extldflags '-static -lm -lpthread'`,
        );
        assert.strictEqual(
            fullLdflags(stamp, "dynamic", ["-extldflags=-Wl,--as-needed"]),
            `${goLdflags(stamp)} -extldflags -Wl,--as-needed`,
        );
        assert.strictEqual(fullLdflags(stamp, "off"), goLdflags(stamp));
        assert.throws(() => fullLdflags(stamp, "static", ["-extldflags"]), /ends with -extldflags and no value/);
    });

    it("passes tags only when there are some, and refuses a tag the go tool would split", () => {
        assert.strictEqual(goTags("off"), undefined);
        assert.strictEqual(goTags("dynamic", ["a", "b.c"]), "a,b.c");
        assert.strictEqual(goTags("static", ["netgo", "x"]), "netgo,osusergo,x");
        assert.throws(() => goTags("off", ["a,b"]), /build tag "a,b" is not valid/);
        assert.throws(() => goTags("off", ["a b"]), /build tag "a b" is not valid/);
    });

    it("keeps the caller's GOFLAGS and adds -mod=readonly only when they choose no -mod", () => {
        assert.strictEqual(mergedGoflags(undefined), "-mod=readonly");
        assert.strictEqual(mergedGoflags("-buildvcs=false  -p=1"), "-buildvcs=false -p=1 -mod=readonly");
        assert.strictEqual(mergedGoflags("-mod=vendor -p=1"), "-mod=vendor -p=1");
        const invocation = goBuildInvocation({
            goos: "linux",
            goarch: "amd64",
            stamp,
            inheritedGoflags: "-mod=mod -race=false",
            packagePath: ".",
            outputPath: "o",
        });
        assert.strictEqual(invocation.env.GOFLAGS, "-mod=mod -race=false");
        assert.strictEqual(invocation.env.CGO_ENABLED, "0");
    });

    it("reads the older cgoEnabled as dynamic, lets cgo win, and refuses an unknown mode", () => {
        assert.strictEqual(cgoModeOf({}), "off");
        assert.strictEqual(cgoModeOf({ cgoEnabled: true }), "dynamic");
        assert.strictEqual(cgoModeOf({ cgoEnabled: true, cgo: "static" }), "static");
        assert.throws(() => cgoModeOf({ cgo: "on" as never }), /cgo "on" is not one of "off", "static", "dynamic"/);
    });
});
