// `npm test` (scripts/test.sh) runs every suite package.json defines: a `test:*` script left out
// of its list is a suite nobody runs (test:cluster was, until issue 23).
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");
const scripts = Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts as object);
const testSh = fs.readFileSync(path.join(ROOT, "scripts", "test.sh"), "utf8");

/** The words of test.sh's `suites=(...)` line. */
function suitesOfTestSh(): string[] {
    const m = /^suites=\(([^)]*)\)$/m.exec(testSh);
    assert.ok(m, "scripts/test.sh has no suites=(...) line");
    return m[1].split(/\s+/).filter((w) => w !== "");
}

describe("npm test's list of suites", () => {
    it("holds every test:* script of package.json", () => {
        const listed = new Set(suitesOfTestSh());
        const missing = scripts.filter((s) => s.startsWith("test:") && !listed.has(s));
        assert.deepStrictEqual(missing, [], "test:* scripts that npm test does not run");
    });

    it("names only scripts package.json has", () => {
        assert.deepStrictEqual(
            suitesOfTestSh().filter((s) => !scripts.includes(s)),
            [],
        );
    });

    it("proves the cluster on its own before the product runs on it", () => {
        const suites = suitesOfTestSh();
        assert.ok(suites.indexOf("test:cluster") < suites.indexOf("test:k8s"));
    });
});
