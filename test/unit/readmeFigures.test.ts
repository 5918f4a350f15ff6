// README.md's benchmark figures are the latest reports', rendered from the committed report files.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

import { readReport, RENDERERS, syncedReadme } from "../../scripts/figures";

const README = fs.readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");

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
});
