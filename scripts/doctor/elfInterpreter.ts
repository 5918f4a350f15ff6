// The program interpreter (PT_INTERP) a dynamically linked ELF binary names, e.g.
// /lib64/ld-linux-x86-64.so.2 (glibc) or /lib/ld-musl-x86_64.so.1 (musl, Alpine). Pure; reads the
// first bytes of the file (header, program headers and the path, which follow the header).

const PT_INTERP = 3;

/** The interpreter's path, or undefined for a static binary; throws on a non-ELF or cut-off file. */
export function elfInterpreter(bytes: Buffer): string | undefined {
    if (bytes.length < 64 || bytes.readUInt32BE(0) !== 0x7f454c46) throw new Error("not an ELF file (no \\x7fELF magic)");
    if (bytes[4] !== 2 || bytes[5] !== 1) throw new Error(`not a 64-bit little-endian ELF file (class ${bytes[4]}, data ${bytes[5]})`);
    const phoff = Number(bytes.readBigUInt64LE(32));
    const phentsize = bytes.readUInt16LE(54);
    const phnum = bytes.readUInt16LE(56);
    for (let i = 0; i < phnum; i++) {
        const at = phoff + i * phentsize;
        if (at + 56 > bytes.length) throw new Error("the program headers run past the bytes read");
        if (bytes.readUInt32LE(at) !== PT_INTERP) continue;
        const offset = Number(bytes.readBigUInt64LE(at + 8));
        const size = Number(bytes.readBigUInt64LE(at + 32));
        if (offset + size > bytes.length) throw new Error("the interpreter's path lies past the bytes read");
        return bytes
            .subarray(offset, offset + size)
            .toString("latin1")
            .replace(/\0+$/, "");
    }
    return undefined;
}

/** The ELF machine as `uname -m` names it. */
export function elfMachineName(bytes: Buffer): string {
    const machine = bytes.readUInt16LE(18);
    const names: Record<number, string> = { 62: "x86_64", 183: "aarch64", 3: "i686", 40: "arm", 243: "riscv64" };
    return names[machine] ?? `ELF machine ${machine}`;
}
