// A scratch consumer project outside the repository that installs the packed
// @gin-deploy/components tarball the way another team would (file:<tgz> plus the peer SDKs at this
// repository's pins), type-checks a small program against the package's declarations and runs it
// under Pulumi mocks from the scratch project's own @pulumi/pulumi.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const REPO = path.join(__dirname, "..", "..");
/** Shared by every run, so that a second run installs from the cache (--prefer-offline). */
export const NPM_CACHE = path.join(os.homedir(), ".cache", "gin-deploy", "npm");

const rootPackage = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
};

/** The version this repository pins for `name` (its own dependencies are what the package is tested with). */
export function pinned(name: string): string {
    const version = rootPackage.dependencies[name] ?? rootPackage.devDependencies[name];
    if (!version) {
        throw new Error(`package.json pins no ${name}`);
    }
    return version;
}

export interface Run {
    status: number | null;
    stdout: string;
    stderr: string;
    seconds: number;
}

/** The environment for the child processes: none of the parent `npm run`'s npm_* settings, Go on PATH. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
        if (!/^npm_/i.test(key)) {
            env[key] = value;
        }
    }
    const goBins = ["/usr/local/go/bin", path.join(os.homedir(), "go", "bin")].filter((dir) => fs.existsSync(dir));
    env.PATH = [...goBins, env.PATH ?? ""].join(path.delimiter);
    return { ...env, ...extra };
}

export function run(cmd: string, args: string[], cwd: string, extraEnv: Record<string, string> = {}): Run {
    const start = process.hrtime.bigint();
    const result = spawnSync(cmd, args, { cwd, env: childEnv(extraEnv), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (result.error) {
        throw result.error;
    }
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, seconds };
}

export function mustRun(cmd: string, args: string[], cwd: string, extraEnv: Record<string, string> = {}): Run {
    const result = run(cmd, args, cwd, extraEnv);
    if (result.status !== 0) {
        throw new Error(`${cmd} ${args.join(" ")} (in ${cwd}) exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
    }
    return result;
}

/** `npm run pack:components`: the tarball's absolute path (the script's last line). */
export function packComponents(): { tarball: string; seconds: number } {
    const result = mustRun("bash", [path.join(REPO, "scripts", "pack-components.sh"), "pack"], REPO);
    const tarball = result.stdout.trim().split("\n").pop() ?? "";
    if (!tarball.endsWith(".tgz") || !fs.existsSync(tarball)) {
        throw new Error(`pack-components printed no tarball: ${result.stdout}`);
    }
    return { tarball, seconds: result.seconds };
}

/**
 * How the program imports the components: "root" takes everything from "@gin-deploy/components"
 * (every peer SDK installed); "subpaths" takes them from ./build, ./systemd and ./container, in a
 * project that installs only @pulumi/pulumi and @pulumi/command.
 */
export type ImportStyle = "root" | "subpaths";

export const PEERS: Record<ImportStyle, string[]> = {
    root: ["@pulumi/pulumi", "@pulumi/command", "@pulumi/docker", "@pulumi/kubernetes", "@pulumi/aws"],
    subpaths: ["@pulumi/pulumi", "@pulumi/command"],
};

const IMPORTS: Record<ImportStyle, string> = {
    root: `import { ContainerService, GoBinary, GoBinaryArgs, SystemdService, SystemdServiceArgs } from "@gin-deploy/components";`,
    subpaths: [
        `import { GoBinary, GoBinaryArgs } from "@gin-deploy/components/build";`,
        `import { SystemdService, SystemdServiceArgs } from "@gin-deploy/components/systemd";`,
        `import { ContainerService } from "@gin-deploy/components/container";`,
    ].join("\n"),
};

export const IMAGE_REF = `registry.example.com/hello@sha256:${"ab".repeat(32)}`;

/** The consumer's Pulumi program: a binary run as a systemd service, and an image run as a container. */
function program(style: ImportStyle): string {
    return `// A consumer of the packed @gin-deploy/components (written by test/package/consumerProject.ts).
import * as pulumi from "@pulumi/pulumi";
${IMPORTS[style]}

const connection = { host: "203.0.113.20", user: "deploy", privateKey: pulumi.secret("not-a-real-key") };

const binaryArgs: GoBinaryArgs = {
    moduleDir: process.env.CONSUMER_MODULE_DIR ?? "missing CONSUMER_MODULE_DIR",
    goarch: "arm64",
    version: "v0.1.0",
    commit: "consumer",
    date: "2026-01-01T00:00:00Z",
    binaryName: "hello",
};
const binary = new GoBinary("hello", binaryArgs);

const serviceArgs: SystemdServiceArgs = {
    connection,
    binaryPath: binary.path,
    binarySha256: binary.sha256,
    version: binary.version,
    port: 9000,
    environment: { APP_ENV: "consumer" },
    secretEnvironment: { API_TOKEN: pulumi.secret("token-5e1") },
    serviceName: "hello",
};
const service = new SystemdService("hello", serviceArgs);

const container = new ContainerService("hello-c", {
    connection,
    imageRef: "${IMAGE_REF}",
    version: "v0.1.0",
    port: 9001,
    environment: {},
    // secretEnvironment is optional (default {}).
    serviceName: "hello-c",
});

export const unit: pulumi.Output<string> = service.unitName;
export const imageRef: pulumi.Output<string> = container.imageRef;
export const version: pulumi.Output<string> = binary.version;
`;
}

/** Compiled (and so type-checked) but never run: the declarations must carry real types, not any. */
function typeChecks(style: ImportStyle): string {
    return `// Type checks only (written by test/package/consumerProject.ts): each line below must be an error.
${IMPORTS[style]}

export function wrongArgs(): void {
    // @ts-expect-error moduleDir and goarch are required (the stamp is optional)
    new GoBinary("x", { binaryName: "x" });
    const args: Partial<SystemdServiceArgs> = {
        // @ts-expect-error port is a number
        port: "9000",
    };
    void args;
    // @ts-expect-error imageRef is required
    new ContainerService("x", { connection: { host: "h" }, version: "v", port: 1, environment: {}, secretEnvironment: {} });
    const partial: Partial<GoBinaryArgs> = { goarch: "arm64" };
    void partial;
    void SystemdService;
}
`;
}

/**
 * Runs a compiled program under mocks set on the project's own @pulumi/pulumi and prints, as JSON,
 * what it registered (with the paths of the file assets each resource uploads), its exports, and
 * which @pulumi packages were loaded.
 */
const RUNNER = `// Runs a compiled Pulumi program under mocks (written by test/package/consumerProject.ts).
"use strict";
const path = require("path");
const pulumi = require("@pulumi/pulumi");

const resources = [];
pulumi.runtime.setMocks(
    {
        newResource(args) {
            resources.push({ type: args.type, name: args.name, inputs: args.inputs });
            return { id: args.name + "-id", state: args.inputs };
        },
        call(args) {
            return args.inputs;
        },
    },
    "consumer",
    "test",
    false,
);

async function filePaths(value, found) {
    if (value instanceof pulumi.asset.FileAsset) {
        found.push(await value.path);
    } else if (Array.isArray(value)) {
        for (const v of value) await filePaths(v, found);
    } else if (value && typeof value === "object") {
        for (const v of Object.values(value)) await filePaths(v, found);
    }
    return found;
}

(async () => {
    const program = require(path.resolve(process.argv[2]));
    const exported = {};
    for (const [key, value] of Object.entries(program)) {
        exported[key] = await new Promise((resolve) => pulumi.output(value).apply((v) => (resolve(v), v)));
    }
    await pulumi.runtime.disconnect();
    const out = [];
    for (const r of resources) {
        out.push({ type: r.type, name: r.name, files: await filePaths(r.inputs, []) });
    }
    const loaded = new Set();
    for (const file of Object.keys(require.cache)) {
        const m = /node_modules[\\\\/](@pulumi[\\\\/][^\\\\/]+)[\\\\/]/.exec(file);
        if (m) loaded.add(m[1].replace("\\\\", "/"));
    }
    const components = path.dirname(require.resolve("@gin-deploy/components/package.json"));
    process.stdout.write(JSON.stringify({ resources: out, exported, loaded: [...loaded].sort(), components }));
})().catch((err) => {
    console.error(err);
    process.exit(1);
});
`;

const TSCONFIG_NODE10 = {
    // What Pulumi's TypeScript template uses: moduleResolution "node" reads "types" and "typesVersions".
    compilerOptions: {
        strict: true,
        target: "ES2022",
        module: "commonjs",
        moduleResolution: "node",
        types: ["node"],
        outDir: "out",
        noUnusedLocals: true,
        noImplicitReturns: true,
        forceConsistentCasingInFileNames: true,
        skipLibCheck: false,
    },
    files: ["index.ts", "typeChecks.ts"],
};

const TSCONFIG_NODE16 = {
    // moduleResolution node16 reads the "exports" map (its "types" conditions) instead.
    extends: "./tsconfig.json",
    compilerOptions: { module: "node16", moduleResolution: "node16", noEmit: true, skipLibCheck: true },
};

export interface ConsumerProject {
    dir: string;
    style: ImportStyle;
    installSeconds: number;
}

/** Creates the scratch project under os.tmpdir() and installs the tarball with the peers of `style`. */
export function createProject(style: ImportStyle, tarball: string): ConsumerProject {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `gd-package-${style}-`));
    const dependencies: Record<string, string> = { "@gin-deploy/components": `file:${tarball}` };
    for (const peer of PEERS[style]) {
        dependencies[peer] = pinned(peer);
    }
    const manifest = {
        name: `gin-deploy-consumer-${style}`,
        version: "0.0.0",
        private: true,
        dependencies,
        devDependencies: { typescript: pinned("typescript"), "@types/node": pinned("@types/node") },
    };
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(manifest, null, 2) + "\n");
    fs.writeFileSync(path.join(dir, "index.ts"), program(style));
    fs.writeFileSync(path.join(dir, "typeChecks.ts"), typeChecks(style));
    fs.writeFileSync(path.join(dir, "run-under-mocks.js"), RUNNER);
    fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(TSCONFIG_NODE10, null, 2) + "\n");
    fs.writeFileSync(path.join(dir, "tsconfig.node16.json"), JSON.stringify(TSCONFIG_NODE16, null, 2) + "\n");
    fs.mkdirSync(NPM_CACHE, { recursive: true });
    const install = mustRun(
        "npm",
        // --ignore-scripts: the peers' install scripts are not needed under mocks (README, "npm's install scripts").
        ["install", "--ignore-scripts", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", "--cache", NPM_CACHE],
        dir,
    );
    return { dir, style, installSeconds: install.seconds };
}

export interface MockedRun {
    resources: { type: string; name: string; files: string[] }[];
    exported: Record<string, unknown>;
    loaded: string[];
    components: string;
}

/**
 * Type-checks the program with the project's own tsc: tsconfig.json (moduleResolution node, the
 * declarations themselves checked too) emitting out/, and tsconfig.node16.json.
 */
export function typeCheck(project: ConsumerProject): number {
    const tsc = path.join(project.dir, "node_modules", ".bin", "tsc");
    return mustRun(tsc, ["-p", "tsconfig.json"], project.dir).seconds + mustRun(tsc, ["-p", "tsconfig.node16.json"], project.dir).seconds;
}

/** Type-checks copies of `files` (name in the project -> source) in the project, against what it installed. */
export function typeCheckCopies(project: ConsumerProject, files: Record<string, string>): number {
    const dir = path.join(project.dir, "copies");
    fs.mkdirSync(dir, { recursive: true });
    for (const [name, source] of Object.entries(files)) {
        fs.copyFileSync(source, path.join(dir, name));
    }
    const tsconfig = { extends: "../tsconfig.json", compilerOptions: { noEmit: true, skipLibCheck: true }, files: Object.keys(files) };
    fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2) + "\n");
    return mustRun(path.join(project.dir, "node_modules", ".bin", "tsc"), ["-p", path.join("copies", "tsconfig.json")], project.dir)
        .seconds;
}

/** Runs the compiled program (typeCheck first) under mocks with node, in the project. */
export function runUnderMocks(project: ConsumerProject, moduleDir: string): MockedRun {
    const result = mustRun(process.execPath, ["run-under-mocks.js", path.join("out", "index.js")], project.dir, {
        CONSUMER_MODULE_DIR: moduleDir,
    });
    return JSON.parse(result.stdout) as MockedRun;
}
