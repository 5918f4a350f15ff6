// Every repository path that README.md and docs/*.md cite exists in a checkout, so the docs cannot
// point at a file that moved, never was committed, or lives beside the repository.
//
// What counts as a citation:
//   - a Markdown link's target, resolved from the citing file's folder (URLs, mail and pure
//     `#anchor` links aside). It must stay inside the repository: `../shared/...` from README.md
//     is a file a checkout does not have.
//   - in an inline code span (`...`) or a shell or TypeScript code block (```sh, bash, shell,
//     console, ts: commands a reader runs, `// components/...` comments; output samples and mermaid
//     labels hold messages and prose, not citations), a word that looks like a path of this
//     repository:
//       * it contains a `/`, its first part is a top-level file or folder of the repository
//         (`components/...`, `scripts/...`, `.github/...`), and it ends in a known extension or a
//         `/`, or holds a glob, or is the whole code span (`docs/` or `tools/pulumi-cli`, but not
//         the `app/db` of `StateDirectory=app app/db`, a setting's value);
//       * it starts with `../` and ends in `.md`: a document beside the repository (`../shared/...`),
//         which a checkout does not have (`../app.db` is an app's relative path, not a citation);
//       * it has no `/` and is a stack file (`Pulumi.*.yaml`) or a TypeScript module's name
//         (`appOptions.ts`): it must be a top-level file or the name of some file in the repository;
//         a bare module name no file has is one that moved (host-side names such as `contract.sh`,
//         a user's `prod-history.json` or a dependency's `postinstall.js` are not checked).
//     Quoted words (`"app/db"`, `from "../../components"`) are values, absolute paths (`/etc/...`)
//     are the host's, and the per-checkout `.gin-deploy/` is no top-level entry of a checkout.
// How a citation is read: a `#anchor` and a `:line` suffix are dropped, as is trailing punctuation;
// a word holding a placeholder (`<stack>`, `…`, `...`, `$VAR`, `=`) is skipped; `*`, `**` and brace
// lists (`{contract,units}.ts`) are expanded as globs and must match at least one file or folder.
// "Exists in a checkout" means tracked by git or new and not ignored (what a commit would carry),
// not merely present on this disk.
// Git-ignored paths (reports/*: the suites' figures; build output): a checkout has only the
// committed benchmark reports. An ignored path may be cited only in a sentence that says which
// command writes it: the sentence names `npm test` or `npm run SCRIPT` (SCRIPT one of package.json's
// scripts) and says "writes"/"written" ("`reports/e2e.json`, written by `npm run test:e2e`").
// Otherwise it is a file the reader will not find.
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");

const git = (...args: string[]) => execFileSync("git", args, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 << 20 });

/** What a commit of this checkout would carry: tracked files, and new files that are not ignored. */
const FILES: string[] = git("ls-files", "--cached", "--others", "--exclude-standard", "-z")
    .split("\0")
    .filter((f) => f !== "" && fs.existsSync(path.join(ROOT, f)));
const DIRS = new Set<string>();
for (const f of FILES) {
    const parts = f.split("/");
    for (let i = 1; i < parts.length; i++) DIRS.add(parts.slice(0, i).join("/"));
}
const ENTRIES = new Set([...FILES, ...DIRS]);
const TOP_LEVEL = new Set(FILES.map((f) => f.split("/")[0]));
const BASENAMES = new Set(FILES.map((f) => path.posix.basename(f)));
const SCRIPTS = new Set(Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts));

const KNOWN_EXTENSIONS = /\.(ts|js|mjs|cjs|json|ya?ml|md|sh|go|mod|sum|svg|txt|toml)$/;
// A bare name is checked only in the languages the repository is written in: a `.json` or `.js`
// name is as often a user's file or a dependency's.
const SOURCE_EXTENSIONS = /\.ts$/;
const CHECKED_FENCES = new Set(["sh", "bash", "shell", "console", "ts", "typescript"]);

export interface Citation {
    file: string; // the citing document, relative to the repository
    line: number;
    text: string; // as written
    target: string; // a path relative to the repository root (may hold glob characters)
    sentence: string; // the text around it, for the reports/ rule
    bare: boolean; // a file name without a folder
}

/** Expands `{a,b}` lists (not nested) into every combination. */
export function expandBraces(pattern: string): string[] {
    const m = /\{([^{}]*)\}/.exec(pattern);
    if (!m) return [pattern];
    const head = pattern.slice(0, m.index);
    const tail = pattern.slice(m.index + m[0].length);
    return m[1].split(",").flatMap((alt) => expandBraces(head + alt + tail));
}

function globToRegExp(glob: string): RegExp {
    let re = "";
    for (let i = 0; i < glob.length; i++) {
        const c = glob[i];
        if (c === "*" && glob[i + 1] === "*") {
            re += ".*";
            i++;
            if (glob[i + 1] === "/") i++;
        } else if (c === "*") re += "[^/]*";
        else if (c === "?") re += "[^/]";
        else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    }
    return new RegExp(`^${re}$`);
}

/** The repository files and folders a path or glob (no braces) names; none: it does not exist. */
export function matches(target: string, entries: Iterable<string> = ENTRIES): string[] {
    const clean = target.replace(/\/+$/, "");
    const found: string[] = [];
    if (!/[*?]/.test(clean)) {
        for (const e of entries) if (e === clean) found.push(e);
        return found;
    }
    const re = globToRegExp(clean);
    for (const e of entries) if (re.test(e)) found.push(e);
    return found;
}

/**
 * A code word trimmed to the path it names, or undefined when it is no path of this repository.
 * `alone`: the word is a whole inline code span (`components/systemd/renderers/*`), not one word of a
 * command or a setting (`StateDirectory=app app/db`).
 */
export function repoPathOf(word: string, alone: boolean, topLevel: Set<string> = TOP_LEVEL): { target: string; bare: boolean } | undefined {
    if (/^["']/.test(word)) return undefined; // a quoted value or module specifier, not a citation
    let w = word.replace(/^[([<]+/, "").replace(/[)"'\],;:.!?>]+$/, "");
    w = w.replace(/#.*$/, "").replace(/:\d+(-\d+)?$/, "");
    if (w === "" || /[<>…]|\.\.\.|\$|=|^-/.test(w)) return undefined;
    if (w.startsWith("./")) w = w.slice(2);
    if (w.startsWith("../")) return w.endsWith(".md") ? { target: w, bare: false } : undefined;
    if (w.includes("/")) {
        if (w.startsWith("/") || /^[a-z]+:/.test(w) || !topLevel.has(w.split("/")[0])) return undefined;
        const pathShaped = alone || KNOWN_EXTENSIONS.test(w) || w.endsWith("/") || /[*?{]/.test(w);
        return pathShaped ? { target: w, bare: false } : undefined;
    }
    if (!KNOWN_EXTENSIONS.test(w)) return undefined;
    return SOURCE_EXTENSIONS.test(w) || w.startsWith("Pulumi.") ? { target: w, bare: true } : undefined;
}

/**
 * The sentence of lines[i] that holds `text`: a paragraph's lines joined (a table row is a paragraph
 * of its own), cut at the ". " before and after the citation.
 */
export function sentenceAround(lines: string[], i: number, text: string): string {
    const row = (l: string) => /^\s*\|/.test(l);
    const blank = (l: string | undefined) => l === undefined || l.trim() === "" || /^\s*```/.test(l) || /^#/.test(l);
    let first = i;
    let last = i;
    if (!row(lines[i])) {
        while (!blank(lines[first - 1]) && !row(lines[first - 1])) first--;
        while (!blank(lines[last + 1]) && !row(lines[last + 1])) last++;
    }
    const before = lines.slice(first, i).join(" ");
    const paragraph = lines.slice(first, last + 1).join(" ");
    const at = (before === "" ? 0 : before.length + 1) + Math.max(0, lines[i].indexOf(text));
    const start = paragraph.lastIndexOf(". ", at);
    const end = paragraph.indexOf(". ", at);
    return paragraph.slice(start < 0 ? 0 : start + 2, end < 0 ? paragraph.length : end + 1);
}

/** The citations of one Markdown document. */
export function citationsOf(file: string, markdown: string): Citation[] {
    const out: Citation[] = [];
    const dir = path.posix.dirname(file);
    const lines = markdown.split("\n");
    let fence: string | undefined; // the fence's info string while inside a fenced block
    for (let i = 0; i < lines.length; i++) {
        const line = lines[i];
        const fenceMatch = /^\s*```(\S*)/.exec(line);
        if (fenceMatch) {
            fence = fence === undefined ? fenceMatch[1] || "text" : undefined;
            continue;
        }
        const add = (text: string, target: string, bare: boolean) =>
            out.push({ file, line: i + 1, text, target, sentence: sentenceAround(lines, i, text), bare });
        const fromWords = (code: string) => {
            const words = code.split(/[\s|]+/).filter((w) => w !== "");
            for (const word of words) {
                const p = repoPathOf(word, fence === undefined && words.length === 1);
                if (p) add(word, p.target, p.bare);
            }
        };
        if (fence !== undefined) {
            if (CHECKED_FENCES.has(fence)) fromWords(line);
            continue;
        }
        for (const m of line.matchAll(/`([^`]+)`/g)) fromWords(m[1]);
        const prose = line.replace(/`[^`]*`/g, "");
        for (const m of prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
            const link = m[1];
            if (/^[a-z]+:/i.test(link) || link.startsWith("#")) continue;
            const target = path.posix.normalize(path.posix.join(dir, link.replace(/#.*$/, "")));
            add(link, target, false);
        }
    }
    return out;
}

/** Why a citation is wrong, or undefined when it names what a checkout has. */
export function problemOf(c: Citation): string | undefined {
    if (c.target === ".." || c.target.startsWith("../")) return "points outside the repository: a checkout does not have it";
    // A brace list cites each of its files: every alternative must exist.
    const alternatives = expandBraces(c.target);
    const exists = (alt: string) => matches(alt).length > 0 || (c.bare && [...BASENAMES].some((b) => matches(alt, [b]).length > 0));
    const missing = alternatives.filter((alt) => !exists(alt));
    if (missing.length === 0) return undefined;
    if (c.bare) return `names no file of the repository${alternatives.length > 1 ? ` (${missing.join(", ")})` : ""}`;
    if (alternatives.length > 1 || /[*?]/.test(c.target)) return `matches no file or folder (${missing.join(", ")})`;
    const ignored = fs.existsSync(path.join(ROOT, c.target)) || isIgnored(c.target);
    if (ignored) {
        if (namesItsWriter(c.sentence)) return undefined;
        return 'is git-ignored, so a checkout does not have it: say which command writes it ("written by `npm run …`") or cite it no more';
    }
    return "does not exist";
}

/** The sentence names a command of package.json (in backticks) and says that it writes. */
export function namesItsWriter(sentence: string): boolean {
    if (!/\bwrit(e|es|ten)\b/.test(sentence)) return false;
    return [...sentence.matchAll(/`(npm test|npm run ([\w:-]+))`/g)].some((m) => m[1] === "npm test" || SCRIPTS.has(m[2]));
}

function isIgnored(target: string): boolean {
    try {
        git("check-ignore", "-q", "--no-index", target);
        return true;
    } catch {
        return false;
    }
}

const DOCUMENTS = [
    "README.md",
    ...fs
        .readdirSync(path.join(ROOT, "docs"))
        .filter((f) => f.endsWith(".md"))
        .map((f) => `docs/${f}`),
];

describe("the S-numbers README.md and docs/*.md cite (the article's practices, S1-S20)", () => {
    const checklist = fs.readFileSync(path.join(ROOT, "docs", "checklist.md"), "utf8");
    const defined = new Set([...checklist.matchAll(/^\| (S\d+) \|/gm)].map((m) => m[1]));
    const cited = (text: string) =>
        new Set(
            [...text.matchAll(/\bS(\d+)(?:[-–]S?(\d+))?\b/g)].flatMap((m) => {
                const [from, to] = [Number(m[1]), Number(m[2] ?? m[1])];
                return Array.from({ length: to - from + 1 }, (_, k) => `S${from + k}`);
            }),
        );

    it("docs/checklist.md defines S1 to S20, each once", () => {
        assert.deepStrictEqual(
            [...defined],
            Array.from({ length: 20 }, (_, k) => `S${k + 1}`),
        );
    });

    for (const doc of DOCUMENTS.filter((d) => d !== "docs/checklist.md")) {
        it(`${doc} cites only defined S-numbers, and links the checklist when it cites any`, () => {
            const text = fs.readFileSync(path.join(ROOT, doc), "utf8");
            const ids = [...cited(text)];
            assert.deepStrictEqual(
                ids.filter((id) => !defined.has(id)),
                [],
            );
            if (ids.length > 0)
                assert.match(
                    text,
                    /\]\((docs\/)?checklist\.md(#[^)]*)?\)/,
                    `${doc} cites ${ids.join(", ")} without a link to the checklist`,
                );
        });
    }
});

describe("the paths README.md and docs/*.md cite", () => {
    for (const doc of DOCUMENTS) {
        it(`${doc} cites only paths a checkout has`, () => {
            const citations = citationsOf(doc, fs.readFileSync(path.join(ROOT, doc), "utf8"));
            const problems = citations.flatMap((c) => {
                const why = problemOf(c);
                return why ? [`${c.file}:${c.line}: ${c.text} ${why}`] : [];
            });
            assert.deepStrictEqual(problems, []);
        });
    }

    it("finds the citations it is meant to find", () => {
        const doc = [
            "See [the release](release.md#slots), `components/index.ts` and `scripts/test.sh:12`.",
            "Outside: [notes](../../shared/NOTES.md); not a path: `/etc/hosts`, `.gin-deploy/state`, `npm test`.",
            "```sh",
            "bash local/registry.sh start",
            "```",
            "```mermaid",
            "a[config.ts] --> b",
            "```",
            "A bare name: `appOptions.ts`; a placeholder: `reports/delivery-<stack>.svg`.",
        ].join("\n");
        const targets = citationsOf("docs/x.md", doc).map((c) => c.target);
        assert.deepStrictEqual(targets, [
            "components/index.ts",
            "scripts/test.sh",
            "docs/release.md",
            "../shared/NOTES.md",
            "local/registry.sh",
            "appOptions.ts",
        ]);
    });

    it("refuses what a checkout lacks and expands globs and brace lists", () => {
        const at = (target: string, sentence = "", bare = false): Citation => ({
            file: "README.md",
            line: 1,
            text: target,
            target,
            sentence,
            bare,
        });
        assert.strictEqual(problemOf(at("package.json")), undefined);
        assert.strictEqual(problemOf(at("Pulumi.*.yaml", "", true)), undefined);
        assert.strictEqual(problemOf(at("test/unit/{docPaths,readmeFigures}.test.ts")), undefined);
        assert.match(problemOf(at("test/unit/{docPaths,noSuchThing}.test.ts")) ?? "", /matches no file/);
        assert.match(problemOf(at("components/noSuchFolder/*")) ?? "", /matches no file/);
        assert.match(problemOf(at("components/noSuchFile.ts")) ?? "", /does not exist/);
        assert.match(problemOf(at("stack.ts", "", true)) ?? "", /names no file of the repository/);
        assert.strictEqual(problemOf(at("appOptions.ts", "", true)), undefined);
        assert.match(problemOf(at("../shared/SEED-NOTES.md")) ?? "", /outside the repository/);
        assert.match(problemOf(at("reports/e2e.json", "figures in `reports/e2e.json`")) ?? "", /git-ignored/);
        assert.strictEqual(problemOf(at("reports/e2e.json", "`reports/e2e.json`, written by `npm run test:e2e`")), undefined);
        assert.match(problemOf(at("reports/e2e.json", "written by `npm run no-such-script`")) ?? "", /git-ignored/);
        assert.strictEqual(problemOf(at("reports/host.json", "`npm run test:host` writes `reports/host.json`")), undefined);
        assert.match(problemOf(at("reports/host.json", "`npm run test:host` proves it (`reports/host.json`)")) ?? "", /git-ignored/);
    });

    it("reads the sentence a citation stands in, across a paragraph's lines", () => {
        const lines = [
            "The suite writes figures. They go to `reports/e2e.json`,",
            "written by `npm run test:e2e`. Another sentence.",
            "",
            "| `reports/k8s.json` | a table row |",
        ];
        assert.strictEqual(sentenceAround(lines, 0, "`reports/e2e.json`"), "They go to `reports/e2e.json`, written by `npm run test:e2e`.");
        assert.strictEqual(sentenceAround(lines, 3, "`reports/k8s.json`"), "| `reports/k8s.json` | a table row |");
    });
});
