// README's troubleshooting table is doctor's: every cause the reachability check and doctor can
// name has its row, and the table names no cause they do not know.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

import { describeCause } from "../../components/reachability/causes";
import type { CauseId } from "../../components/reachability/causes";

const README = fs.readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");

function tableCauses(): string[] {
    const start = README.indexOf("## Troubleshooting");
    const section = README.slice(start, README.indexOf("\n## ", start + 1));
    const rows = section.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| what you see") && !l.startsWith("|---"));
    return rows.flatMap((row) => [...(row.split("|")[3] ?? "").matchAll(/`([a-z-]+)`/g)].map((m) => m[1]));
}

describe("README's troubleshooting table", () => {
    it("has a row for every cause doctor and the release check name, and no other", () => {
        const causesFile = fs.readFileSync(path.join(__dirname, "..", "..", "components", "reachability", "causes.ts"), "utf8");
        const block = causesFile.slice(
            causesFile.indexOf("export type CauseId"),
            causesFile.indexOf(";", causesFile.indexOf("export type CauseId")),
        );
        const known = [...block.matchAll(/"([a-z-]+)"/g)].map((m) => m[1]);
        for (const id of known) assert.ok(describeCause(id as CauseId).fix.length > 0, id);
        assert.deepStrictEqual([...new Set(tableCauses())].sort(), [...known].sort());
    });
});
