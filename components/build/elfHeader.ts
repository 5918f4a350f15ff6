// Reads what a deploy must know about a built binary from its ELF header: the CPU it is for, and
// whether it needs a dynamic loader (PT_INTERP). Pure; works on the bytes of the file.

import type { CpuArchitecture } from "./cpuArchitecture";

/** ELF e_machine values of the architectures the build targets. */
export const ELF_MACHINE: Readonly<Record<CpuArchitecture, number>> = { amd64: 62, arm64: 183 };

const PT_INTERP = 3;

export interface ElfFacts {
    /** e_machine, e.g. 62 (x86-64) or 183 (AArch64). */
    machine: number;
    architecture: CpuArchitecture | undefined;
    /** True when the binary asks for a program interpreter (a dynamic loader such as ld-linux). */
    hasInterpreter: boolean;
}

/** Parses a 64-bit little-endian ELF header; throws when the bytes are not one. */
export function readElfFacts(bytes: Buffer): ElfFacts {
    if (bytes.length < 64 || bytes.readUInt32BE(0) !== 0x7f454c46) {
        throw new Error("not an ELF file (no \\x7fELF magic)");
    }
    if (bytes[4] !== 2 || bytes[5] !== 1) {
        throw new Error(`not a 64-bit little-endian ELF file (class ${bytes[4]}, data ${bytes[5]})`);
    }
    const machine = bytes.readUInt16LE(18);
    const programHeaderOffset = Number(bytes.readBigUInt64LE(32));
    const programHeaderSize = bytes.readUInt16LE(54);
    const programHeaderCount = bytes.readUInt16LE(56);
    let hasInterpreter = false;
    for (let i = 0; i < programHeaderCount; i++) {
        const at = programHeaderOffset + i * programHeaderSize;
        if (at + 4 > bytes.length) {
            throw new Error("truncated ELF file: program headers run past the end");
        }
        if (bytes.readUInt32LE(at) === PT_INTERP) {
            hasInterpreter = true;
        }
    }
    const architecture = (Object.keys(ELF_MACHINE) as CpuArchitecture[]).find((a) => ELF_MACHINE[a] === machine);
    return { machine, architecture, hasInterpreter };
}

/**
 * Why a binary is not fit to ship for `goarch` (undefined when it is): the wrong CPU, or a
 * dynamic loader when a static binary was asked for (S6).
 */
export function elfRefusal(facts: ElfFacts, goarch: CpuArchitecture, requireStatic: boolean): string | undefined {
    if (facts.architecture !== goarch) {
        return (
            `it is built for ELF machine ${facts.machine} (${facts.architecture ?? "unknown"}), ` +
            `not ${goarch} (machine ${ELF_MACHINE[goarch]})`
        );
    }
    if (requireStatic && facts.hasInterpreter) {
        return "it is dynamically linked (has a PT_INTERP program header); build with CGO_ENABLED=0 for a static binary";
    }
    return undefined;
}
