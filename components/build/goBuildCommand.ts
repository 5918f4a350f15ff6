// The `go build` invocation for a release (S5-S8, S14), as data: the arguments and environment a
// runner passes to the Go toolchain. Pure; no Pulumi import.

import type { CpuArchitecture } from "../aws/instanceArchitecture";

export interface ReleaseStamp {
    version: string;
    commit: string;
    date: string;
}

export interface GoBuildSettings {
    goos: "linux";
    goarch: CpuArchitecture;
    stamp: ReleaseStamp;
    /** false (the default everywhere) gives a static binary that runs on any Linux (S6, S14). */
    cgoEnabled: boolean;
    /** The main package, relative to the module directory (e.g. "." or "./cmd/gin-app"). */
    packagePath: string;
    /** Where the binary is written. */
    outputPath: string;
}

export interface GoBuildInvocation {
    args: string[];
    env: Record<string, string>;
}

// -X values are split on spaces by the go tool; anything that needs quoting is refused instead.
const STAMP_VALUE = /^[A-Za-z0-9._+:\/@-]+$/;

/** `-s -w -X main.version=V -X main.commit=C -X main.date=D` (strip symbols, stamp the release). */
export function goLdflags(stamp: ReleaseStamp): string {
    for (const [field, value] of Object.entries(stamp)) {
        if (!STAMP_VALUE.test(value)) {
            throw new Error(
                `release ${field} "${value}" cannot be stamped with -ldflags -X: ` +
                `use only letters, digits and . _ + : / @ - (no spaces or quotes)`);
        }
    }
    return `-s -w -X main.version=${stamp.version} -X main.commit=${stamp.commit} -X main.date=${stamp.date}`;
}

/** The arguments after `go` and the environment overrides for one cross-compilation. */
export function goBuildInvocation(settings: GoBuildSettings): GoBuildInvocation {
    return {
        args: [
            "build",
            "-trimpath",
            // VCS stamping would make the binary depend on the state of the whole checkout;
            // the release is stamped explicitly through -ldflags instead.
            "-buildvcs=false",
            "-ldflags", goLdflags(settings.stamp),
            "-o", settings.outputPath,
            settings.packagePath,
        ],
        env: {
            CGO_ENABLED: settings.cgoEnabled ? "1" : "0",
            GOOS: settings.goos,
            GOARCH: settings.goarch,
            // go.mod and go.sum are the truth: never rewrite them during a deploy (S9).
            GOFLAGS: "-mod=readonly",
        },
    };
}
