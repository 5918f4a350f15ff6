// `npm run config:sync`: writes Pulumi.yaml's config block and README.md's key table from the key
// table (config/keys.ts). `--check` only says whether they are in sync (exit 1 when not).
import * as fs from "fs";
import * as path from "path";

import { syncedProjectFile, syncedReadme } from "../config/schema";

const root = path.join(__dirname, "..");
const files = [
    { file: path.join(root, "Pulumi.yaml"), sync: syncedProjectFile },
    { file: path.join(root, "README.md"), sync: syncedReadme },
];
const check = process.argv.includes("--check");
let stale = 0;
for (const { file, sync } of files) {
    const current = fs.readFileSync(file, "utf8");
    const wanted = sync(current);
    if (wanted === current) continue;
    stale++;
    if (check) {
        console.error(`${path.relative(root, file)} is not what config/keys.ts renders: run npm run config:sync`);
    } else {
        fs.writeFileSync(file, wanted);
        console.log(`wrote ${path.relative(root, file)}`);
    }
}
process.exit(check && stale > 0 ? 1 : 0);
