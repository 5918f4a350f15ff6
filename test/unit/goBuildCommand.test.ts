import * as assert from "assert";

import { goBuildInvocation, goLdflags } from "../../components/build/goBuildCommand";

const stamp = { version: "v1.2.3-4-gabc1234-dirty", commit: "abc1234def", date: "2026-11-27T04:22:00+00:00" };

describe("go build command", () => {
    it("strips symbols and stamps version, commit and date with -ldflags -X", () => {
        assert.strictEqual(goLdflags(stamp),
            "-s -w -X main.version=v1.2.3-4-gabc1234-dirty -X main.commit=abc1234def -X main.date=2026-11-27T04:22:00+00:00");
    });

    it("refuses a stamp value that -X would split on a space", () => {
        assert.throws(() => goLdflags({ ...stamp, version: "v1 beta" }), /release version "v1 beta" cannot be stamped/);
    });

    it("cross-compiles a static, path-free binary for the requested GOOS/GOARCH", () => {
        const invocation = goBuildInvocation({
            goos: "linux", goarch: "arm64", stamp, cgoEnabled: false, packagePath: ".", outputPath: "/tmp/out/gin-app",
        });
        assert.deepStrictEqual(invocation.args, [
            "build", "-trimpath", "-buildvcs=false", "-ldflags", goLdflags(stamp), "-o", "/tmp/out/gin-app", ".",
        ]);
        assert.deepStrictEqual(invocation.env, { CGO_ENABLED: "0", GOOS: "linux", GOARCH: "arm64", GOFLAGS: "-mod=readonly" });
    });

    it("turns cgo on only when asked", () => {
        const invocation = goBuildInvocation({
            goos: "linux", goarch: "amd64", stamp, cgoEnabled: true, packagePath: "./cmd/app", outputPath: "out",
        });
        assert.strictEqual(invocation.env.CGO_ENABLED, "1");
        assert.strictEqual(invocation.args[invocation.args.length - 1], "./cmd/app");
    });
});
