// @gin-deploy/components as another project gets it: `npm run pack:components`, then a scratch
// project outside the repository installs the tarball (file:<tgz>) with the peer SDKs at this
// repository's pins, type-checks a program against the package's declarations (moduleResolution
// node, which reads "types"/"typesVersions", and node16, which reads the "exports" map) and runs
// it under mocks from its own @pulumi/pulumi. Two such projects: one importing the package's root
// with every peer installed, one importing the subpaths with only @pulumi/pulumi and
// @pulumi/command installed. npm's cache is ~/.cache/gin-deploy/npm, so a second run is fast.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import {
    ConsumerProject,
    createProject,
    IMAGE_REF,
    ImportStyle,
    MockedRun,
    mustRun,
    packComponents,
    PEERS,
    pinned,
    REPO,
    runUnderMocks,
    typeCheck,
    typeCheckCopies,
} from "./consumerProject";

const MODULE_DIR = path.join(REPO, "test", "unit", "fixtures", "hello-module");
// Under dist/, as in components/: each mode's scripts in its own host/, lib.sh in shared/host/.
const HOST_SCRIPTS = [
    "container/host/install-container.sh",
    "container/host/uninstall-container.sh",
    "shared/host/lib.sh",
    "systemd/host/install-release.sh",
    "systemd/host/uninstall.sh",
];
const OPTIONAL_PEERS = ["@pulumi/aws", "@pulumi/docker", "@pulumi/kubernetes"];

const timings: string[] = [];
let tarball: string;

before(() => {
    const packed = packComponents();
    tarball = packed.tarball;
    timings.push(`pack ${packed.seconds.toFixed(1)} s`);
});

after(() => {
    console.log(`    test:package timings: ${timings.join(", ")}`);
});

for (const style of ["root", "subpaths"] as ImportStyle[]) {
    describe(`a consumer importing ${style === "root" ? '"@gin-deploy/components"' : "the subpaths ./build, ./systemd, ./container"}`, () => {
        let project: ConsumerProject;
        let mocked: MockedRun;
        let installed: string;

        before(() => {
            project = createProject(style, tarball);
            installed = path.join(project.dir, "node_modules", "@gin-deploy", "components");
            timings.push(`${style}: npm install ${project.installSeconds.toFixed(1)} s`);
        });

        after(() => {
            if (project && !process.env.GD_KEEP_SCRATCH) {
                fs.rmSync(project.dir, { recursive: true, force: true });
            }
        });

        it("is installed outside the repository, from the tarball, with only the peers it asked for", () => {
            assert.ok(path.relative(REPO, project.dir).startsWith(".."), `${project.dir} is inside the repository`);
            assert.ok(project.dir.startsWith(os.tmpdir()));
            assert.ok(!fs.lstatSync(installed).isSymbolicLink(), "the package is a link, not the tarball's contents");
            const manifest = JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8"));
            assert.strictEqual(manifest.name, "@gin-deploy/components");
            for (const peer of PEERS[style]) {
                const version = JSON.parse(fs.readFileSync(path.join(project.dir, "node_modules", peer, "package.json"), "utf8")).version;
                assert.strictEqual(version, pinned(peer), `${peer}`);
            }
            if (style === "subpaths") {
                for (const peer of OPTIONAL_PEERS) {
                    assert.ok(!fs.existsSync(path.join(project.dir, "node_modules", peer)), `${peer} was installed: it must be optional`);
                }
            }
            // No TypeScript sources and no tests in the package: JavaScript, declarations, host scripts.
            const files = mustRun("find", [".", "-type", "f"], installed).stdout.trim().split("\n");
            assert.deepStrictEqual(
                files.filter((f) => f.endsWith(".sh")).sort(),
                HOST_SCRIPTS.map((s) => `./dist/${s}`),
            );
            const unexpected = files.filter((f) => !/\.(js|d\.ts)$/.test(f) && !/^\.\/dist\/[a-z]+\/host\/[^/]+\.sh$/.test(f));
            assert.deepStrictEqual(unexpected.sort(), ["./README.md", "./package.json"]);
            assert.deepStrictEqual(
                files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")),
                [],
            );
        });

        it("type-checks against the package's declarations (moduleResolution node and node16)", () => {
            timings.push(`${style}: tsc ${typeCheck(project).toFixed(1)} s`);
        });

        it("registers GoBinary, SystemdService and ContainerService under mocks, run by node in the scratch project", () => {
            const start = Date.now();
            mocked = runUnderMocks(project, MODULE_DIR);
            timings.push(`${style}: run ${((Date.now() - start) / 1000).toFixed(1)} s`);
            const components = mocked.resources.filter((r) => r.type.startsWith("gindeploy:")).map((r) => `${r.type} ${r.name}`);
            assert.deepStrictEqual(components.sort(), [
                "gindeploy:build:GoBinary hello",
                "gindeploy:host:ContainerService hello-c",
                "gindeploy:host:SystemdService hello",
            ]);
            assert.ok(mocked.resources.filter((r) => r.type === "command:remote:CopyToRemote").length >= 6);
            assert.deepStrictEqual(mocked.exported, { unit: "hello.service", imageRef: IMAGE_REF, version: "v0.1.0" });
            assert.strictEqual(fs.realpathSync(mocked.components), fs.realpathSync(installed));
        });

        it("uploads the host scripts from inside the installed package", () => {
            const files = mocked.resources.flatMap((r) => r.files);
            const scripts = files.filter((f) => f.endsWith(".sh"));
            const dist = path.join(fs.realpathSync(installed), "dist");
            for (const script of scripts) {
                assert.ok(fs.realpathSync(script).startsWith(dist + path.sep), `${script} is not in ${dist}`);
                assert.ok(fs.statSync(script).size > 0, `${script} is empty`);
            }
            assert.deepStrictEqual([...new Set(scripts.map((s) => path.relative(dist, fs.realpathSync(s))))].sort(), HOST_SCRIPTS);
            // and the binary GoBinary built, in the consumer's own build cache
            const binary = files.filter((f) => !f.endsWith(".sh"));
            assert.strictEqual(binary.length, 1, `uploads: ${files.join(", ")}`);
            assert.ok(fs.realpathSync(binary[0]).startsWith(fs.realpathSync(path.join(project.dir, ".gin-deploy", "build"))));
        });

        if (style === "root") {
            it("type-checks the examples against the installed package (and against the sources, examples/tsconfig.json)", () => {
                const examples = path.join(REPO, "examples");
                const installedSeconds = typeCheckCopies(project, {
                    "reuse-components.ts": path.join(examples, "reuse-components", "index.ts"),
                    "stack-reference.ts": path.join(examples, "stack-reference", "index.ts"),
                });
                const sources = mustRun(path.join(REPO, "node_modules", ".bin", "tsc"), ["--noEmit", "-p", examples], REPO);
                timings.push(`examples: tsc ${(installedSeconds + sources.seconds).toFixed(1)} s`);
            });
        }

        it(
            style === "root" ? "loads every provider SDK (the root imports all components)" : "loads no provider SDK but @pulumi/command",
            () => {
                const expected = style === "root" ? [...PEERS.root].sort() : ["@pulumi/command", "@pulumi/pulumi"];
                assert.deepStrictEqual(mocked.loaded, expected);
            },
        );
    });
}
