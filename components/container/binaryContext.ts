// The build context AppImage's binaryPath mode hands to docker.Image: a folder holding only the
// prebuilt binary and the generated Dockerfile, named by their content hash, so an unchanged
// binary yields the very same folder (and no rebuild) and nothing else of the machine is sent to
// the engine. A binary that is not fully static is refused here: the runtime base holds no libc
// it could load.

import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

import { readElfLinking, staticRefusal } from "../build/elfVersions";
import { renderBinaryDockerfile, validateBinaryName } from "./renderers/binaryDockerfile";

export interface BinaryContext {
    /** The folder to build (absolute); its Dockerfile is context/Dockerfile. */
    context: string;
    dockerfile: string;
}

/** Writes (once per content) the context for `binaryPath` under `cacheDir`; returns its paths. */
export function writeBinaryContext(binaryPath: string, cacheDir: string): BinaryContext {
    const name = path.basename(binaryPath);
    validateBinaryName(name);
    let bytes: Buffer;
    try {
        bytes = fs.readFileSync(binaryPath);
    } catch (error) {
        throw new Error(
            `binaryPath "${binaryPath}" cannot be read (${(error as Error).message}): give the built binary, e.g. GoBinary's path output`,
            { cause: error },
        );
    }
    let refusal: string | undefined;
    try {
        refusal = staticRefusal(readElfLinking(bytes));
    } catch (error) {
        refusal = `it is not a Linux ELF executable (${(error as Error).message})`;
    }
    if (refusal) {
        throw new Error(
            `binaryPath "${binaryPath}" cannot run on the image's minimal base: ${refusal}. Build it static (GoBinary with cgo "off", or cgo "static" for a cgo driver such as go-sqlite3)`,
        );
    }
    const dockerfile = renderBinaryDockerfile(name);
    const key = createHash("sha256").update(bytes).update("\0").update(name).update("\0").update(dockerfile).digest("hex");
    const dir = path.resolve(cacheDir, key.slice(0, 32));
    const result = { context: dir, dockerfile: path.join(dir, "Dockerfile") };
    if (fs.existsSync(result.dockerfile)) return result;
    // Written beside, then renamed: a half-written folder never passes for a finished one.
    const tmp = `${dir}.tmp-${process.pid}`;
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp, { recursive: true });
    fs.writeFileSync(path.join(tmp, name), bytes, { mode: 0o755 });
    fs.writeFileSync(path.join(tmp, "Dockerfile"), dockerfile);
    fs.renameSync(tmp, dir);
    return result;
}
