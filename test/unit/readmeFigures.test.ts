// README.md's benchmark figures are the committed reports', rendered from the committed report
// files; a benchmark run writes beside them (reports/latest/, git-ignored), so it breaks no test.
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { latestOf, publishLatest, readReport, RENDERERS, syncedReadme } from "../../scripts/figures";

const ROOT = path.join(__dirname, "..", "..");
const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

describe("README's benchmark figures", () => {
    for (const file of Object.keys(RENDERERS)) {
        it(`quotes ${file} and nothing else`, () => {
            assert.ok(README.includes(`<!-- figures from ${file} `), `README.md has no block of figures from ${file}`);
        });
    }

    it("are what the committed reports render (npm run figures:sync)", () => {
        assert.strictEqual(syncedReadme(README, readReport), README);
    });

    it("would change with the report: a different ratio is a different README", () => {
        const changed = syncedReadme(README, (file) => ({ ...(readReport(file) as object), ratio: 9.99 }));
        assert.notStrictEqual(changed, README);
        assert.match(changed, /\*\*9\.99\*\*/);
    });

    describe("a benchmark run", () => {
        it("writes its report to the git-ignored reports/latest/, never over a committed report", () => {
            const benchApp = fs.readFileSync(path.join(ROOT, "app", "bench", "run.sh"), "utf8");
            assert.match(benchApp, /^report="\$repo_root\/reports\/latest\/bench-app\.json"$/m);
            const benchPreview = fs.readFileSync(path.join(ROOT, "scripts", "benchPreview.ts"), "utf8");
            assert.match(benchPreview, /^const REPORT = path\.join\(repoRoot, "reports", "latest", "bench-preview\.json"\);$/m);
            for (const file of Object.keys(RENDERERS)) {
                // exits 0 when git ignores the path, 1 when a commit would carry it
                execFileSync("git", ["check-ignore", "-q", "--no-index", latestOf(file)], { cwd: ROOT });
            }
        });

        it("is published by figures:sync --from-latest: the report copied over the committed one, the README rendered from it", () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gd-unit-figures-"));
            try {
                fs.mkdirSync(path.join(dir, "reports", "latest"), { recursive: true });
                for (const file of Object.keys(RENDERERS)) fs.copyFileSync(path.join(ROOT, file), path.join(dir, file));
                assert.deepStrictEqual(publishLatest(dir), [], "nothing to publish without a run");

                const run = { ...(readReport("reports/bench-app.json") as object), ratio: 9.99 };
                fs.writeFileSync(path.join(dir, latestOf("reports/bench-app.json")), JSON.stringify(run));
                assert.deepStrictEqual(publishLatest(dir), ["reports/bench-app.json"]);
                const published = (file: string) => JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
                assert.strictEqual(published("reports/bench-app.json").ratio, 9.99);
                assert.match(syncedReadme(README, published), /\*\*9\.99\*\*/);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });

        it("cut short is not published", () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gd-unit-figures-"));
            try {
                fs.mkdirSync(path.join(dir, "reports", "latest"), { recursive: true });
                fs.copyFileSync(path.join(ROOT, "reports", "bench-app.json"), path.join(dir, "reports", "bench-app.json"));
                fs.writeFileSync(path.join(dir, latestOf("reports/bench-app.json")), '{"ratio": 0.9');
                assert.throws(() => publishLatest(dir), SyntaxError);
                assert.strictEqual(
                    fs.readFileSync(path.join(dir, "reports", "bench-app.json"), "utf8"),
                    fs.readFileSync(path.join(ROOT, "reports", "bench-app.json"), "utf8"),
                );
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    });
});
