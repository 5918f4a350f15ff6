// The examples, each run under mocks as that stack's own program (its own project and config):
// examples/reuse-components, another team's stack built from the package @gin-deploy/components
// (resolved here to the sources, through the package's exports map), and examples/stack-reference,
// a stack reading a gin-deploy stack's outputs. Their type check is in test/package.
import { recorded, useStack, valueOf } from "../support/pulumiMocks";

import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import Module = require("module");

import { readElfFacts } from "../../components/build/elfHeader";

const EXAMPLE = path.join(__dirname, "..", "..", "examples", "reuse-components", "index.ts");
const STACK_REFERENCE_EXAMPLE = path.join(__dirname, "..", "..", "examples", "stack-reference", "index.ts");
const COMPONENTS = path.join(__dirname, "..", "..", "components");
const PACKAGE = "@gin-deploy/components";

/**
 * The source file an import of the package names, through components/package.json's "exports"
 * (./dist/X.js is built from X.ts); a subpath the map does not export is refused as Node would.
 */
function componentSource(request: string): string | undefined {
    if (request !== PACKAGE && !request.startsWith(`${PACKAGE}/`)) {
        return undefined;
    }
    const exportsMap: Record<string, string | { default: string }> = JSON.parse(
        fs.readFileSync(path.join(COMPONENTS, "package.json"), "utf8"),
    ).exports;
    const subpath = `.${request.slice(PACKAGE.length)}`;
    const target = exportsMap[subpath];
    if (target === undefined) {
        throw Object.assign(new Error(`${PACKAGE} does not export ${subpath}`), { code: "ERR_PACKAGE_PATH_NOT_EXPORTED" });
    }
    const built = typeof target === "string" ? target : target.default;
    return path.join(COMPONENTS, built.replace(/^\.\/dist\//, "").replace(/\.js$/, ".ts"));
}

type Resolve = (request: string, ...rest: unknown[]) => string;
const moduleInternals = Module as unknown as { _resolveFilename: Resolve };

/** Lets require("@gin-deploy/components...") reach the sources while `body` runs. */
function withPackageResolved<T>(body: () => T): T {
    const original = moduleInternals._resolveFilename;
    moduleInternals._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
        return original.call(this, componentSource(request) ?? request, ...rest);
    };
    try {
        return body();
    } finally {
        moduleInternals._resolveFilename = original;
    }
}

describe("the examples' import of @gin-deploy/components", () => {
    it("names only subpaths that the package exports, each built from an existing source", () => {
        for (const example of [EXAMPLE]) {
            const imports = [...fs.readFileSync(example, "utf8").matchAll(/from "(@gin-deploy\/components[^"]*)"/g)].map((m) => m[1]);
            assert.ok(imports.length > 0, `${example} imports nothing from ${PACKAGE}`);
            for (const request of imports) {
                const source = componentSource(request);
                assert.ok(source && fs.existsSync(source), `${request}: ${source} does not exist`);
            }
        }
    });
});
const PRIVATE_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nexample-key-4d2b\n-----END OPENSSH PRIVATE KEY-----\n";

describe("examples/reuse-components (another stack importing the components)", () => {
    let workDir: string;
    let previousDir: string;
    let exports: { url: pulumi.Output<string>; arch: pulumi.Output<string>; unit: pulumi.Output<string> };

    before(async () => {
        // The example keeps its build cache under its working directory, as `pulumi up` there would.
        previousDir = process.cwd();
        workDir = fs.mkdtempSync(path.join(os.tmpdir(), "gd-unit-example-"));
        process.chdir(workDir);
        useStack(
            "demo",
            {
                "reports-service:moduleDir": path.join(__dirname, "fixtures", "hello-module"),
                "reports-service:instanceType": "c7g.large",
                "reports-service:sshCidr": "198.51.100.7/32",
                "reports-service:sshPublicKey": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl",
                "reports-service:sshPrivateKey": PRIVATE_KEY,
            },
            ["reports-service:sshPrivateKey"],
            "reports-service",
        );
        delete require.cache[require.resolve(EXAMPLE)];
        exports = withPackageResolved(() => require(EXAMPLE));
        await valueOf(exports.unit);
        await pulumi.runtime.disconnect();
    });

    after(() => {
        process.chdir(previousDir);
        fs.rmSync(workDir, { recursive: true, force: true });
        useStack("dev");
    });

    it("composes AppHost, GoBinary and SystemdService under its own names", () => {
        const components = recorded.resources.filter((r) => r.type.startsWith("gindeploy:")).map((r) => `${r.type} ${r.name}`);
        assert.deepStrictEqual(components.sort(), [
            "gindeploy:aws:AppHost reports",
            "gindeploy:aws:SshHostKey reports-host-key",
            "gindeploy:build:GoBinary reports",
            "gindeploy:host:SystemdService reports",
        ]);
    });

    it("builds its module for the Graviton host's arm64", async () => {
        assert.strictEqual(await valueOf(exports.arch), "arm64");
        const upload = recorded.resources.find((r) => r.name === "reports-binary");
        assert.ok(upload, "no binary upload");
        assert.strictEqual(readElfFacts(fs.readFileSync(upload.inputs.source.path)).architecture, "arm64");
        assert.ok(upload.inputs.source.path.startsWith(path.join(workDir, ".gin-deploy", "build")));
    });

    it("exports its URL and unit", async () => {
        assert.strictEqual(await valueOf(exports.url), "http://ec2-203-0-113-10.eu-central-1.compute.amazonaws.com:9000");
        assert.strictEqual(await valueOf(exports.unit), "reports.service");
    });

    it("keeps its private key secret", () => {
        const leaks = recorded.resources.filter(
            (r) => JSON.stringify(r.inputs).includes("example-key-4d2b") && !r.secretPaths.some((p) => p.startsWith("connection")),
        );
        assert.deepStrictEqual(
            leaks.map((r) => r.name),
            [],
        );
    });
});

describe("examples/stack-reference (a stack reading a gin-deploy stack's outputs)", () => {
    const references: { name: string; inputs: Record<string, unknown> }[] = [];

    /** Runs the example against a gin-deploy stack that exports `outputs` (mocks of its own: the unit mocks know no stacks). */
    async function runExample(config: Record<string, string>, outputs: Record<string, unknown>): Promise<Record<string, string>> {
        references.length = 0;
        pulumi.runtime.setMocks(
            {
                newResource(args) {
                    if (args.type === "pulumi:pulumi:StackReference") {
                        references.push({ name: args.name, inputs: args.inputs });
                        return { id: String(args.inputs.name), state: { ...args.inputs, outputs, secretOutputNames: [] } };
                    }
                    return { id: `${args.name}-id`, state: args.inputs };
                },
                call: (args) => args.inputs,
            },
            "gin-status",
            "dev",
            false,
        );
        pulumi.runtime.setAllConfig(config, []);
        delete require.cache[require.resolve(STACK_REFERENCE_EXAMPLE)];
        const exported: Record<string, pulumi.Output<string>> = require(STACK_REFERENCE_EXAMPLE);
        const values: Record<string, string> = {};
        for (const [key, value] of Object.entries(exported)) {
            // Output's own promise, which rejects when an apply throws (valueOf would wait forever).
            values[key] = await (value as unknown as { promise(): Promise<string> }).promise();
        }
        return values;
    }

    after(() => useStack("dev"));

    it("reads url and version from the configured stack and derives the probe URLs and the host name", async () => {
        const values = await runExample(
            { "gin-status:ginDeployStack": "acme/gin-deploy/prod" },
            { url: "http://ec2-203-0-113-10.eu-central-1.compute.amazonaws.com:8080/", version: "v1.4.2", mode: "container" },
        );
        assert.deepStrictEqual(
            references.map((r) => [r.name, r.inputs.name]),
            [["gin-deploy", "acme/gin-deploy/prod"]],
        );
        assert.deepStrictEqual(values, {
            serviceUrl: "http://ec2-203-0-113-10.eu-central-1.compute.amazonaws.com:8080",
            serviceVersion: "v1.4.2",
            healthCheckUrl: "http://ec2-203-0-113-10.eu-central-1.compute.amazonaws.com:8080/healthz",
            versionUrl: "http://ec2-203-0-113-10.eu-central-1.compute.amazonaws.com:8080/version",
            serviceHost: "ec2-203-0-113-10.eu-central-1.compute.amazonaws.com",
        });
    });

    it("defaults to organization/gin-deploy/dev, the file backend's name for this project's dev stack", async () => {
        await runExample({}, { url: "http://127.0.0.1:18080", version: "b91f208" });
        assert.deepStrictEqual(
            references.map((r) => r.inputs.name),
            ["organization/gin-deploy/dev"],
        );
    });

    it("fails when the stack serves another release than gin-status:expectedVersion", async () => {
        await assert.rejects(
            runExample({ "gin-status:expectedVersion": "v2.0.0" }, { url: "http://127.0.0.1:18080", version: "v1.9.0" }),
            /serves v1\.9\.0, not the expected v2\.0\.0/,
        );
    });
});
