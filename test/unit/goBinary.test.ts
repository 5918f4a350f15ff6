// GoBinary and the build it runs, against tiny fixture modules (no dependencies, no network).
import { recorded, useStack, valueOf } from "./pulumiMocks";

import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { buildGoBinary, GoBuildError, moduleSourceFiles } from "../../components/build/goBuild";
import { readElfFacts } from "../../components/build/elfHeader";
import { GoBinary } from "../../components";

const HELLO = path.join(__dirname, "fixtures", "hello-module");
const BROKEN = path.join(__dirname, "fixtures", "broken-module");
const stamp = { version: "v0.0.1-test", commit: "0123abcd", date: "2026-11-27T04:22:00+00:00" };

describe("GoBinary (gindeploy:build:GoBinary)", function () {
    let cacheDir: string;

    beforeEach(() => {
        useStack("dev");
        cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "gd-unit-build-"));
    });
    afterEach(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

    const request = (overrides: Partial<Parameters<typeof buildGoBinary>[0]> = {}) => ({
        moduleDir: HELLO, packagePath: ".", binaryName: "hello", cacheDir,
        goos: "linux" as const, goarch: "amd64" as const, stamp, cgoEnabled: false, ...overrides,
    });

    it("builds a static linux/amd64 binary stamped with version, commit and date", () => {
        const result = buildGoBinary(request());
        const facts = readElfFacts(fs.readFileSync(result.path));
        assert.deepStrictEqual(facts, { machine: 62, architecture: "amd64", hasInterpreter: false });
        if (process.platform === "linux" && process.arch === "x64") {
            assert.strictEqual(execFileSync(result.path, { encoding: "utf8" }),
                "v0.0.1-test 0123abcd 2026-11-27T04:22:00+00:00\n");
        }
        assert.strictEqual(result.cached, false);
        assert.strictEqual(path.dirname(path.dirname(result.path)), cacheDir);
    });

    it("reuses the cached artifact when the sources are unchanged", () => {
        const first = buildGoBinary(request());
        const mtime = fs.statSync(first.path).mtimeMs;
        const second = buildGoBinary(request());
        assert.strictEqual(second.cached, true);
        assert.strictEqual(second.path, first.path);
        assert.strictEqual(second.sha256, first.sha256);
        assert.strictEqual(fs.statSync(second.path).mtimeMs, mtime);
    });

    it("rebuilds when a source or the stamp changes", () => {
        const moduleDir = fs.mkdtempSync(path.join(os.tmpdir(), "gd-unit-module-"));
        try {
            fs.cpSync(HELLO, moduleDir, { recursive: true });
            const first = buildGoBinary(request({ moduleDir }));
            fs.appendFileSync(path.join(moduleDir, "main.go"), "\nvar extra = 1\n\nfunc init() { _ = extra }\n");
            const edited = buildGoBinary(request({ moduleDir }));
            assert.notStrictEqual(edited.cacheKey, first.cacheKey);
            assert.strictEqual(edited.cached, false);
            const restamped = buildGoBinary(request({ moduleDir, stamp: { ...stamp, version: "v0.0.2-test" } }));
            assert.notStrictEqual(restamped.cacheKey, edited.cacheKey);
            assert.notStrictEqual(restamped.sha256, edited.sha256);
        } finally {
            fs.rmSync(moduleDir, { recursive: true, force: true });
        }
    });

    it("keeps only the most recently used cache entries", () => {
        const used = buildGoBinary(request({ stamp: { ...stamp, version: "v1" } }));
        buildGoBinary(request({ stamp: { ...stamp, version: "v2" } }));
        const old = new Date(Date.now() - 60_000);
        fs.utimesSync(path.dirname(used.path), old, old);
        buildGoBinary(request({ stamp: { ...stamp, version: "v1" } })); // a hit marks v1 as used again
        const newest = buildGoBinary(request({ stamp: { ...stamp, version: "v3" }, keepEntries: 2 }));
        assert.deepStrictEqual(fs.readdirSync(cacheDir).sort(), [path.basename(path.dirname(used.path)), newest.cacheKey].sort());
    });

    it("keys the cache by go.mod, go.sum and non-test Go files only", () => {
        const moduleDir = fs.mkdtempSync(path.join(os.tmpdir(), "gd-unit-module-"));
        try {
            fs.cpSync(HELLO, moduleDir, { recursive: true });
            fs.writeFileSync(path.join(moduleDir, "main_test.go"), "package main\n");
            fs.writeFileSync(path.join(moduleDir, "README.md"), "notes\n");
            fs.mkdirSync(path.join(moduleDir, "internal", "x"), { recursive: true });
            fs.writeFileSync(path.join(moduleDir, "internal", "x", "x.go"), "package x\n");
            assert.deepStrictEqual(moduleSourceFiles(moduleDir), ["go.mod", "internal/x/x.go", "main.go"]);
        } finally {
            fs.rmSync(moduleDir, { recursive: true, force: true });
        }
    });

    it("fails with the compiler's output when the module does not compile, and caches nothing", () => {
        assert.throws(() => buildGoBinary(request({ moduleDir: BROKEN })), (error: unknown) => {
            assert.ok(error instanceof GoBuildError);
            assert.match(error.message, /go build of .*broken-module .* for linux\/amd64 failed/);
            assert.match(error.message, /undefined: undefinedFunction/);
            assert.match(error.compilerOutput, /main\.go:5:\d+: undefined: undefinedFunction/);
            return true;
        });
        assert.deepStrictEqual(fs.readdirSync(cacheDir), []);
    });

    it("refuses a directory that is not a Go module", () => {
        assert.throws(() => buildGoBinary(request({ moduleDir: __dirname + "/fixtures" })), /is not a Go module \(no go\.mod\)/);
    });

    it("exposes path, sha256, version and goarch as outputs", async () => {
        const binary = new GoBinary("app", {
            moduleDir: HELLO, goarch: "amd64", ...stamp, binaryName: "hello", cacheDir,
        });
        const [file, sha256, version, goarch] = await Promise.all([
            valueOf(binary.path), valueOf(binary.sha256), valueOf(binary.version), valueOf(binary.goarch)]);
        const expected = require("crypto").createHash("sha256").update(fs.readFileSync(file)).digest("hex");
        assert.strictEqual(sha256, expected);
        assert.strictEqual(version, "v0.0.1-test");
        assert.strictEqual(goarch, "amd64");
        assert.ok(recorded.resources.some((r) => r.type === "gindeploy:build:GoBinary" && r.name === "app"));
    });

    it("throws out of the program at construction when the build fails, before anything else is registered", () => {
        assert.throws(() => new GoBinary("app", {
            moduleDir: BROKEN, goarch: "amd64", ...stamp, cacheDir,
        }), /undefined: undefinedFunction/);
    });
});
