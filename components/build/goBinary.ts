// gindeploy:build:GoBinary — cross-compiles a Go module on the machine running Pulumi (S5-S8, S14):
// CGO_ENABLED=0 by default (cgo "static" or "dynamic" on request, the result checked), -trimpath, version/commit/date stamped with -ldflags (each optional), for GOOS/GOARCH.
// What the toolchain prints on a successful build (linker warnings) is shown as a warning on this resource.
// The build runs while the program runs, so a compile error stops `pulumi preview`/`up` with the
// compiler's output before any remote step. With plain goarch/version/commit/date it runs in the
// constructor (create GoBinary first and nothing else is registered yet); with Outputs it runs as
// soon as they are known and its failure fails the update. Unchanged sources reuse the cached
// artifact.

import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

import { buildGoBinary, GoBuildError, GoBuildResult } from "./goBuild";
import { binaryDigestVersion } from "../rules/releaseVersion";
import type { CgoMode } from "./goBuildCommand";
import type { CpuArchitecture } from "./cpuArchitecture";

export interface GoBinaryArgs {
    /** The Go module to build (the product builds app/). */
    moduleDir: string;
    /** Default "linux". */
    goos?: pulumi.Input<"linux">;
    /** From the target host's architecture. */
    goarch: pulumi.Input<CpuArchitecture>;
    /**
     * Stamped into main.version with -ldflags -X; optional, like commit and date, for an app that
     * stamps nothing. Without it the release is named after the binary: the `version` output is
     * `sha-<first 12 hex digits of its sha256>` (rules/releaseVersion.ts), the name SystemdService
     * gives a release with versionCheck: false.
     */
    version?: pulumi.Input<string>;
    /** Stamped into main.commit; optional. */
    commit?: pulumi.Input<string>;
    /** Stamped into main.date; optional. */
    date?: pulumi.Input<string>;
    /** Older spelling of `cgo`: true means "dynamic", false "off". */
    cgoEnabled?: boolean;
    /**
     * Default "off": CGO_ENABLED=0, a static binary that runs on any Linux; a module importing a
     * known cgo-only package (github.com/mattn/go-sqlite3...) is then refused before the build.
     * "static": cgo with -tags netgo,osusergo and -extldflags -static, verified to load nothing; a
     * module requiring github.com/mattn/go-sqlite3 also gets sqlite_omit_load_extension (its
     * extension loading calls dlopen, which a static glibc binary cannot do safely).
     * "dynamic": cgo against the build machine's libc; needs `hostGlibc`.
     */
    cgo?: CgoMode;
    /** For cgo "dynamic": the target host's glibc version ("2.36"); a binary needing a newer one is refused. */
    hostGlibc?: pulumi.Input<string>;
    /** Build tags (`go build -tags`). */
    tags?: string[];
    /** Linker flags appended to -ldflags, one flag or value per entry (a value after -extldflags is merged with -static). */
    extraLdflags?: string[];
    // Fields beyond docs/architecture.md, all optional:
    /** The main package inside the module; default ".". */
    packagePath?: string;
    /** The file name of the binary; default "gin-app". */
    binaryName?: string;
    /** Where built binaries are kept, keyed by a hash of their inputs; default .gin-deploy/build under the working directory. */
    cacheDir?: string;
    /** The Go command; default "go" from PATH. */
    goCommand?: string;
}

/** A failed build stops the program with the compiler's output alone (a RunError has no stack trace). */
function withCleanError<T>(fn: () => T): T {
    try {
        return fn();
    } catch (error) {
        throw error instanceof GoBuildError ? new pulumi.RunError(error.message) : error;
    }
}

function isPlain<T>(value: pulumi.Input<T> | undefined): value is T {
    return !pulumi.Output.isInstance(value) && !(value instanceof Promise);
}

export class GoBinary extends pulumi.ComponentResource {
    /** Absolute path of the built binary on the machine running Pulumi. */
    readonly path: pulumi.Output<string>;
    /** Hex sha256 of the binary: what deploy steps use as their trigger. */
    readonly sha256: pulumi.Output<string>;
    /** The version stamped into main.version; without one, the release's name from the binary's digest (`sha-<12 hex>`). */
    readonly version: pulumi.Output<string>;
    readonly goarch: pulumi.Output<CpuArchitecture>;

    constructor(name: string, args: GoBinaryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("gindeploy:build:GoBinary", name, {}, opts);

        const build = (
            goos: "linux",
            goarch: CpuArchitecture,
            version: string | undefined,
            commit: string | undefined,
            date: string | undefined,
            hostGlibc: string | undefined,
        ): GoBuildResult => {
            const result = withCleanError(() =>
                buildGoBinary({
                    moduleDir: args.moduleDir,
                    packagePath: args.packagePath ?? ".",
                    binaryName: args.binaryName ?? "gin-app",
                    cacheDir: args.cacheDir ?? path.join(process.cwd(), ".gin-deploy", "build"),
                    goos,
                    goarch,
                    stamp: { version, commit, date },
                    cgo: args.cgo,
                    cgoEnabled: args.cgoEnabled,
                    tags: args.tags,
                    extraLdflags: args.extraLdflags,
                    hostGlibc,
                    goCommand: args.goCommand,
                }),
            );
            if (result.warnings !== "") {
                // A successful build's warnings (e.g. glibc's about dlopen in a static binary) are
                // the user's to judge, not ours to drop.
                pulumi.log.warn(`go build of ${args.moduleDir} succeeded with warnings:\n${result.warnings}`, this);
            }
            return result;
        };

        const goos = args.goos ?? "linux";
        let result: pulumi.Output<GoBuildResult>;
        if (
            isPlain(goos) &&
            isPlain(args.goarch) &&
            isPlain(args.version) &&
            isPlain(args.commit) &&
            isPlain(args.date) &&
            isPlain(args.hostGlibc)
        ) {
            // Known now: build now, so that a failure throws out of the program at once.
            result = pulumi.output(build(goos, args.goarch, args.version, args.commit, args.date, args.hostGlibc));
        } else {
            result = pulumi
                .all([goos, args.goarch, args.version, args.commit, args.date, args.hostGlibc])
                .apply(([os, arch, version, commit, date, glibc]) => build(os, arch, version, commit, date, glibc));
        }

        this.path = result.apply((r) => r.path);
        this.sha256 = result.apply((r) => r.sha256);
        this.version = pulumi
            .all([args.version, this.sha256])
            .apply(([version, sha256]) => (version !== undefined ? version : binaryDigestVersion(sha256)));
        this.goarch = pulumi.output(args.goarch);
        this.registerOutputs({ path: this.path, sha256: this.sha256, version: this.version, goarch: this.goarch });
    }
}
