// examples/reuse-components: another team's stack built from the public components, run under
// mocks as that stack's own program (its own project and config).
import { recorded, useStack, valueOf } from "./pulumiMocks";

import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

import { readElfFacts } from "../../components/build/elfHeader";

const EXAMPLE = path.join(__dirname, "..", "..", "examples", "reuse-components", "index.ts");
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
        exports = require(EXAMPLE);
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
