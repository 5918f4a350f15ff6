// What a build or a workflow pulls from elsewhere is pinned to content: base images by digest
// (their tag kept for reading), GitHub Actions by commit (their version in a comment). A tag can
// be moved to other content by whoever controls it; a digest or a commit cannot.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

import { DEFAULT_RUNTIME_IMAGE } from "../../components/container/renderers/binaryDockerfile";

const root = path.join(__dirname, "..", "..");
const PINNED_IMAGE = /^[a-z0-9][a-z0-9./-]*:[A-Za-z0-9._-]+@sha256:[0-9a-f]{64}$/;
const PINNED_ACTION = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/;

function filesUnder(dir: string, pattern: RegExp): string[] {
    return fs
        .readdirSync(dir, { withFileTypes: true, recursive: true })
        .flatMap((e) => (e.isFile() && pattern.test(e.name) ? [path.join(e.parentPath, e.name)] : []));
}

describe("the supply chain is pinned to content", () => {
    const dockerfile = fs.readFileSync(path.join(root, "app/Dockerfile"), "utf8");
    const imageArgs = Object.fromEntries([...dockerfile.matchAll(/^ARG (\w+_IMAGE)=(\S+)$/gm)].map((m) => [m[1], m[2]]));

    it("app/Dockerfile's base images are build args whose defaults are pinned by digest, tag kept", () => {
        assert.deepStrictEqual(Object.keys(imageArgs).sort(), ["BUILDER_IMAGE", "RUNTIME_IMAGE"]);
        for (const [arg, image] of Object.entries(imageArgs)) assert.match(image, PINNED_IMAGE, arg);
        const froms = [...dockerfile.matchAll(/^FROM (?:--platform=\S+ )?(\S+)/gm)].map((m) => m[1]);
        assert.deepStrictEqual(froms, ["${BUILDER_IMAGE}", "${RUNTIME_IMAGE}"], "every stage starts from a pinned build arg");
    });

    it("the generated Dockerfile for a prebuilt binary uses app/Dockerfile's pinned runtime base", () => {
        assert.strictEqual(DEFAULT_RUNTIME_IMAGE, imageArgs.RUNTIME_IMAGE);
    });

    it("every GitHub Action is pinned by commit SHA with its version in a comment", () => {
        const files = filesUnder(path.join(root, ".github"), /\.ya?ml$/);
        const uses = files.flatMap((f) =>
            [...fs.readFileSync(f, "utf8").matchAll(/^\s*(?:- )?uses:\s*(.+?)\s*$/gm)].map((m) => ({
                file: path.relative(root, f),
                ref: m[1],
            })),
        );
        const remote = uses.filter((u) => !u.ref.startsWith("./"));
        assert.ok(remote.length >= 6, `found only ${remote.length} remote actions`);
        for (const u of remote) assert.match(u.ref, PINNED_ACTION, `${u.file}: uses ${u.ref}`);
    });
});
