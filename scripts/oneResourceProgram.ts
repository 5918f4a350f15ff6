// The floor a preview is measured against: a one-resource TypeScript Pulumi program
// (`@pulumi/command` local.Command) with only @pulumi/pulumi, @pulumi/command and typescript in its
// own node_modules, at the versions this checkout has installed. Installed from npm once per set of
// versions into the user's cache; later runs reuse it.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { repoRoot } from "./localHost";

/** The packages the program has, each at the version installed in this checkout. */
const PACKAGES = ["@pulumi/pulumi", "@pulumi/command", "typescript"];

function installedVersion(pkg: string): string {
    const file = path.join(repoRoot, "node_modules", pkg, "package.json");
    if (!fs.existsSync(file)) {
        throw new Error(`${pkg} is not installed in ${path.join(repoRoot, "node_modules")}; run npm ci first`);
    }
    return (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
}

export const PROGRAM_NAME = "bench-one-resource";

const INDEX_TS = `// One resource: the cheapest program that still loads a provider.
import * as command from "@pulumi/command";

export const stdout = new command.local.Command("one", { create: "echo one" }).stdout;
`;

export interface OneResourceProgram {
    dir: string;
    versions: Record<string, string>;
    /** True when this call ran npm install. */
    installed: boolean;
}

/**
 * The program's directory (Pulumi.yaml, index.ts, package.json, node_modules), installing it first
 * when the cache has none for these versions.
 */
export function oneResourceProgram(cacheRoot = defaultCacheRoot()): OneResourceProgram {
    const versions = Object.fromEntries(PACKAGES.map((p) => [p, installedVersion(p)]));
    const key = PACKAGES.map((p) => `${p.replace("@pulumi/", "")}-${versions[p]}`).join("_");
    const dir = path.join(cacheRoot, "bench-preview", `one-resource_${key}`);
    const done = path.join(dir, ".installed");
    if (fs.existsSync(done)) return { dir, versions, installed: false };

    fs.mkdirSync(dir, { recursive: true });
    const pkg = { name: PROGRAM_NAME, version: "0.0.0", private: true, main: "index.ts", dependencies: versions };
    fs.writeFileSync(path.join(dir, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
    fs.writeFileSync(
        path.join(dir, "Pulumi.yaml"),
        `name: ${PROGRAM_NAME}\nruntime: nodejs\ndescription: The floor a no-op preview is measured against.\n`,
    );
    fs.writeFileSync(path.join(dir, "index.ts"), INDEX_TS);
    console.log(`installing the one-resource program's packages (${key}) from npm into ${dir} ...`);
    // --ignore-scripts: @pulumi/command's install script would try to download the provider.
    const res = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock"], {
        cwd: dir,
        stdio: ["ignore", "inherit", "inherit"],
    });
    if (res.status !== 0) {
        throw new Error(`npm install for the one-resource program failed (exit ${res.status ?? res.signal}) in ${dir}`);
    }
    fs.writeFileSync(done, `${new Date().toISOString()}\n`);
    return { dir, versions, installed: true };
}

export function defaultCacheRoot(): string {
    return process.env.GIN_DEPLOY_CACHE_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "gin-deploy");
}
