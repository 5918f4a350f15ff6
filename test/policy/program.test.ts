// The whole pack against the dev, prod and local programs (deployStack(loadConfig()) with the
// committed stack files plus the per-user values), under the unit suite's mocks: every resource
// the program registers goes through every rule, and none may violate one. Then the same runs
// with one setting made bad, to show the pack sees the program's real resources.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";

import { recordForPolicy } from "./programResources";
import { useStack } from "../support/pulumiMocks";
import { loadConfig } from "../../config";
import { deployStack } from "../../stack";
import { policies } from "../../policy/policies";
import { ResourceUnderTest, runResourcePolicies, Violation } from "./harness";

const ROOT = path.join(__dirname, "..", "..");
const HELLO = path.join(ROOT, "test", "unit", "fixtures", "hello-module");
const SECRET_KEYS = ["gin-deploy:dbPassword", "gin-deploy:sshPrivateKey"];
const PASSWORD = "policy-db-password-41c2";
const PRIVATE_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\npolicy-test-private-key\n-----END OPENSSH PRIVATE KEY-----\n";
const PER_USER_AWS = {
    "gin-deploy:sshCidrs": JSON.stringify(["198.51.100.7/32"]),
    "gin-deploy:sshPublicKey": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl deploy",
    "gin-deploy:sshPrivateKey": PRIVATE_KEY,
    "gin-deploy:dbHost": "db.internal.example",
    "gin-deploy:dbPassword": PASSWORD,
};
// What deploy:local adds to the committed local stack: its host's key, the deploy key, a password.
const PER_USER_LOCAL = {
    "gin-deploy:sshHostKey": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKvDsv1BMTbrpWx08odqoZi6lVOwDXhofoPPlHtnfxHC",
    "gin-deploy:sshPrivateKey": PRIVATE_KEY,
    "gin-deploy:dbPassword": PASSWORD,
};

function stackFile(stack: string): Record<string, string> {
    const doc = yaml.load(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
    return Object.fromEntries(Object.entries(doc.config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

let cacheDir: string;

/** Runs the program for `stack` under mocks and returns what it registered, as the rules see it. */
async function program(stack: string, config: Record<string, string>): Promise<ResourceUnderTest[]> {
    const seen = recordForPolicy(stack, config, SECRET_KEYS);
    const outputs = deployStack(loadConfig(ROOT), { appDir: HELLO, buildCacheDir: cacheDir });
    await Promise.all(
        Object.values(outputs)
            .filter(pulumi.Output.isInstance)
            .map(
                (o) =>
                    new Promise((resolve) =>
                        (o as pulumi.Output<unknown>).apply((v) => {
                            resolve(v);
                            return v;
                        }),
                    ),
            ),
    );
    await pulumi.runtime.disconnect();
    return [...seen];
}

async function violations(resources: ResourceUnderTest[]): Promise<Violation[]> {
    const all: Violation[] = [];
    for (const r of resources) {
        all.push(...(await runResourcePolicies(policies, r)).violations);
    }
    return all;
}

/** Which policies decided something (did not call notApplicable) on at least one resource. */
async function policiesThatApplied(resources: ResourceUnderTest[]): Promise<string[]> {
    const applied = new Set<string>();
    for (const r of resources) {
        const result = await runResourcePolicies(policies, r);
        for (const p of policies) {
            if (!result.notApplicable.has(p.name)) applied.add(p.name);
        }
    }
    return [...applied].sort();
}

describe("the pack against the whole program under mocks", function () {
    before(() => {
        cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "gd-policy-program-"));
    });
    after(() => {
        fs.rmSync(cacheDir, { recursive: true, force: true });
        useStack("dev");
    });

    const cases: [string, string, () => Record<string, string>, string[]][] = [
        [
            "dev (aws, systemd)",
            "dev",
            () => ({ ...stackFile("dev"), ...PER_USER_AWS }),
            [
                "instance-encrypted-root-volume",
                "instance-requires-imdsv2",
                "security-group-no-public-ssh",
                "security-group-opens-app-port",
                "systemd-unit-restarts-and-not-root",
            ],
        ],
        [
            "prod (aws, container)",
            "prod",
            () => ({ ...stackFile("prod"), ...PER_USER_AWS }),
            [
                "instance-encrypted-root-volume",
                "instance-requires-imdsv2",
                "prod-database-tls",
                "prod-images-by-digest",
                "security-group-no-public-ssh",
                "security-group-opens-app-port",
                "systemd-unit-restarts-and-not-root",
                "container-not-host-network",
            ],
        ],
        [
            "local (ssh, systemd)",
            "local",
            () => ({ ...stackFile("local"), ...PER_USER_LOCAL }),
            ["security-group-no-public-ssh", "systemd-unit-restarts-and-not-root"],
        ],
    ];
    for (const [title, stack, config, expectApplied] of cases) {
        it(`${title}: 0 violations, with the rules that concern it applied`, async () => {
            const resources = await program(stack, config());
            assert.ok(resources.length > 5, `only ${resources.length} resources recorded`);
            assert.deepStrictEqual(await violations(resources), []);
            const applied = await policiesThatApplied(resources);
            for (const p of expectApplied) {
                assert.ok(applied.includes(p), `${p} never applied to the ${stack} program; applied: ${applied.join(", ")}`);
            }
            // The release's units really were among them (SystemdService's or ContainerService's).
            assert.ok(resources.some((r) => r.type === "command:remote:CopyToRemote" && String(r.props.remotePath).endsWith(".service")));
        });
    }

    it("the prod program in systemd mode with sslmode disable forced past config.ts: the pack refuses it", async () => {
        // config.ts refuses dbSslMode disable in prod, so feed the pack the recorded resources with
        // the env file changed the way a program without that check would have written it.
        const resources = await program("prod", {
            ...stackFile("prod"),
            ...PER_USER_AWS,
            "gin-deploy:mode": "systemd",
            "gin-deploy:instanceType": "t3.small",
        });
        const release = resources.find((r) => r.name === "gin-app-release");
        assert.ok(
            release && typeof release.props.stdin === "string" && /DB_SSLMODE="?require/.test(release.props.stdin),
            "no env file with DB_SSLMODE on the release",
        );
        release.props.stdin = release.props.stdin.replace(/DB_SSLMODE="?require"?/, 'DB_SSLMODE="disable"');
        const found = await violations(resources);
        assert.deepStrictEqual(
            found.map((v) => [v.policy, v.level, v.resource]),
            [["prod-database-tls", "mandatory", "gin-app-release"]],
        );
        assert.ok(!found[0].message.includes(PASSWORD));
    });

    it("the prod program with the container unit's --cap-drop ALL taken out: the pack refuses it", async () => {
        const resources = await program("prod", { ...stackFile("prod"), ...PER_USER_AWS });
        const unit = resources.find((r) => String(r.props.remotePath).endsWith("-container@.service"));
        assert.ok(unit, "no container unit upload in the prod program");
        const text = String(await unit.props.source.text);
        assert.match(text, /--cap-drop ALL/);
        unit.props.source = new pulumi.asset.StringAsset(text.replace("--cap-drop ALL", ""));
        const found = await violations(resources);
        assert.deepStrictEqual(
            found.map((v) => [v.policy, v.level, v.resource]),
            [["systemd-unit-restarts-and-not-root", "mandatory", unit.name]],
        );
        assert.match(found[0].message, /does not drop the container's capabilities/);
    });

    it("the prod program with the container unit moved to the host's network: the pack refuses it", async () => {
        const resources = await program("prod", { ...stackFile("prod"), ...PER_USER_AWS });
        const unit = resources.find((r) => String(r.props.remotePath).endsWith("-container@.service"));
        assert.ok(unit, "no container unit upload in the prod program");
        const text = String(await unit.props.source.text);
        assert.match(text, /--network \$\{NETWORK\}/);
        unit.props.source = new pulumi.asset.StringAsset(text.replace("--network ${NETWORK}", "--network=host"));
        const found = await violations(resources);
        assert.deepStrictEqual(
            found.map((v) => [v.policy, v.level, v.resource]),
            [["container-not-host-network", "mandatory", unit.name]],
        );
        assert.match(found[0].message, /runs its container on the host's network \(--network host\).*Fix: give it its own network/);
    });

    it("the dev program with SSH open to the world (a dev stack may): the pack flags it, advisory", async () => {
        const resources = await program("dev", {
            ...stackFile("dev"),
            ...PER_USER_AWS,
            "gin-deploy:sshCidrs": JSON.stringify(["0.0.0.0/0"]),
        });
        const found = await violations(resources);
        assert.deepStrictEqual(
            found.map((v) => [v.policy, v.level, v.resource]),
            [["security-group-no-public-ssh", "advisory", "gin-app-sg"]],
        );
    });
});
