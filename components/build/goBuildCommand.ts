// The `go build` invocation for a release (S5-S8, S14), as data: the arguments and environment a
// runner passes to the Go toolchain. Pure; no Pulumi import.

import type { CpuArchitecture } from "./cpuArchitecture";

/**
 * What -ldflags -X stamps into main.version, main.commit and main.date. Each is optional: an app
 * that stamps nothing gets no -X at all (its release is then named after the binary's digest,
 * rules/releaseVersion.ts).
 */
export interface ReleaseStamp {
    version?: string;
    commit?: string;
    date?: string;
}

/**
 * How cgo is used: "off" (CGO_ENABLED=0, a static binary that runs on any Linux; the default),
 * "static" (cgo on, linked with -extldflags -static and the netgo,osusergo tags, so no libc is
 * loaded at run time) or "dynamic" (cgo on, linked against the build machine's libc, whose
 * version the target host must then provide).
 */
export type CgoMode = "off" | "static" | "dynamic";

export const CGO_MODES: readonly CgoMode[] = ["off", "static", "dynamic"];

export interface GoBuildSettings {
    goos: "linux";
    goarch: CpuArchitecture;
    stamp: ReleaseStamp;
    /** Default "off" (S6, S14). */
    cgo?: CgoMode;
    /** Older spelling: true means cgo "dynamic", false "off"; `cgo` wins when both are given. */
    cgoEnabled?: boolean;
    /** Build tags, added to -tags (after netgo,osusergo and the required modules' tags for a static cgo build). */
    tags?: string[];
    /** The module paths go.mod requires: a static cgo build adds the tags some of them need (STATIC_CGO_MODULE_TAGS). */
    requiredModules?: readonly string[];
    /** Linker flags appended to the stamp's -ldflags, one flag or value per entry. */
    extraLdflags?: string[];
    /** The caller's GOFLAGS (from the environment the build inherits); kept, with -mod=readonly added unless it sets -mod. */
    inheritedGoflags?: string;
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
const STAMP_VALUE = /^[A-Za-z0-9._+:/@-]+$/;
// What `go build -tags` accepts in one tag.
const BUILD_TAG = /^[A-Za-z0-9_.]+$/;

const STAMP_FIELDS = ["version", "commit", "date"] as const;

/** `-s -w -X main.version=V -X main.commit=C -X main.date=D` (strip symbols, stamp the release); a field not given is not stamped. */
export function goLdflags(stamp: ReleaseStamp): string {
    const flags = ["-s", "-w"];
    for (const field of STAMP_FIELDS) {
        const value = stamp[field];
        if (value === undefined) continue;
        if (typeof value !== "string" || !STAMP_VALUE.test(value)) {
            throw new Error(
                `release ${field} "${String(value)}" cannot be stamped with -ldflags -X: ` +
                    `use only letters, digits and . _ + : / @ - (no spaces or quotes), or leave it out to stamp nothing`,
            );
        }
        flags.push("-X", `main.${field}=${value}`);
    }
    return flags.join(" ");
}

/** The effective cgo mode of a settings object (`cgo` over the older `cgoEnabled`). */
export function cgoModeOf(settings: { cgo?: CgoMode; cgoEnabled?: boolean }): CgoMode {
    const mode = settings.cgo ?? (settings.cgoEnabled ? "dynamic" : "off");
    if (!CGO_MODES.includes(mode)) {
        throw new Error(`cgo "${String(mode)}" is not one of ${CGO_MODES.map((m) => `"${m}"`).join(", ")}`);
    }
    return mode;
}

/**
 * Tags a static cgo link needs, by the module that needs them (required in go.mod). go-sqlite3
 * compiles SQLite with extension loading, which calls dlopen: statically linked, glibc warns that
 * it needs "at runtime the shared libraries from the glibc version used for linking", i.e. the
 * binary is not really self-contained. sqlite_omit_load_extension compiles that out (go-sqlite3's
 * own tag; LoadExtension then returns an error). netgo,osusergo, which go-sqlite3's static builds
 * also need, every static cgo build has already.
 */
export const STATIC_CGO_MODULE_TAGS: Readonly<Record<string, readonly string[]>> = {
    "github.com/mattn/go-sqlite3": ["sqlite_omit_load_extension"],
};

/**
 * The -tags value, or undefined for none. `requiredModules` (the module paths go.mod requires)
 * add STATIC_CGO_MODULE_TAGS' tags to a static cgo build.
 */
export function goTags(mode: CgoMode, tags: string[] = [], requiredModules: readonly string[] = []): string | undefined {
    for (const tag of tags) {
        if (!BUILD_TAG.test(tag)) {
            throw new Error(`build tag "${tag}" is not valid: use only letters, digits, _ and . (one tag per entry)`);
        }
    }
    // Static cgo: Go's own resolver and user lookup, so no glibc NSS module is needed at run time.
    const forModules = mode === "static" ? requiredModules.flatMap((m) => STATIC_CGO_MODULE_TAGS[m] ?? []) : [];
    const all = mode === "static" ? ["netgo", "osusergo", ...forModules, ...tags] : tags;
    return all.length > 0 ? [...new Set(all)].join(",") : undefined;
}

// The go tool splits -ldflags like a shell without expansion: quote what has spaces.
function ldflagToken(token: string): string {
    if (token === "" || /[\s'"]/.test(token)) {
        if (token.includes("'") && token.includes('"')) {
            throw new Error(`linker flag ${JSON.stringify(token)} has both quote kinds; the go tool cannot take it in -ldflags`);
        }
        return token.includes("'") ? `"${token}"` : `'${token}'`;
    }
    return token;
}

/** The whole -ldflags value: the stamp, the caller's flags, and -extldflags -static for a static cgo build. */
export function fullLdflags(stamp: ReleaseStamp, mode: CgoMode, extra: string[] = []): string {
    const rest: string[] = [];
    const extld: string[] = mode === "static" ? ["-static"] : [];
    for (let i = 0; i < extra.length; i++) {
        // The linker keeps only the last -extldflags: merge the caller's with -static into one.
        if (extra[i] === "-extldflags") {
            if (i + 1 >= extra.length) {
                throw new Error("extraLdflags ends with -extldflags and no value after it");
            }
            extld.push(extra[++i]);
        } else if (extra[i].startsWith("-extldflags=")) {
            extld.push(extra[i].slice("-extldflags=".length));
        } else {
            rest.push(ldflagToken(extra[i]));
        }
    }
    const parts = [goLdflags(stamp), ...rest];
    if (extld.length > 0) {
        parts.push("-extldflags", ldflagToken(extld.join(" ")));
    }
    return parts.join(" ");
}

/** The caller's GOFLAGS with -mod=readonly added unless it already chooses a -mod. */
export function mergedGoflags(inherited: string | undefined): string {
    const flags = (inherited ?? "").split(/\s+/).filter((f) => f !== "");
    if (!flags.some((f) => f === "-mod" || f.startsWith("-mod=") || f === "--mod" || f.startsWith("--mod="))) {
        // go.mod and go.sum are the truth: never rewrite them during a deploy (S9).
        flags.push("-mod=readonly");
    }
    return flags.join(" ");
}

/** The arguments after `go` and the environment overrides for one cross-compilation. */
export function goBuildInvocation(settings: GoBuildSettings): GoBuildInvocation {
    const mode = cgoModeOf(settings);
    const tags = goTags(mode, settings.tags, settings.requiredModules);
    return {
        args: [
            "build",
            "-trimpath",
            // VCS stamping would make the binary depend on the state of the whole checkout;
            // the release is stamped explicitly through -ldflags instead.
            "-buildvcs=false",
            ...(tags ? ["-tags", tags] : []),
            "-ldflags",
            fullLdflags(settings.stamp, mode, settings.extraLdflags),
            "-o",
            settings.outputPath,
            settings.packagePath,
        ],
        env: {
            CGO_ENABLED: mode === "off" ? "0" : "1",
            GOOS: settings.goos,
            GOARCH: settings.goarch,
            GOFLAGS: mergedGoflags(settings.inheritedGoflags),
        },
    };
}
