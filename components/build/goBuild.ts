// Runs `go build` on the machine running Pulumi, with a cache keyed by the module's sources so
// that an unchanged tree is not rebuilt (and yields the very same file, hence no redeploy).
// Synchronous on purpose: a compile error must stop the program before any remote step exists.

import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

import { CgoMode, cgoModeOf, fullLdflags, goBuildInvocation, goTags, mergedGoflags, ReleaseStamp } from "./goBuildCommand";
import type { CpuArchitecture } from "./cpuArchitecture";
import { elfRefusal, readElfFacts } from "./elfHeader";
import { glibcRefusal, readElfLinking, staticRefusal } from "./elfVersions";
import { cgoOnlyRefusal } from "./cgoOnlyDrivers";

export interface GoBuildRequest {
    moduleDir: string;
    packagePath: string;
    binaryName: string;
    cacheDir: string;
    goos: "linux";
    goarch: CpuArchitecture;
    stamp: ReleaseStamp;
    /** Default "off" (CGO_ENABLED=0). */
    cgo?: CgoMode;
    /** Older spelling: true means cgo "dynamic"; `cgo` wins when both are given. */
    cgoEnabled?: boolean;
    tags?: string[];
    extraLdflags?: string[];
    /** For cgo "dynamic": the target host's glibc (e.g. "2.36"); a binary that needs a newer one is refused. */
    hostGlibc?: string;
    /** The environment the build inherits (GOFLAGS, CC, CGO_*...); default process.env. */
    environment?: NodeJS.ProcessEnv;
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
    /**
     * What the toolchain printed on a successful build (the linker's or a C compiler's warnings,
     * e.g. glibc's about dlopen in a static binary), without `go: downloading` lines; "" for none.
     * Kept beside the cached binary, so a cache hit reports them again.
     */
    warnings: string;
}

/** A failed compilation; `message` carries the compiler's own output. */
export class GoBuildError extends Error {
    constructor(
        message: string,
        readonly compilerOutput: string,
    ) {
        super(message);
        this.name = "GoBuildError";
    }
}

// Beside a cached binary: what its build printed, shown again on every hit.
const WARNINGS_FILE = "build-warnings.txt";

// Directories whose files never take part in the build of the main module.
const SKIPPED_DIRECTORIES = new Set(["testdata", "vendor", "node_modules", "bin"]);

// Non-Go files `go build` compiles or links into a package (cgo C/C++, assembly, .syso objects).
const OTHER_SOURCES = /\.(c|h|cc|cpp|cxx|hh|hpp|hxx|m|s|S|sx|f|F|for|f90|syso)$/;

function isBuildSource(name: string): boolean {
    return name === "go.mod" || name === "go.sum" || (name.endsWith(".go") && !name.endsWith("_test.go")) || OTHER_SOURCES.test(name);
}

/** The module's build inputs (go.mod, go.sum, non-test *.go, C and assembly), relative and sorted. */
export function moduleSourceFiles(moduleDir: string): string[] {
    const found: string[] = [];
    const walk = (relative: string): void => {
        for (const entry of fs.readdirSync(path.join(moduleDir, relative), { withFileTypes: true })) {
            const rel = relative ? `${relative}/${entry.name}` : entry.name;
            if (entry.isDirectory()) {
                const nestedModule = fs.existsSync(path.join(moduleDir, rel, "go.mod"));
                if (!entry.name.startsWith(".") && !entry.name.startsWith("_") && !SKIPPED_DIRECTORIES.has(entry.name) && !nestedModule) {
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
        throw new GoBuildError(`cannot run the Go toolchain ("${goCommand} env GOVERSION": ${why}); install Go and put it on PATH`, why);
    }
    return result.stdout.trim();
}

/**
 * The local directories go.mod's `replace` directives point at (`=> ../lib`, `=> /abs/lib`), as
 * absolute paths in file order. A module path (`=> example.com/fork v1.2.3`) is pinned by go.sum
 * and is not listed.
 */
export function localReplacements(moduleDir: string): string[] {
    const text = fs.readFileSync(path.join(moduleDir, "go.mod"), "utf8");
    const found: string[] = [];
    let inBlock = false;
    for (const raw of text.split("\n")) {
        const line = raw.replace(/\/\/.*$/, "").trim();
        let directive: string | undefined;
        if (inBlock) {
            if (line === ")") {
                inBlock = false;
            } else {
                directive = line;
            }
        } else if (/^replace\s*\($/.test(line)) {
            inBlock = true;
        } else if (/^replace\s/.test(line)) {
            directive = line.slice("replace".length).trim();
        }
        const target = directive
            ?.split("=>")[1]
            ?.trim()
            .split(/\s+/)[0]
            ?.replace(/^"(.*)"$/, "$1");
        // Go's own rule: a replacement is a directory when it starts with ./ or ../ or is absolute.
        if (target && (target.startsWith("./") || target.startsWith("../") || path.isAbsolute(target))) {
            found.push(path.resolve(moduleDir, target));
        }
    }
    return found;
}

/** The module paths go.mod requires (direct and `// indirect`), in file order. */
export function requiredModules(moduleDir: string): string[] {
    const text = fs.readFileSync(path.join(moduleDir, "go.mod"), "utf8");
    const found: string[] = [];
    let inBlock = false;
    for (const raw of text.split("\n")) {
        const line = raw.replace(/\/\/.*$/, "").trim();
        let requirement: string | undefined;
        if (inBlock) {
            if (line === ")") {
                inBlock = false;
            } else {
                requirement = line;
            }
        } else if (/^require\s*\($/.test(line)) {
            inBlock = true;
        } else if (/^require\s/.test(line)) {
            requirement = line.slice("require".length).trim();
        }
        const modulePath = requirement?.split(/\s+/)[0]?.replace(/^"(.*)"$/, "$1");
        if (modulePath) {
            found.push(modulePath);
        }
    }
    return found;
}

/** A successful build's output worth showing: everything but the module downloads. */
export function buildWarnings(output: string): string {
    return output
        .split("\n")
        .filter((line) => !/^go: (downloading|finding|extracting) /.test(line))
        .join("\n")
        .trim();
}

// Inherited variables that change what the go tool or the C toolchain produce.
const KEYED_ENVIRONMENT = /^(CGO_[A-Z0-9_]+|CC|CXX|FC|AR|PKG_CONFIG|GOFLAGS|GOAMD64|GOARM64|GOEXPERIMENT|GOWORK)$/;

/** The inherited environment that is part of the key, sorted (GOFLAGS as it will be passed). */
export function keyedEnvironment(environment: NodeJS.ProcessEnv): Array<[string, string]> {
    return Object.keys(environment)
        .filter((name) => KEYED_ENVIRONMENT.test(name) && name !== "CGO_ENABLED")
        .sort()
        .map((name): [string, string] => [name, environment[name] ?? ""]);
}

/** The first line of `$CC --version` (CC from the environment, else gcc): the C toolchain in the key. */
export function cToolchainVersion(environment: NodeJS.ProcessEnv): string {
    const [command, ...args] = (environment.CC?.trim() || "gcc").split(/\s+/);
    const result = spawnSync(command, [...args, "--version"], { encoding: "utf8", env: environment });
    if (result.error || result.status !== 0) {
        const why = result.error ? result.error.message : `${result.stderr}`.trim();
        throw new GoBuildError(`cgo is on but the C compiler "${command}" does not run (${why}); install it (Debian: gcc) or set CC`, why);
    }
    return result.stdout.split("\n")[0].trim();
}

function hashTree(hash: crypto.Hash, label: string, dir: string): void {
    const files = moduleSourceFiles(dir);
    if (!files.includes("go.mod")) {
        throw new GoBuildError(`${dir} is not a Go module (no go.mod)`, "");
    }
    for (const file of files) {
        hash.update(`\0${label}\0${file}\0${sha256Of(fs.readFileSync(path.join(dir, file)))}`);
    }
}

/**
 * The cache key: every input that changes the bytes of the binary — the module's sources and
 * those of local `replace` targets, the settings, the keyed environment, and the Go and (with
 * cgo) C toolchain versions.
 */
export function buildCacheKey(request: GoBuildRequest, toolchain: string, cToolchain?: string): string {
    const hash = crypto.createHash("sha256");
    if (!fs.existsSync(path.join(request.moduleDir, "go.mod"))) {
        throw new GoBuildError(`${request.moduleDir} is not a Go module (no go.mod)`, "");
    }
    const mode = cgoModeOf(request);
    const environment = request.environment ?? process.env;
    hash.update(
        JSON.stringify({
            toolchain,
            cToolchain: mode === "off" ? null : (cToolchain ?? null),
            goos: request.goos,
            goarch: request.goarch,
            cgo: mode,
            tags: goTags(mode, request.tags, requiredModules(request.moduleDir)) ?? null,
            packagePath: request.packagePath,
            binaryName: request.binaryName,
            ldflags: fullLdflags(request.stamp, mode, request.extraLdflags),
            goflags: mergedGoflags(environment.GOFLAGS),
            environment: keyedEnvironment(environment),
        }),
    );
    hashTree(hash, ".", request.moduleDir);
    for (const replaced of localReplacements(request.moduleDir)) {
        if (!fs.existsSync(path.join(replaced, "go.mod"))) {
            throw new GoBuildError(
                `${request.moduleDir}/go.mod replaces a module with ${replaced}, which is not a Go module (no go.mod); ` +
                    "fix the replace directive",
                "",
            );
        }
        hashTree(hash, replaced, replaced);
    }
    return hash.digest("hex").slice(0, 32);
}

const GOARCH_OF_NODE: Record<string, CpuArchitecture | undefined> = { x64: "amd64", arm64: "arm64" };
const CROSS_COMPILERS: Record<CpuArchitecture, { cc: string; debian: string }> = {
    amd64: { cc: "x86_64-linux-gnu-gcc", debian: "gcc-x86-64-linux-gnu" },
    arm64: { cc: "aarch64-linux-gnu-gcc", debian: "gcc-aarch64-linux-gnu" },
};

/** Why a cgo build for `goarch` cannot run here (undefined when it can): another CPU and no CC for it. */
export function crossCgoRefusal(
    mode: CgoMode,
    goarch: CpuArchitecture,
    environment: NodeJS.ProcessEnv,
    buildArch: string = process.arch,
): string | undefined {
    if (mode === "off" || GOARCH_OF_NODE[buildArch] === goarch || environment.CC?.trim()) {
        return undefined;
    }
    const cross = CROSS_COMPILERS[goarch];
    return (
        `cgo "${mode}" for linux/${goarch} on a ${GOARCH_OF_NODE[buildArch] ?? buildArch} machine needs a C cross ` +
        `compiler for ${goarch}, and CC is not set: install one (Debian: apt-get install ${cross.debian}) and set ` +
        `CC=${cross.cc}, or build on a ${goarch} machine, or use cgo: "off" with a pure-Go driver`
    );
}

function verifyBinary(binaryPath: string, request: GoBuildRequest): Buffer {
    const bytes = fs.readFileSync(binaryPath);
    const mode = cgoModeOf(request);
    let refusal: string | undefined;
    try {
        refusal = elfRefusal(readElfFacts(bytes), request.goarch, mode === "off");
        if (!refusal && mode === "static") {
            const why = staticRefusal(readElfLinking(bytes));
            refusal =
                why &&
                `${why}, though cgo "static" was asked for; check -extldflags in extraLdflags ` +
                    "and that the C libraries it links have static archives (.a)";
        }
        if (!refusal && mode === "dynamic" && request.hostGlibc !== undefined) {
            refusal = glibcRefusal(readElfLinking(bytes), request.hostGlibc);
        }
    } catch (error) {
        refusal = (error as Error).message;
    }
    if (refusal) {
        throw new GoBuildError(
            `refusing ${binaryPath} as the ${request.goos}/${request.goarch} build of ${request.moduleDir}: ${refusal}`,
            "",
        );
    }
    return bytes;
}

/** `go list -deps` of the main package: every import path the build compiles, for this GOOS/GOARCH/cgo. */
function listDependencies(goCommand: string, moduleDir: string, packagePath: string, env: NodeJS.ProcessEnv): string[] {
    const result = spawnSync(goCommand, ["list", "-deps", "-f", "{{.ImportPath}}", packagePath], {
        cwd: moduleDir,
        env,
        encoding: "utf8",
        maxBuffer: 16 * 1024 * 1024,
    });
    if (result.error || result.status !== 0) {
        const output = `${result.stderr ?? ""}`.trim() || String(result.error);
        throw new GoBuildError(`go list of ${moduleDir} (${packagePath}) failed; nothing was deployed:\n${output}`, output);
    }
    return result.stdout
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l !== "");
}

/** Builds (or reuses) the binary; throws GoBuildError with the compiler's output on failure. */
export function buildGoBinary(request: GoBuildRequest): GoBuildResult {
    const goCommand = request.goCommand ?? "go";
    const moduleDir = path.resolve(request.moduleDir);
    const environment = request.environment ?? process.env;
    const absolute: GoBuildRequest = { ...request, moduleDir, environment };
    const mode = cgoModeOf(request);
    if (mode === "dynamic" && request.hostGlibc === undefined) {
        throw new GoBuildError(
            `cgo "dynamic" for ${moduleDir} needs hostGlibc, the target host's glibc version (e.g. "2.36", from ` +
                "`ldd --version` there), so that a binary it cannot load is refused before the release; " +
                'or use cgo: "static"',
            "",
        );
    }
    const cross = crossCgoRefusal(mode, request.goarch, environment);
    if (cross) {
        throw new GoBuildError(`cannot build ${moduleDir}: ${cross}`, "");
    }
    const cacheKey = buildCacheKey(absolute, goVersion(goCommand), mode === "off" ? undefined : cToolchainVersion(environment));
    const entryDir = path.join(path.resolve(request.cacheDir), cacheKey);
    const binaryPath = path.join(entryDir, request.binaryName);
    const warningsPath = path.join(entryDir, WARNINGS_FILE);
    const cachedWarnings = (): string => (fs.existsSync(warningsPath) ? fs.readFileSync(warningsPath, "utf8") : "");

    if (fs.existsSync(binaryPath)) {
        const now = new Date();
        fs.utimesSync(entryDir, now, now); // used: keep it over older entries
        return {
            path: binaryPath,
            sha256: sha256Of(verifyBinary(binaryPath, absolute)),
            cached: true,
            cacheKey,
            warnings: cachedWarnings(),
        };
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
            cgo: mode,
            tags: request.tags,
            requiredModules: requiredModules(moduleDir),
            extraLdflags: request.extraLdflags,
            inheritedGoflags: environment.GOFLAGS,
            packagePath: request.packagePath,
            outputPath: path.join(stagingDir, request.binaryName),
        });
        const env = { ...environment, ...invocation.env };
        // Only on a miss: a cached entry passed this check when it was built under the same key.
        if (mode === "off") {
            const refusal = cgoOnlyRefusal(listDependencies(goCommand, moduleDir, request.packagePath, env));
            if (refusal) {
                throw new GoBuildError(`refusing to build ${moduleDir} with CGO_ENABLED=0: ${refusal}`, "");
            }
        }
        const result = spawnSync(goCommand, invocation.args, {
            cwd: moduleDir,
            env,
            encoding: "utf8",
            maxBuffer: 64 * 1024 * 1024,
        });
        if (result.error || result.status !== 0) {
            const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim() || String(result.error);
            throw new GoBuildError(
                `go build of ${moduleDir} (${request.packagePath}) for ${request.goos}/${request.goarch} failed ` +
                    `(exit ${result.status ?? "none"}); nothing was deployed. Compiler output:\n${output}`,
                output,
            );
        }
        verifyBinary(path.join(stagingDir, request.binaryName), absolute);
        const warnings = buildWarnings(`${result.stdout ?? ""}${result.stderr ?? ""}`);
        if (warnings !== "") {
            fs.writeFileSync(path.join(stagingDir, WARNINGS_FILE), warnings);
        }
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
    return { path: binaryPath, sha256: sha256Of(verifyBinary(binaryPath, absolute)), cached: false, cacheKey, warnings: cachedWarnings() };
}

/** Removes all but the `keep` most recently used entries, so the cache does not grow without end. */
export function pruneCache(cacheDir: string, keep: number): void {
    const entries = fs
        .readdirSync(cacheDir, { withFileTypes: true })
        .filter((e) => e.isDirectory() && /^[0-9a-f]{32}$/.test(e.name))
        .map((e) => ({ dir: path.join(cacheDir, e.name), used: fs.statSync(path.join(cacheDir, e.name)).mtimeMs }))
        .sort((a, b) => b.used - a.used);
    for (const stale of entries.slice(keep)) {
        fs.rmSync(stale.dir, { recursive: true, force: true });
    }
}
