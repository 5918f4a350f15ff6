// GoBinary and the build it runs, against tiny fixture modules (no dependencies, no network).
import { recorded, useStack, valueOf } from "../support/pulumiMocks";

import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import * as net from "net";
import * as pulumi from "@pulumi/pulumi";

import {
    buildCacheKey,
    buildGoBinary,
    crossCgoRefusal,
    GoBuildError,
    localReplacements,
    moduleSourceFiles,
    requiredModules,
} from "../../components/build/goBuild";
import { readElfFacts } from "../../components/build/elfHeader";
import { readElfLinking } from "../../components/build/elfVersions";
import { cgoOnlyRefusal } from "../../components/build/cgoOnlyDrivers";
import { GoBinary } from "../../components";
import { request as httpRequest } from "../../scripts/loopbackHttp";

const HELLO = path.join(__dirname, "fixtures", "hello-module");
const BROKEN = path.join(__dirname, "fixtures", "broken-module");
const CGO = path.join(__dirname, "fixtures", "cgo-module");
const REPLACE = path.join(__dirname, "fixtures", "replace-module");
const GREETING = path.join(__dirname, "fixtures", "greeting-module");
const DLOPEN = path.join(__dirname, "fixtures", "dlopen-module");
const PLAIN_GIN_APP = path.join(__dirname, "..", "fixtures", "plain-gin-app");
const nativeAmd64 = process.platform === "linux" && process.arch === "x64";
const stamp = { version: "v0.0.1-test", commit: "0123abcd", date: "2026-11-27T04:22:00+00:00" };

/** The messages pulumi.log.warn received while `run` ran (and until its promise settled). */
async function warningsDuring(run: () => Promise<unknown>): Promise<string[]> {
    const seen: string[] = [];
    const original = pulumi.log.warn;
    (pulumi.log as { warn: typeof pulumi.log.warn }).warn = async (message: string) => {
        seen.push(message);
    };
    try {
        await run();
    } finally {
        (pulumi.log as { warn: typeof pulumi.log.warn }).warn = original;
    }
    return seen;
}

describe("GoBinary (gindeploy:build:GoBinary)", function () {
    let cacheDir: string;

    beforeEach(() => {
        useStack("dev");
        cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "gd-unit-build-"));
    });
    afterEach(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

    const request = (overrides: Partial<Parameters<typeof buildGoBinary>[0]> = {}) => ({
        moduleDir: HELLO,
        packagePath: ".",
        binaryName: "hello",
        cacheDir,
        goos: "linux" as const,
        goarch: "amd64" as const,
        stamp,
        ...overrides,
    });

    it("builds a static linux/amd64 binary stamped with version, commit and date", () => {
        const result = buildGoBinary(request());
        const facts = readElfFacts(fs.readFileSync(result.path));
        assert.deepStrictEqual(facts, { machine: 62, architecture: "amd64", hasInterpreter: false });
        if (process.platform === "linux" && process.arch === "x64") {
            assert.strictEqual(execFileSync(result.path, { encoding: "utf8" }), "v0.0.1-test 0123abcd 2026-11-27T04:22:00+00:00\n");
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
        assert.throws(
            () => buildGoBinary(request({ moduleDir: BROKEN })),
            (error: unknown) => {
                assert.ok(error instanceof GoBuildError);
                assert.match(error.message, /go build of .*broken-module .* for linux\/amd64 failed/);
                assert.match(error.message, /undefined: undefinedFunction/);
                assert.match(error.compilerOutput, /main\.go:5:\d+: undefined: undefinedFunction/);
                return true;
            },
        );
        assert.deepStrictEqual(fs.readdirSync(cacheDir), []);
    });

    it("refuses a directory that is not a Go module", () => {
        assert.throws(() => buildGoBinary(request({ moduleDir: __dirname + "/fixtures" })), /is not a Go module \(no go\.mod\)/);
    });

    it("exposes path, sha256, version and goarch as outputs", async () => {
        const binary = new GoBinary("app", {
            moduleDir: HELLO,
            goarch: "amd64",
            ...stamp,
            binaryName: "hello",
            cacheDir,
        });
        const [file, sha256, version, goarch] = await Promise.all([
            valueOf(binary.path),
            valueOf(binary.sha256),
            valueOf(binary.version),
            valueOf(binary.goarch),
        ]);
        const expected = require("crypto").createHash("sha256").update(fs.readFileSync(file)).digest("hex");
        assert.strictEqual(sha256, expected);
        assert.strictEqual(version, "v0.0.1-test");
        assert.strictEqual(goarch, "amd64");
        assert.ok(recorded.resources.some((r) => r.type === "gindeploy:build:GoBinary" && r.name === "app"));
    });

    it("builds an app that stamps nothing, and names its release after the binary's digest", async () => {
        const unstamped = buildGoBinary(request({ stamp: {} }));
        if (nativeAmd64) {
            assert.strictEqual(execFileSync(unstamped.path, { encoding: "utf8" }), "  \n");
        }
        const binary = new GoBinary("unstamped", { moduleDir: HELLO, goarch: "amd64", binaryName: "hello", cacheDir });
        const [sha256, version] = await Promise.all([valueOf(binary.sha256), valueOf(binary.version)]);
        assert.strictEqual(sha256, unstamped.sha256);
        assert.strictEqual(version, `sha-${sha256.slice(0, 12)}`);
    });

    it("reads the modules go.mod requires, from require blocks and single lines", () => {
        assert.ok(requiredModules(PLAIN_GIN_APP).includes("github.com/mattn/go-sqlite3"));
        assert.ok(requiredModules(PLAIN_GIN_APP).includes("golang.org/x/sys"), "indirect requirements count too");
        const moduleDir = fs.mkdtempSync(path.join(os.tmpdir(), "gd-unit-module-"));
        try {
            fs.writeFileSync(
                path.join(moduleDir, "go.mod"),
                'module x\n\ngo 1.22\n\nrequire "github.com/mattn/go-sqlite3" v1.14.53 // a comment\nrequire (\n\ta.example/b v1.0.0\n)\n',
            );
            assert.deepStrictEqual(requiredModules(moduleDir), ["github.com/mattn/go-sqlite3", "a.example/b"]);
            assert.deepStrictEqual(requiredModules(HELLO), []);
        } finally {
            fs.rmSync(moduleDir, { recursive: true, force: true });
        }
    });

    it("throws out of the program at construction when the build fails, before anything else is registered", () => {
        assert.throws(
            () =>
                new GoBinary("app", {
                    moduleDir: BROKEN,
                    goarch: "amd64",
                    ...stamp,
                    cacheDir,
                }),
            /undefined: undefinedFunction/,
        );
    });

    describe("cgo, tags, flags and what the cache key covers", function () {
        this.timeout(600_000);
        let scratch: string;
        beforeEach(function () {
            if (!nativeAmd64) {
                this.skip(); // native cgo builds and running the results need a linux/amd64 machine
            }
            scratch = fs.mkdtempSync(path.join(os.tmpdir(), "gd-unit-cgo-"));
        });
        afterEach(() => scratch && fs.rmSync(scratch, { recursive: true, force: true }));

        it('builds cgo "static" into a binary that loads nothing and runs', () => {
            const result = buildGoBinary(request({ moduleDir: CGO, binaryName: "cgohello", cgo: "static" }));
            assert.deepStrictEqual(readElfLinking(fs.readFileSync(result.path)), {
                interpreter: undefined,
                needed: [],
                versionsNeeded: {},
            });
            assert.match(execFileSync(result.path, { encoding: "utf8" }), /^glibc 2\.\d+\n$/);
        });

        it("shows a successful build's linker warnings on the GoBinary, again when the binary comes from the cache", async () => {
            const built = buildGoBinary(request({ moduleDir: DLOPEN, binaryName: "dl", cgo: "static" }));
            assert.match(built.warnings, /warning: Using 'dlopen' in statically linked applications requires at runtime/);
            assert.doesNotMatch(built.warnings, /go: downloading/);
            const hit = buildGoBinary(request({ moduleDir: DLOPEN, binaryName: "dl", cgo: "static" }));
            assert.strictEqual(hit.cached, true);
            assert.strictEqual(hit.warnings, built.warnings);
            assert.strictEqual(buildGoBinary(request({ moduleDir: CGO, binaryName: "cgohello", cgo: "static" })).warnings, "");

            const seen = await warningsDuring(async () => {
                const binary = new GoBinary("dl", { moduleDir: DLOPEN, goarch: "amd64", binaryName: "dl", cacheDir, cgo: "static" });
                await valueOf(binary.path);
            });
            assert.strictEqual(seen.length, 1, JSON.stringify(seen));
            assert.match(seen[0], /^go build of .*dlopen-module succeeded with warnings:\n.*Using 'dlopen' in statically linked/s);
        });

        it('checks a cgo "dynamic" binary against the host\'s glibc, and asks for that version', () => {
            const hostGlibc = /(\d+\.\d+)\s*$/.exec(execFileSync("ldd", ["--version"], { encoding: "utf8" }).split("\n")[0])![1];
            const ok = buildGoBinary(request({ moduleDir: CGO, binaryName: "cgohello", cgo: "dynamic", hostGlibc }));
            assert.ok(readElfLinking(fs.readFileSync(ok.path)).needed.includes("libc.so.6"));
            assert.throws(
                () => buildGoBinary(request({ moduleDir: CGO, binaryName: "cgohello", cgo: "dynamic", hostGlibc: "2.17" })),
                /refusing .*cgohello as the linux\/amd64 build of .*cgo-module: it requires glibc 2\.\d+ but the host has 2\.17/,
            );
            assert.throws(
                () => buildGoBinary(request({ moduleDir: CGO, cgo: "dynamic" })),
                /cgo "dynamic" for .*cgo-module needs hostGlibc, the target host's glibc version/,
            );
        });

        it("refuses cross-arch cgo without a C cross compiler, saying which and from where", () => {
            assert.throws(
                () => buildGoBinary(request({ moduleDir: CGO, goarch: "arm64", cgo: "static", environment: { PATH: process.env.PATH } })),
                (error: unknown) => {
                    assert.ok(error instanceof GoBuildError);
                    assert.match(error.message, /cgo "static" for linux\/arm64 on a amd64 machine needs a C cross compiler/);
                    assert.match(error.message, /apt-get install gcc-aarch64-linux-gnu\) and set CC=aarch64-linux-gnu-gcc/);
                    return true;
                },
            );
            assert.strictEqual(crossCgoRefusal("off", "arm64", {}, "x64"), undefined);
            assert.strictEqual(crossCgoRefusal("static", "amd64", {}, "x64"), undefined);
            assert.strictEqual(crossCgoRefusal("static", "arm64", { CC: "aarch64-linux-gnu-gcc" }, "x64"), undefined);
            assert.match(crossCgoRefusal("dynamic", "amd64", {}, "arm64") ?? "", /CC=x86_64-linux-gnu-gcc/);
            assert.deepStrictEqual(fs.readdirSync(cacheDir), []);
        });

        it("refuses a cgo-only driver with CGO_ENABLED=0 before the build, naming the package and the fix", () => {
            const started = Date.now();
            assert.throws(
                () => buildGoBinary(request({ moduleDir: PLAIN_GIN_APP, binaryName: "plain-gin-app" })),
                (error: unknown) => {
                    assert.ok(error instanceof GoBuildError);
                    assert.match(
                        error.message,
                        /refusing to build .*plain-gin-app with CGO_ENABLED=0: it imports github\.com\/mattn\/go-sqlite3, which needs cgo/,
                    );
                    assert.match(error.message, /cgo: "static".*modernc\.org\/sqlite/);
                    return true;
                },
            );
            assert.deepStrictEqual(
                fs.readdirSync(cacheDir).filter((e) => !e.includes("staging")),
                [],
            );
            assert.ok(Date.now() - started < 120_000, "go list, not a build, decides");
            assert.strictEqual(cgoOnlyRefusal(["fmt", "github.com/gin-gonic/gin", "modernc.org/sqlite"]), undefined);
            assert.match(cgoOnlyRefusal(["github.com/godror/godror/dsn"]) ?? "", /imports github\.com\/godror\/godror,/);
        });

        it("applies build tags and extra ldflags", () => {
            fs.cpSync(HELLO, scratch, { recursive: true });
            fs.writeFileSync(
                path.join(scratch, "tagged.go"),
                '//go:build gdtag\n\npackage main\n\nvar flavour string\n\nfunc init() { version = "tagged-" + flavour }\n',
            );
            const plain = buildGoBinary(request({ moduleDir: scratch }));
            assert.match(execFileSync(plain.path, { encoding: "utf8" }), /^v0\.0\.1-test /);
            const tagged = buildGoBinary(request({ moduleDir: scratch, tags: ["gdtag"], extraLdflags: ["-X", "main.flavour=blue"] }));
            assert.notStrictEqual(tagged.cacheKey, plain.cacheKey);
            assert.match(execFileSync(tagged.path, { encoding: "utf8" }), /^tagged-blue 0123abcd /);
        });

        it("rebuilds when a module brought in by a local replace is edited (it used to reuse the stale binary)", () => {
            fs.cpSync(REPLACE, path.join(scratch, "replace-module"), { recursive: true });
            fs.cpSync(GREETING, path.join(scratch, "greeting-module"), { recursive: true });
            const moduleDir = path.join(scratch, "replace-module");
            assert.deepStrictEqual(localReplacements(moduleDir), [path.join(scratch, "greeting-module")]);
            const first = buildGoBinary(request({ moduleDir, binaryName: "uses" }));
            assert.strictEqual(execFileSync(first.path, { encoding: "utf8" }), "hello from the replaced module\n");
            const file = path.join(scratch, "greeting-module", "greeting.go");
            fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("hello from the replaced module", "edited"));
            const second = buildGoBinary(request({ moduleDir, binaryName: "uses" }));
            assert.notStrictEqual(second.cacheKey, first.cacheKey);
            assert.strictEqual(second.cached, false);
            assert.strictEqual(execFileSync(second.path, { encoding: "utf8" }), "edited\n");
        });

        it("rebuilds when the inherited CGO_LDFLAGS (or CC, or GOFLAGS) changes (it used to reuse the stale binary)", () => {
            const env = { ...process.env, CGO_LDFLAGS: "" };
            const first = buildGoBinary(request({ moduleDir: CGO, binaryName: "cgohello", cgo: "static", environment: env }));
            const again = buildGoBinary(request({ moduleDir: CGO, binaryName: "cgohello", cgo: "static", environment: env }));
            assert.strictEqual(again.cached, true);
            // -Wl,--build-id=none really changes the bytes; the old key ignored it and served the first binary.
            const changed = buildGoBinary(
                request({
                    moduleDir: CGO,
                    binaryName: "cgohello",
                    cgo: "static",
                    environment: { ...env, CGO_LDFLAGS: "-Wl,--build-id=none" },
                }),
            );
            assert.notStrictEqual(changed.cacheKey, first.cacheKey);
            assert.strictEqual(changed.cached, false);
            const key = (environment: NodeJS.ProcessEnv) =>
                buildCacheKey({ ...request(), environment }, "go1.26.8", "gcc (Debian 12.2.0-14+deb12u1) 12.2.0");
            assert.notStrictEqual(key({ CC: "gcc" }), key({ CC: "clang" }));
            assert.notStrictEqual(key({ GOFLAGS: "-tags=a" }), key({}));
            assert.strictEqual(key({ HOME: "/a" }), key({ HOME: "/b" }));
            assert.notStrictEqual(
                buildCacheKey({ ...request(), cgo: "static", environment: {} }, "go1.26.8", "gcc 12"),
                buildCacheKey({ ...request(), cgo: "static", environment: {} }, "go1.26.8", "gcc 13"),
            );
        });
    });

    describe("the plain Gin fixture app (test/fixtures/plain-gin-app)", function () {
        this.timeout(900_000);
        let dataDir: string;
        let child: ReturnType<typeof import("child_process").spawn> | undefined;
        before(function () {
            if (!nativeAmd64) {
                this.skip();
            }
        });
        afterEach(() => {
            child?.kill("SIGKILL");
            child = undefined;
            if (dataDir) {
                fs.rmSync(dataDir, { recursive: true, force: true });
            }
        });

        const freePort = (): Promise<number> =>
            new Promise((resolve, reject) => {
                const server = net
                    .createServer()
                    .listen(0, "127.0.0.1", () => {
                        const port = (server.address() as net.AddressInfo).port;
                        server.close(() => resolve(port));
                    })
                    .on("error", reject);
            });
        const call = (port: number, method: string, route: string, body?: string) =>
            httpRequest(method, `http://127.0.0.1:${port}${route}`, { body });
        const start = async (binary: string, port: number): Promise<void> => {
            const { spawn } = await import("child_process");
            child = spawn(binary, [], {
                env: { PATH: process.env.PATH, PORT: String(port), DATA_DIR: dataDir, GIN_MODE: "release" },
                stdio: "ignore",
            });
            for (let i = 0; i < 200; i++) {
                try {
                    if ((await call(port, "GET", "/")).status === 200) {
                        return;
                    }
                } catch {
                    /* not listening yet */
                }
                await new Promise((r) => setTimeout(r, 50));
            }
            throw new Error("the plain Gin app did not answer on 127.0.0.1 within 10 s");
        };
        const stop = async (): Promise<void> => {
            const exited = new Promise((r) => child!.once("exit", r));
            child!.kill("SIGTERM");
            await exited;
            child = undefined;
        };

        it('builds with GoBinary cgo "static" to a static amd64 binary that keeps its SQLite data across restarts', async () => {
            let file = "";
            const warnings = await warningsDuring(async () => {
                const binary = new GoBinary("plain", {
                    moduleDir: PLAIN_GIN_APP,
                    goarch: "amd64",
                    ...stamp,
                    binaryName: "plain-gin-app",
                    cacheDir,
                    cgo: "static",
                });
                file = await valueOf(binary.path);
            });
            // go-sqlite3's tag is applied by itself: no dlopen in the binary, so the linker does not warn.
            assert.deepStrictEqual(warnings, []);
            const bytes = fs.readFileSync(file);
            assert.strictEqual(readElfFacts(bytes).architecture, "amd64");
            assert.deepStrictEqual(readElfLinking(bytes), { interpreter: undefined, needed: [], versionsNeeded: {} });

            dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "gd-unit-plain-data-"));
            const port = await freePort();
            await start(file, port);
            assert.deepStrictEqual(JSON.parse((await call(port, "GET", "/items")).body), { count: 0, files: 0 });
            for (const name of ["a", "b", "c"]) {
                assert.strictEqual((await call(port, "POST", "/items", JSON.stringify({ name }))).status, 201);
            }
            assert.strictEqual((await call(port, "POST", "/items", "{}")).status, 400);
            assert.strictEqual((await call(port, "GET", "/healthz")).status, 404, "the fixture must have no health route");
            assert.strictEqual((await call(port, "GET", "/version")).status, 404, "the fixture must have no version route");
            await stop();
            assert.ok(fs.existsSync(path.join(dataDir, "items.db")));
            await start(file, port);
            assert.deepStrictEqual(JSON.parse((await call(port, "GET", "/items")).body), { count: 3, files: 3 });
            await stop();
        });
    });
});
