import * as assert from "assert";

import { cgoModeOf, fullLdflags, goBuildInvocation, goLdflags, goTags, mergedGoflags } from "../../components/build/goBuildCommand";
import { binaryDigestVersion } from "../../components/rules/releaseVersion";

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

    it("stamps nothing for an app that stamps nothing, and only the fields given otherwise", () => {
        assert.strictEqual(goLdflags({}), "-s -w");
        assert.strictEqual(goLdflags({ version: "v2" }), "-s -w -X main.version=v2");
        const invocation = goBuildInvocation({ goos: "linux", goarch: "amd64", stamp: {}, packagePath: ".", outputPath: "out" });
        assert.deepStrictEqual(invocation.args, ["build", "-trimpath", "-buildvcs=false", "-ldflags", "-s -w", "-o", "out", "."]);
    });

    it("names a release without a version after the binary's digest, one rule for every user of it", () => {
        assert.strictEqual(binaryDigestVersion("ab12".repeat(16)), "sha-ab12ab12ab12");
        assert.throws(() => binaryDigestVersion("nothex"), /binarySha256 "nothex" is not a sha256: give its 64 lowercase hex digits/);
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

    it("adds sqlite_omit_load_extension to a static cgo build of a module that requires go-sqlite3 (no dlopen in a static binary)", () => {
        const settings = {
            goos: "linux" as const,
            goarch: "amd64" as const,
            stamp,
            packagePath: ".",
            outputPath: "out",
            requiredModules: ["github.com/gin-gonic/gin", "github.com/mattn/go-sqlite3"],
        };
        const tagsOf = (args: string[]) => (args.includes("-tags") ? args[args.indexOf("-tags") + 1] : undefined);
        assert.strictEqual(tagsOf(goBuildInvocation({ ...settings, cgo: "static" }).args), "netgo,osusergo,sqlite_omit_load_extension");
        // Given by the caller too (as the docs used to advise): once.
        assert.strictEqual(
            tagsOf(goBuildInvocation({ ...settings, cgo: "static", tags: ["sqlite_omit_load_extension", "x"] }).args),
            "netgo,osusergo,sqlite_omit_load_extension,x",
        );
        // Only a static link needs it: a dynamic binary can load extensions, and "off" cannot build go-sqlite3 at all.
        assert.strictEqual(tagsOf(goBuildInvocation({ ...settings, cgo: "dynamic" }).args), undefined);
        assert.strictEqual(tagsOf(goBuildInvocation({ ...settings, cgo: "off" }).args), undefined);
        assert.strictEqual(
            tagsOf(goBuildInvocation({ ...settings, cgo: "static", requiredModules: ["modernc.org/sqlite"] }).args),
            "netgo,osusergo",
        );
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
