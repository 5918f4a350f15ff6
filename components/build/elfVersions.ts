// Reads how a binary links from its ELF dynamic section: the shared libraries it needs
// (DT_NEEDED) and the symbol versions it requires from them (.gnu.version_r, DT_VERNEED), e.g.
// GLIBC_2.34. A dynamic cgo binary runs only on a host whose glibc provides every GLIBC_x.y it
// requires, so this is checked before anything is released. Pure; works on the bytes of the file
// through the program headers (a stripped binary keeps them).

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const DT_NULL = 0n;
const DT_NEEDED = 1n;
const DT_STRTAB = 5n;
const DT_VERNEED = 0x6ffffffen;
const DT_VERNEEDNUM = 0x6fffffffn;

export interface ElfLinking {
    /** The program interpreter (e.g. /lib64/ld-linux-x86-64.so.2), or undefined for a static binary. */
    interpreter: string | undefined;
    /** DT_NEEDED: the shared libraries the binary loads, in file order. */
    needed: string[];
    /** Required symbol versions by library, from .gnu.version_r (e.g. {"libc.so.6": ["GLIBC_2.2.5", ...]}). */
    versionsNeeded: Record<string, string[]>;
}

interface Segment {
    type: number;
    offset: number;
    vaddr: bigint;
    filesz: number;
}

function segments(bytes: Buffer): Segment[] {
    if (bytes.length < 64 || bytes.readUInt32BE(0) !== 0x7f454c46) {
        throw new Error("not an ELF file (no \\x7fELF magic)");
    }
    if (bytes[4] !== 2 || bytes[5] !== 1) {
        throw new Error(`not a 64-bit little-endian ELF file (class ${bytes[4]}, data ${bytes[5]})`);
    }
    const phoff = Number(bytes.readBigUInt64LE(32));
    const phentsize = bytes.readUInt16LE(54);
    const phnum = bytes.readUInt16LE(56);
    const found: Segment[] = [];
    for (let i = 0; i < phnum; i++) {
        const at = phoff + i * phentsize;
        if (at + 56 > bytes.length) {
            throw new Error("truncated ELF file: program headers run past the end");
        }
        found.push({
            type: bytes.readUInt32LE(at),
            offset: Number(bytes.readBigUInt64LE(at + 8)),
            vaddr: bytes.readBigUInt64LE(at + 16),
            filesz: Number(bytes.readBigUInt64LE(at + 32)),
        });
    }
    return found;
}

/** Dynamic entries hold virtual addresses; the PT_LOAD segment that maps one gives its file offset. */
function fileOffset(loads: Segment[], vaddr: bigint): number {
    for (const load of loads) {
        if (vaddr >= load.vaddr && vaddr < load.vaddr + BigInt(load.filesz)) {
            return load.offset + Number(vaddr - load.vaddr);
        }
    }
    throw new Error(`malformed ELF file: address 0x${vaddr.toString(16)} is in no loaded segment`);
}

function cString(bytes: Buffer, at: number): string {
    if (at < 0 || at >= bytes.length) {
        throw new Error("malformed ELF file: a string offset runs past the end");
    }
    const end = bytes.indexOf(0, at);
    return bytes.toString("latin1", at, end < 0 ? bytes.length : end);
}

/** Parses the interpreter, DT_NEEDED and the version requirements of a 64-bit little-endian ELF. */
export function readElfLinking(bytes: Buffer): ElfLinking {
    const all = segments(bytes);
    const loads = all.filter((s) => s.type === PT_LOAD);
    const interp = all.find((s) => s.type === PT_INTERP);
    const interpreter = interp ? cString(bytes, interp.offset) : undefined;
    const dynamic = all.find((s) => s.type === PT_DYNAMIC);
    if (!dynamic) {
        return { interpreter, needed: [], versionsNeeded: {} };
    }

    const neededOffsets: number[] = [];
    let strtab: bigint | undefined;
    let verneed: bigint | undefined;
    let verneedCount = 0;
    for (let at = dynamic.offset; at + 16 <= dynamic.offset + dynamic.filesz; at += 16) {
        const tag = bytes.readBigInt64LE(at);
        const value = bytes.readBigUInt64LE(at + 8);
        if (tag === DT_NULL) {
            break;
        } else if (tag === DT_NEEDED) {
            neededOffsets.push(Number(value));
        } else if (tag === DT_STRTAB) {
            strtab = value;
        } else if (tag === DT_VERNEED) {
            verneed = value;
        } else if (tag === DT_VERNEEDNUM) {
            verneedCount = Number(value);
        }
    }
    if (strtab === undefined) {
        if (neededOffsets.length > 0 || verneed !== undefined) {
            throw new Error("malformed ELF file: dynamic section without DT_STRTAB");
        }
        return { interpreter, needed: [], versionsNeeded: {} };
    }
    const strings = fileOffset(loads, strtab);
    const needed = neededOffsets.map((o) => cString(bytes, strings + o));

    // Elf64_Verneed {u16 version, u16 cnt, u32 file, u32 aux, u32 next}; Elf64_Vernaux {u32 hash,
    // u16 flags, u16 other, u32 name, u32 next}: both 16 bytes, chained by relative offsets.
    const versionsNeeded: Record<string, string[]> = {};
    if (verneed !== undefined) {
        let entry = fileOffset(loads, verneed);
        for (let i = 0; i < verneedCount; i++) {
            if (entry + 16 > bytes.length) {
                throw new Error("truncated ELF file: .gnu.version_r runs past the end");
            }
            const count = bytes.readUInt16LE(entry + 2);
            const file = cString(bytes, strings + bytes.readUInt32LE(entry + 4));
            const versions = versionsNeeded[file] ?? (versionsNeeded[file] = []);
            let aux = entry + bytes.readUInt32LE(entry + 8);
            for (let j = 0; j < count; j++) {
                if (aux + 16 > bytes.length) {
                    throw new Error("truncated ELF file: .gnu.version_r runs past the end");
                }
                versions.push(cString(bytes, strings + bytes.readUInt32LE(aux + 8)));
                const next = bytes.readUInt32LE(aux + 12);
                if (next === 0) {
                    break;
                }
                aux += next;
            }
            const next = bytes.readUInt32LE(entry + 12);
            if (next === 0) {
                break;
            }
            entry += next;
        }
    }
    return { interpreter, needed, versionsNeeded };
}

const GLIBC_VERSION = /^GLIBC_(\d+(?:\.\d+)*)$/;
const PLAIN_VERSION = /^\d+(?:\.\d+)*$/;

function compareVersions(a: string, b: string): number {
    const x = a.split(".").map(Number);
    const y = b.split(".").map(Number);
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
        const d = (x[i] ?? 0) - (y[i] ?? 0);
        if (d !== 0) {
            return d;
        }
    }
    return 0;
}

/** The highest GLIBC_x.y the binary requires from any library (undefined when it requires none). */
export function requiredGlibc(linking: ElfLinking): string | undefined {
    let highest: string | undefined;
    for (const versions of Object.values(linking.versionsNeeded)) {
        for (const name of versions) {
            const match = GLIBC_VERSION.exec(name);
            if (match && (highest === undefined || compareVersions(match[1], highest) > 0)) {
                highest = match[1];
            }
        }
    }
    return highest;
}

/** Why a dynamic binary cannot run on a host with glibc `hostGlibc` (undefined when it can). */
export function glibcRefusal(linking: ElfLinking, hostGlibc: string): string | undefined {
    if (!PLAIN_VERSION.test(hostGlibc)) {
        throw new Error(
            `hostGlibc "${hostGlibc}" is not a glibc version: give it as x.y, e.g. "2.36" (from \`ldd --version\` on the host)`,
        );
    }
    const needs = requiredGlibc(linking);
    if (needs !== undefined && compareVersions(needs, hostGlibc) > 0) {
        const symbols = Object.entries(linking.versionsNeeded).flatMap(([file, versions]) =>
            versions.filter((v) => GLIBC_VERSION.test(v) && compareVersions(v.slice(6), hostGlibc) > 0).map((v) => `${v} (${file})`),
        );
        return (
            `it requires glibc ${needs} but the host has ${hostGlibc} (needs ${symbols.join(", ")}); ` +
            'build it where glibc is no newer than the host\'s, or use cgo: "static"'
        );
    }
    return undefined;
}

/** Why a binary that must be fully static is not (undefined when it is): a loader or any DT_NEEDED. */
export function staticRefusal(linking: ElfLinking): string | undefined {
    if (linking.interpreter !== undefined) {
        return `it is dynamically linked (asks for the loader ${linking.interpreter})`;
    }
    if (linking.needed.length > 0) {
        return `it loads shared libraries (DT_NEEDED ${linking.needed.join(", ")})`;
    }
    return undefined;
}
