import * as assert from "assert";

import { elfRefusal, readElfFacts } from "../../components/build/elfHeader";

/** A minimal 64-bit little-endian ELF header with the given program header types. */
function elf(machine: number, programHeaderTypes: number[]): Buffer {
    const headerSize = 64;
    const entrySize = 56;
    const bytes = Buffer.alloc(headerSize + entrySize * programHeaderTypes.length);
    bytes.writeUInt32BE(0x7f454c46, 0);
    bytes[4] = 2; // 64-bit
    bytes[5] = 1; // little-endian
    bytes[6] = 1;
    bytes.writeUInt16LE(2, 16); // ET_EXEC
    bytes.writeUInt16LE(machine, 18);
    bytes.writeBigUInt64LE(BigInt(headerSize), 32);
    bytes.writeUInt16LE(entrySize, 54);
    bytes.writeUInt16LE(programHeaderTypes.length, 56);
    programHeaderTypes.forEach((type, i) => bytes.writeUInt32LE(type, headerSize + i * entrySize));
    return bytes;
}

const PT_LOAD = 1;
const PT_INTERP = 3;

describe("ELF header check", () => {
    it("accepts a static arm64 binary for arm64", () => {
        const facts = readElfFacts(elf(183, [PT_LOAD, PT_LOAD]));
        assert.deepStrictEqual(facts, { machine: 183, architecture: "arm64", hasInterpreter: false });
        assert.strictEqual(elfRefusal(facts, "arm64", true), undefined);
    });

    it("refuses an amd64 binary for an arm64 host", () => {
        const facts = readElfFacts(elf(62, [PT_LOAD]));
        assert.match(elfRefusal(facts, "arm64", true) ?? "", /ELF machine 62 \(amd64\), not arm64/);
    });

    it("refuses a dynamically linked binary when a static one was asked for", () => {
        const facts = readElfFacts(elf(62, [PT_INTERP, PT_LOAD]));
        assert.strictEqual(facts.hasInterpreter, true);
        assert.match(elfRefusal(facts, "amd64", true) ?? "", /dynamically linked.*CGO_ENABLED=0/);
        assert.strictEqual(elfRefusal(facts, "amd64", false), undefined);
    });

    it("refuses what is not an ELF file", () => {
        assert.throws(() => readElfFacts(Buffer.from("#!/bin/sh\necho hi\n".padEnd(80, " "))), /not an ELF file/);
    });
});
