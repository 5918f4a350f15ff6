// What an image is built from, as 12 hex: every file of the build context (path and bytes, in
// order; .git and node_modules left out) and the build's settings. AppImage appends it to the tag
// it pushes to a registry whose tags are immutable (ECR): a release's version can repeat with other
// content (a "-dirty" build after more edits, a pinned gin-deploy:release rebuilt, another base
// image), and such a registry refuses to move a tag, so the tag must change whenever the content
// can. The same content gives the same tag, which the registry accepts again. Reads files; no Pulumi.

import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

const SKIPPED = new Set([".git", "node_modules"]);

function addFolder(hash: ReturnType<typeof createHash>, root: string, relative: string): void {
    const entries = fs.readdirSync(path.join(root, relative), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
        if (SKIPPED.has(entry.name)) continue;
        const rel = relative === "" ? entry.name : `${relative}/${entry.name}`;
        if (entry.isDirectory()) {
            addFolder(hash, root, rel);
        } else if (entry.isFile() || entry.isSymbolicLink()) {
            const full = path.join(root, rel);
            hash.update(`${entry.isSymbolicLink() ? "link" : "file"}\0${rel}\0`);
            hash.update(entry.isSymbolicLink() ? fs.readlinkSync(full) : fs.readFileSync(full));
            hash.update("\0");
        }
    }
}

/** 12 hex of the context's files and the build settings (any JSON value). */
export function contextDigest(context: string, settings: unknown): string {
    const hash = createHash("sha256");
    hash.update(`settings\0${JSON.stringify(settings)}\0`);
    addFolder(hash, context, "");
    return hash.digest("hex").slice(0, 12);
}
