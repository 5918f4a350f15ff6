// Which CPU architecture an EC2 instance type runs, so that the AMI and the Go build (GOARCH)
// follow the instance type (S5): a Graviton type gets arm64, never an amd64 binary.
// Pure data and lookup; no Pulumi import. Unknown families are refused rather than guessed.

import type { CpuArchitecture } from "../build/cpuArchitecture";

/** Graviton (AWS-designed Arm) families, with their d (local NVMe), n (network) and gd/gn variants. */
const ARM64_FAMILIES: readonly string[] = [
    "a1",
    "t4g",
    "m6g",
    "m6gd",
    "m7g",
    "m7gd",
    "m8g",
    "m8gd",
    "c6g",
    "c6gd",
    "c6gn",
    "c7g",
    "c7gd",
    "c7gn",
    "c8g",
    "c8gd",
    "c8gn",
    "r6g",
    "r6gd",
    "r7g",
    "r7gd",
    "r8g",
    "r8gd",
    "x2gd",
    "x8g",
    "im4gn",
    "is4gen",
    "i4g",
    "i8g",
    "g5g",
    "hpc7g",
];

/** Intel and AMD families (current and previous generations). */
const AMD64_FAMILIES: readonly string[] = [
    "t2",
    "t3",
    "t3a",
    "m4",
    "m5",
    "m5a",
    "m5ad",
    "m5d",
    "m5dn",
    "m5n",
    "m5zn",
    "m6a",
    "m6i",
    "m6id",
    "m6idn",
    "m6in",
    "m7a",
    "m7i",
    "m7i-flex",
    "m8a",
    "m8i",
    "m8i-flex",
    "c4",
    "c5",
    "c5a",
    "c5ad",
    "c5d",
    "c5n",
    "c6a",
    "c6i",
    "c6id",
    "c6in",
    "c7a",
    "c7i",
    "c7i-flex",
    "c8i",
    "r4",
    "r5",
    "r5a",
    "r5ad",
    "r5b",
    "r5d",
    "r5dn",
    "r5n",
    "r6a",
    "r6i",
    "r6id",
    "r6idn",
    "r6in",
    "r7a",
    "r7i",
    "r7iz",
    "r8i",
    "x1",
    "x1e",
    "x2idn",
    "x2iedn",
    "x2iezn",
    "z1d",
    "i3",
    "i3en",
    "i4i",
    "i7ie",
    "d2",
    "d3",
    "d3en",
    "h1",
    "g4ad",
    "g4dn",
    "g5",
    "g6",
    "g6e",
    "p3",
    "p4d",
    "p5",
    "inf1",
    "inf2",
    "trn1",
    "hpc6a",
    "hpc6id",
    "hpc7a",
];

const FAMILY_ARCHITECTURE: ReadonlyMap<string, CpuArchitecture> = new Map<string, CpuArchitecture>([
    ...ARM64_FAMILIES.map((f): [string, CpuArchitecture] => [f, "arm64"]),
    ...AMD64_FAMILIES.map((f): [string, CpuArchitecture] => [f, "amd64"]),
]);

const INSTANCE_TYPE = /^([a-z][a-z0-9-]*)\.([a-z0-9]+)$/;

export type ArchitectureLookup = { ok: true; family: string; architecture: CpuArchitecture } | { ok: false; reason: string };

/** Looks up the architecture of an instance type such as "t4g.small"; explains a refusal. */
export function instanceArchitecture(instanceType: string): ArchitectureLookup {
    const match = INSTANCE_TYPE.exec(instanceType);
    if (!match) {
        return { ok: false, reason: `"${instanceType}" is not an EC2 instance type of the form <family>.<size> (e.g. t3.small)` };
    }
    const family = match[1];
    const architecture = FAMILY_ARCHITECTURE.get(family);
    if (!architecture) {
        return {
            ok: false,
            reason:
                `the CPU architecture of instance family "${family}" is unknown, so the build cannot target it ` +
                `(known families: ${ARM64_FAMILIES.length} arm64 ones such as t4g, m7g, c7g; ` +
                `${AMD64_FAMILIES.length} amd64 ones such as t3, m7i, c7a)`,
        };
    }
    return { ok: true, family, architecture };
}

/** The AMI `architecture` attribute for a Go GOARCH. */
export function amiArchitecture(architecture: CpuArchitecture): "x86_64" | "arm64" {
    return architecture === "amd64" ? "x86_64" : "arm64";
}
