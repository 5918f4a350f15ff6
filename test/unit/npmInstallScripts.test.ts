// No dependency's install script is needed here (README, "npm's install scripts"), and `npm test`
// and CI install as root: every install that `npm test` and the workflows run passes
// --ignore-scripts, and every workflow installs through one of them.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");
const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), "utf8");
const WORKFLOWS = fs
    .readdirSync(path.join(ROOT, ".github", "workflows"))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => `.github/workflows/${f}`);
const ACTIONS = fs
    .readdirSync(path.join(ROOT, ".github", "actions"))
    .map((d) => `.github/actions/${d}/action.yml`)
    .filter((f) => fs.existsSync(path.join(ROOT, f)));

/** The lines of `text` that run `npm ci` or `npm install` (comments and echoed text left out). */
function npmInstalls(text: string): string[] {
    return text
        .split("\n")
        .map((l) => l.replace(/^\s*(-\s*)?(run:\s*)?/, ""))
        .filter((l) => !l.startsWith("#") && !/^(echo|name:)/.test(l))
        .filter((l) => /(^|[\s;&|(])npm\s+(ci|install|i)(\s|$)/.test(l));
}

describe("npm installs skip dependencies' install scripts", () => {
    it("scripts/test.sh (npm test, as root in CI) installs with npm ci --ignore-scripts", () => {
        const installs = npmInstalls(read("scripts/test.sh"));
        assert.ok(installs.length > 0, "scripts/test.sh no longer installs: point this test at what does");
        for (const line of installs) assert.match(line, /--ignore-scripts\b/, `scripts/test.sh: ${line}`);
    });

    it("every workflow and composite action that installs passes --ignore-scripts", () => {
        for (const file of [...WORKFLOWS, ...ACTIONS]) {
            for (const line of npmInstalls(read(file))) assert.match(line, /--ignore-scripts\b/, `${file}: ${line}`);
        }
        assert.ok(
            ACTIONS.some((f) => npmInstalls(read(f)).length > 0),
            "no composite action installs the packages: the workflows' npm ci moved, point this test at it",
        );
    });

    it("every workflow gets its packages from one of those installs (its own, a composite action's, or npm test's)", () => {
        const actionNames = ACTIONS.map((f) => `./${path.posix.dirname(f)}`);
        for (const file of WORKFLOWS) {
            const text = read(file);
            const installs =
                npmInstalls(text).length > 0 || actionNames.some((a) => text.includes(`uses: ${a}`)) || /\bnpm test\b/.test(text);
            assert.ok(installs, `${file} installs its npm packages some other way`);
        }
    });
});
