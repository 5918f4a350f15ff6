// Runs `go build` on the machine running Pulumi, with a cache keyed by the module's sources so
// that an unchanged tree is not rebuilt (and yields the very same file, hence no redeploy).
// Synchronous on purpose: a compile error must stop the program before any remote step exists.

import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

import { goBuildInvocation, goLdflags, ReleaseStamp } from "./goBuildCommand";
import type { CpuArchitecture } from "../aws/instanceArchitecture";
import { elfRefusal, readElfFacts } from "./elfHeader";

export interface GoBuildRequest {
    moduleDir: string;
    packagePath: string;
    binaryName: string;
    cacheDir: string;
    goos: "linux";
    goarch: CpuArchitecture;
    stamp: ReleaseStamp;
    cgoEnabled: boolean;
    /** The Go command; "go" from PATH by default. */
    goCommand?: string;
    /** Cache entries kept (the most recently used); default 10. */
    keepEntries?: number;
}

export interface GoBuildResult {
    /** Absolute path of the binary inside the cache. */
    path: string;
    sha256: string;
    /** True when the binary came from the cache without running the compiler. */
    cached: boolean;
    cacheKey: string;
}

/** A failed compilation; `message` carries the compiler's own output. */
export class GoBuildError extends Error {
    constructor(message: string, readonly compilerOutput: string) {
        super(message);
        this.name = "GoBuildError";
    }
}

// Directories whose files never take part in the build of the main module.
const SKIPPED_DIRECTORIES = new Set(["testdata", "vendor", "node_modules", "bin"]);

function isBuildSource(name: string): boolean {
    return name === "go.mod" || name === "go.sum" || (name.endsWith(".go") && !name.endsWith("_test.go"));
}

/** The module's build inputs (go.mod, go.sum, non-test *.go), relative and sorted. */
export function moduleSourceFiles(moduleDir: string): string[] {
    const found: string[] = [];
    const walk = (relative: string): void => {
        for (const entry of fs.readdirSync(path.join(moduleDir, relative), { withFileTypes: true })) {
            const rel = relative ? `${relative}/${entry.name}` : entry.name;
            if (entry.isDirectory()) {
                const nestedModule = fs.existsSync(path.join(moduleDir, rel, "go.mod"));
                if (!entry.name.startsWith(".") && !entry.name.startsWith("_") &&
                    !SKIPPED_DIRECTORIES.has(entry.name) && !nestedModule) {
                    walk(rel);
                }
            } else if (entry.isFile() && isBuildSource(entry.name)) {
                found.push(rel);
            }
        }
    };
    walk("");
    return found.sort();
}

function sha256Of(data: Buffer | string): string {
    return crypto.createHash("sha256").update(data).digest("hex");
}

function goVersion(goCommand: string): string {
    const result = spawnSync(goCommand, ["env", "GOVERSION"], { encoding: "utf8" });
    if (result.error || result.status !== 0) {
        const why = result.error ? result.error.message : result.stderr.trim();
        throw new GoBuildError(
            `cannot run the Go toolchain ("${goCommand} env GOVERSION": ${why}); install Go and put it on PATH`, why);
    }
    return result.stdout.trim();
}

/** The cache key: every input that changes the bytes of the binary. */
export function buildCacheKey(request: GoBuildRequest, toolchain: string): string {
    const hash = crypto.createHash("sha256");
    const files = moduleSourceFiles(request.moduleDir);
    if (!files.includes("go.mod")) {
        throw new GoBuildError(`${request.moduleDir} is not a Go module (no go.mod)`, "");
    }
    hash.update(JSON.stringify({
        toolchain,
        goos: request.goos,
        goarch: request.goarch,
        cgo: request.cgoEnabled,
        packagePath: request.packagePath,
        binaryName: request.binaryName,
        ldflags: goLdflags(request.stamp),
    }));
    for (const file of files) {
        hash.update(`\0${file}\0${sha256Of(fs.readFileSync(path.join(request.moduleDir, file)))}`);
    }
    return hash.digest("hex").slice(0, 32);
}

function verifyBinary(binaryPath: string, request: GoBuildRequest): Buffer {
    const bytes = fs.readFileSync(binaryPath);
    let refusal: string | undefined;
    try {
        refusal = elfRefusal(readElfFacts(bytes), request.goarch, !request.cgoEnabled);
    } catch (error) {
        refusal = (error as Error).message;
    }
    if (refusal) {
        throw new GoBuildError(
            `refusing ${binaryPath} as the ${request.goos}/${request.goarch} build of ${request.moduleDir}: ${refusal}`, "");
    }
    return bytes;
}

/** Builds (or reuses) the binary; throws GoBuildError with the compiler's output on failure. */
export function buildGoBinary(request: GoBuildRequest): GoBuildResult {
    const goCommand = request.goCommand ?? "go";
    const moduleDir = path.resolve(request.moduleDir);
    const absolute: GoBuildRequest = { ...request, moduleDir };
    const cacheKey = buildCacheKey(absolute, goVersion(goCommand));
    const entryDir = path.join(path.resolve(request.cacheDir), cacheKey);
    const binaryPath = path.join(entryDir, request.binaryName);

    if (fs.existsSync(binaryPath)) {
        const now = new Date();
        fs.utimesSync(entryDir, now, now); // used: keep it over older entries
        return { path: binaryPath, sha256: sha256Of(verifyBinary(binaryPath, absolute)), cached: true, cacheKey };
    }

    // Build beside the entry and move it in whole, so a concurrent or interrupted build never
    // leaves a half-written binary under the key.
    fs.mkdirSync(path.dirname(entryDir), { recursive: true });
    const stagingDir = fs.mkdtempSync(`${entryDir}.staging-`);
    try {
        const invocation = goBuildInvocation({
            goos: request.goos,
            goarch: request.goarch,
            stamp: request.stamp,
            cgoEnabled: request.cgoEnabled,
            packagePath: request.packagePath,
            outputPath: path.join(stagingDir, request.binaryName),
        });
        const result = spawnSync(goCommand, invocation.args, {
            cwd: moduleDir,
            env: { ...process.env, ...invocation.env },
            encoding: "utf8",
            maxBuffer: 64 * 1024 * 1024,
        });
        if (result.error || result.status !== 0) {
            const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim() || String(result.error);
            throw new GoBuildError(
                `go build of ${moduleDir} (${request.packagePath}) for ${request.goos}/${request.goarch} failed ` +
                `(exit ${result.status ?? "none"}); nothing was deployed. Compiler output:\n${output}`,
                output);
        }
        verifyBinary(path.join(stagingDir, request.binaryName), absolute);
        try {
            fs.renameSync(stagingDir, entryDir);
        } catch (error) {
            // Another build of the same key won the race; its binary is byte-identical.
            if (!fs.existsSync(binaryPath)) {
                throw error;
            }
        }
    } finally {
        fs.rmSync(stagingDir, { recursive: true, force: true });
    }
    pruneCache(path.dirname(entryDir), request.keepEntries ?? 10);
    return { path: binaryPath, sha256: sha256Of(verifyBinary(binaryPath, absolute)), cached: false, cacheKey };
}

/** Removes all but the `keep` most recently used entries, so the cache does not grow without end. */
export function pruneCache(cacheDir: string, keep: number): void {
    const entries = fs.readdirSync(cacheDir, { withFileTypes: true })
        .filter((e) => e.isDirectory() && /^[0-9a-f]{32}$/.test(e.name))
        .map((e) => ({ dir: path.join(cacheDir, e.name), used: fs.statSync(path.join(cacheDir, e.name)).mtimeMs }))
        .sort((a, b) => b.used - a.used);
    for (const stale of entries.slice(keep)) {
        fs.rmSync(stale.dir, { recursive: true, force: true });
    }
}
