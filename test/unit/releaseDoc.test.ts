// docs/release.md names, step by step, the function that does each step: each name it cites must be
// one that exists where the row says (a host script's function, or a name in the row's files).
// docPaths.test.ts checks the paths; this checks the names, so a renamed step cannot leave the
// document pointing at nothing.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

import { hostScript, hostScripts } from "../support/hostScripts";

const ROOT = path.join(__dirname, "..", "..");

/** The backticked names in a table row's last cell, and the repository paths in it. */
function cited(row: string): { names: string[]; files: string[] } {
    const cells = row.split("|").map((c) => c.trim());
    const last = cells[cells.length - 2] ?? "";
    const ticks = [...last.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    const files = ticks.filter((t) => t.includes("/")).flatMap(expandBraces);
    const names = ticks.filter((t) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(t) || /^[a-z-]+\.sh [a-z]+$/.test(t));
    return { names, files };
}

/** `dir/{a,b}.ts` -> dir/a.ts, dir/b.ts (the document's shorthand). */
function expandBraces(p: string): string[] {
    const m = /^(.*)\{([^}]+)\}(.*)$/.exec(p);
    return m ? m[2].split(",").map((part) => `${m[1]}${part}${m[3]}`) : [p];
}

function bashFunctions(): Set<string> {
    const out = new Set<string>();
    for (const file of hostScripts().values()) {
        for (const m of fs.readFileSync(file, "utf8").matchAll(/^([a-z_][a-z0-9_]*)\(\)/gm)) out.add(m[1]);
    }
    return out;
}

describe("docs/release.md names steps that exist", () => {
    const doc = fs.readFileSync(path.join(ROOT, "docs", "release.md"), "utf8");
    const rows = doc.split("\n").filter((l) => /^\| [0-9]/.test(l));
    const functions = bashFunctions();

    it("has a table row for each step of both modes, slots, the reachability check, kubernetes and deploy:local", () => {
        for (const heading of [
            "## mode: systemd",
            "### Slots",
            "## mode: container",
            "## After the release",
            "## target: kubernetes",
            "## deploy:local",
        ]) {
            assert.ok(doc.includes(heading), `no section ${heading}`);
        }
        assert.ok(rows.length >= 30, `only ${rows.length} step rows`);
    });

    it("every name a step cites is a host script's function, a command of one, or defined in the row's files", () => {
        const missing: string[] = [];
        for (const row of rows) {
            const { names, files } = cited(row);
            const texts = files.filter((f) => fs.existsSync(path.join(ROOT, f))).map((f) => fs.readFileSync(path.join(ROOT, f), "utf8"));
            for (const name of names) {
                const script = /^([a-z-]+\.sh) ([a-z]+)$/.exec(name);
                if (script) {
                    const body = fs.readFileSync(hostScript(script[1]), "utf8");
                    if (!new RegExp(`^cmd_${script[2]}\\(\\)`, "m").test(body))
                        missing.push(`${name} (no cmd_${script[2]} in ${script[1]})`);
                } else if (!functions.has(name) && !texts.some((t) => new RegExp(`\\b${name}\\b`).test(t))) {
                    missing.push(`${name} (row: ${row.slice(0, 60)}…)`);
                }
            }
        }
        assert.deepStrictEqual(missing, []);
    });

    it("would catch a renamed step (the check is not vacuous)", () => {
        const names = rows.flatMap((r) => cited(r).names);
        assert.ok(names.includes("run_slot_release") && names.includes("slot_start"), names.join(", "));
        assert.ok(!functions.has("run_slot_release_renamed"));
    });
});
