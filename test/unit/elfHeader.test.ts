import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { elfRefusal, readElfFacts } from "../../components/build/elfHeader";
import { glibcRefusal, readElfLinking, requiredGlibc, staticRefusal } from "../../components/build/elfVersions";

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

// Real binaries, built here from fixtures/cgo-module (it calls gnu_get_libc_version through cgo).
describe("ELF linking check on real binaries", function () {
    this.timeout(600_000);
    const CGO = path.join(__dirname, "fixtures", "cgo-module");
    const HELLO = path.join(__dirname, "fixtures", "hello-module");
    let dir: string;
    const build = (moduleDir: string, name: string, env: Record<string, string>, extra: string[] = []): Buffer => {
        const out = path.join(dir, name);
        execFileSync("go", ["build", "-trimpath", ...extra, "-o", out, "."], {
            cwd: moduleDir,
            env: { ...process.env, GOFLAGS: "-mod=readonly", ...env },
            stdio: "pipe",
        });
        return fs.readFileSync(out);
    };

    before(function () {
        if (process.platform !== "linux" || process.arch !== "x64") {
            this.skip(); // the cgo builds below are native linux/amd64 builds
        }
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "gd-unit-elf-"));
    });
    after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

    it("reads DT_NEEDED and the GLIBC_x.y versions a dynamic cgo binary requires", () => {
        const bytes = build(CGO, "dynamic", { CGO_ENABLED: "1" });
        const linking = readElfLinking(bytes);
        assert.match(linking.interpreter ?? "", /^\/lib.*\/ld-linux-x86-64\.so\.2$/);
        assert.ok(linking.needed.includes("libc.so.6"), `needed: ${linking.needed}`);
        assert.ok((linking.versionsNeeded["libc.so.6"] ?? []).some((v) => /^GLIBC_2\.\d+/.test(v)));
        // What the binary needs can be no newer than the glibc it runs on here (it printed that itself).
        const hostGlibc = /glibc (\d+\.\d+)/.exec(execFileSync(path.join(dir, "dynamic"), { encoding: "utf8" }))![1];
        const needs = requiredGlibc(linking)!;
        assert.ok(Number(needs.split(".")[1]) <= Number(hostGlibc.split(".")[1]), `${needs} vs ${hostGlibc}`);
        assert.strictEqual(glibcRefusal(linking, hostGlibc), undefined);
        assert.match(
            glibcRefusal(linking, "2.0") ?? "",
            new RegExp(`requires glibc ${needs.replace(/\./g, "\\.")} but the host has 2\\.0 \\(needs GLIBC_.*\\(libc\\.so\\.6\\)`),
        );
        assert.match(staticRefusal(linking) ?? "", /dynamically linked \(asks for the loader/);
        assert.throws(() => glibcRefusal(linking, "bookworm"), /hostGlibc "bookworm" is not a glibc version/);
    });

    it("finds no loader, no DT_NEEDED and no version needs in a static cgo binary or a CGO_ENABLED=0 one", () => {
        const staticCgo = build(CGO, "static", { CGO_ENABLED: "1" }, ["-tags", "netgo,osusergo", "-ldflags", "-extldflags -static"]);
        const pureGo = build(HELLO, "pure", { CGO_ENABLED: "0" });
        for (const bytes of [staticCgo, pureGo]) {
            const linking = readElfLinking(bytes);
            assert.deepStrictEqual(linking, { interpreter: undefined, needed: [], versionsNeeded: {} });
            assert.strictEqual(requiredGlibc(linking), undefined);
            assert.strictEqual(staticRefusal(linking), undefined);
        }
        assert.match(execFileSync(path.join(dir, "static"), { encoding: "utf8" }), /^glibc 2\.\d+\n$/);
    });
});
