// Packages that do nothing useful without cgo: with CGO_ENABLED=0 they still compile (to a stub,
// or behind build tags) and the program then fails only at run time — mattn/go-sqlite3 answers
// every query with "Binary was compiled with 'CGO_ENABLED=0', go-sqlite3 requires cgo to work".
// A build with cgo off that imports one is refused before it runs. Pure.

export interface CgoOnlyPackage {
    /** The import path; its subpackages match too. */
    importPath: string;
    /** A pure-Go alternative to name in the refusal, when there is a known one. */
    pureGo?: string;
}

export const CGO_ONLY_PACKAGES: readonly CgoOnlyPackage[] = [
    { importPath: "github.com/mattn/go-sqlite3", pureGo: "modernc.org/sqlite" },
    { importPath: "github.com/mutecomm/go-sqlcipher" },
    { importPath: "github.com/mutecomm/go-sqlcipher/v4" },
    { importPath: "crawshaw.io/sqlite", pureGo: "zombiezen.com/go/sqlite" },
    { importPath: "github.com/godror/godror", pureGo: "github.com/sijms/go-ora/v2" },
    { importPath: "github.com/mattn/go-oci8", pureGo: "github.com/sijms/go-ora/v2" },
    { importPath: "github.com/confluentinc/confluent-kafka-go/kafka", pureGo: "github.com/twmb/franz-go" },
    { importPath: "github.com/confluentinc/confluent-kafka-go/v2/kafka", pureGo: "github.com/twmb/franz-go" },
    { importPath: "github.com/linxGnu/grocksdb" },
    { importPath: "github.com/tecbot/gorocksdb" },
];

/** The cgo-only packages among `imports` (a `go list -deps` of the main package). */
export function cgoOnlyImports(imports: readonly string[]): CgoOnlyPackage[] {
    return CGO_ONLY_PACKAGES.filter((known) => imports.some((p) => p === known.importPath || p.startsWith(`${known.importPath}/`)));
}

/** Why a cgo-off build of a program with these imports would lie (undefined when none is cgo-only). */
export function cgoOnlyRefusal(imports: readonly string[]): string | undefined {
    const found = cgoOnlyImports(imports);
    if (found.length === 0) {
        return undefined;
    }
    const names = found.map((p) => p.importPath).join(", ");
    const alternatives = found.filter((p) => p.pureGo).map((p) => `${p.pureGo} for ${p.importPath}`);
    return (
        `it imports ${names}, which needs cgo: without it the binary builds but fails at run time. ` +
        `Set cgo: "static" (or "dynamic" with hostGlibc) on GoBinary` +
        (alternatives.length > 0 ? `, or switch to a pure-Go package (${alternatives.join("; ")})` : "")
    );
}
