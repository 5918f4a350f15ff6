// The config module: defaults per environment, and every refusal with key, value and fix.
import { useStack } from "../support/pulumiMocks";

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";

import { CONFIG_KEYS, environmentOfStack, loadConfig, parseConfig, RawConfig, SECRET_KEYS, StackConfig } from "../../config";
import { renderReadmeTable, renderSchemaBlock, syncedProjectFile, syncedReadme } from "../../config/schema";
import { awsRaw, GIT, HOST_KEY, PRIVATE_KEY, refusals, sshRaw } from "../support/configFixtures";

const ROOT = path.join(__dirname, "..", "..");
function assertRefused(raw: RawConfig, stack: string, pattern: RegExp): void {
    const messages = refusals(raw, stack);
    assert.ok(
        messages.some((m) => pattern.test(m)),
        `no problem matches ${pattern}:\n${messages.join("\n")}`,
    );
}

describe("config: defaults", () => {
    it("gives dev the article's dev database settings: sslmode disable, pool 5", () => {
        const cfg = parseConfig(awsRaw(), "dev");
        assert.strictEqual(cfg.environment, "dev");
        assert.strictEqual(cfg.db!.sslMode, "disable");
        assert.strictEqual(cfg.db!.poolSize, 5);
        assert.strictEqual(cfg.appEnv, "dev");
    });

    it("gives prod sslmode require and pool 20", () => {
        const cfg = parseConfig(awsRaw(), "prod");
        assert.strictEqual(cfg.environment, "prod");
        assert.strictEqual(cfg.db!.sslMode, "require");
        assert.strictEqual(cfg.db!.poolSize, 20);
        assert.strictEqual(cfg.appEnv, "prod");
    });

    it("counts the stacks prod, production and prod-* as prod, and any other as dev", () => {
        assert.deepStrictEqual(["prod", "production", "prod-eu", "dev", "local", "producer", "staging"].map(environmentOfStack), [
            "prod",
            "prod",
            "prod",
            "dev",
            "dev",
            "dev",
            "dev",
        ]);
    });

    it("lets gin-deploy:environment make any stack prod", () => {
        assert.strictEqual(parseConfig(awsRaw({ environment: "prod" }), "eu-main").environment, "prod");
    });

    it("takes the architecture from the instance type: a Graviton type gets arm64", () => {
        const cfg = parseConfig(awsRaw({ instanceType: "t4g.small" }), "dev");
        assert.strictEqual(cfg.target.arch, "arm64");
        assert.strictEqual(parseConfig(awsRaw({ instanceType: "t3.small" }), "dev").target.arch, "amd64");
    });

    it("names the release with git describe, the commit and the commit date", () => {
        assert.deepStrictEqual(parseConfig(awsRaw(), "dev").release, {
            version: "v1.4.0-3-gabc1234",
            commit: "abc1234def5678",
            date: "2026-11-20T10:00:00+01:00",
        });
    });

    it("lets gin-deploy:release override the version but keeps git's commit and date", () => {
        assert.deepStrictEqual(parseConfig(awsRaw({ release: "v2.0.0" }), "dev").release, {
            version: "v2.0.0",
            commit: "abc1234def5678",
            date: "2026-11-20T10:00:00+01:00",
        });
    });

    it("fills the ssh target's user and public URL", () => {
        const cfg = parseConfig(sshRaw(), "local");
        assert.strictEqual(cfg.target.kind, "ssh");
        assert.strictEqual(cfg.target.user, "root");
        assert.strictEqual(cfg.target.kind === "ssh" && cfg.target.publicUrl, "http://127.0.0.1:8080");
        assert.strictEqual(cfg.target.arch, "amd64");
    });

    it("uses the Debian images' admin user on aws", () => {
        const target = parseConfig(awsRaw(), "dev").target;
        assert.strictEqual(target.kind === "aws" && target.user, "admin");
    });

    it("keeps the password and the SSH key as Pulumi secrets", async () => {
        const cfg = parseConfig(awsRaw(), "dev");
        assert.strictEqual(await pulumi.isSecret(cfg.db!.password), true);
        assert.strictEqual(cfg.target.kind === "aws" && (await pulumi.isSecret(cfg.target.privateKey)), true);
    });

    it("returns a frozen object", () => {
        const cfg = parseConfig(awsRaw(), "dev") as StackConfig;
        assert.ok(Object.isFrozen(cfg) && Object.isFrozen(cfg.db) && Object.isFrozen(cfg.target));
        assert.throws(() => {
            (cfg as { appPort: number }).appPort = 1;
        }, TypeError);
    });
});

describe("config: refusals name the key, the value and the fix", () => {
    it("refuses a port outside 1-65535", () => {
        assertRefused(
            awsRaw({ appPort: "0" }),
            "dev",
            /gin-deploy:appPort = "0" is not a port.*Fix: pulumi config set gin-deploy:appPort 8080/,
        );
        assertRefused(awsRaw({ appPort: "70000" }), "dev", /gin-deploy:appPort = "70000" is not a port/);
        assertRefused(awsRaw({ sshPort: "http" }), "dev", /gin-deploy:sshPort = "http" is not a port/);
    });

    it("refuses an app port equal to the SSH port", () => {
        assertRefused(
            awsRaw({ appPort: "22" }),
            "dev",
            /gin-deploy:appPort = 22 is also the SSH port.*Fix: pulumi config set gin-deploy:appPort 8080/,
        );
        assertRefused(sshRaw({ appPort: "2222" }), "local", /gin-deploy:appPort = 2222 is also the SSH port/);
    });

    it("refuses an app port whose container slots (port+1, port+2) would take the SSH port", () => {
        assertRefused(
            awsRaw({ mode: "container", appPort: "20" }),
            "dev",
            /gin-deploy:appPort = 20: container mode also uses 21 and 22 for its two release slots, and 22 is the SSH port/,
        );
        assertRefused(awsRaw({ mode: "container", appPort: "65535" }), "dev", /65536 is not a port/);
        assert.strictEqual(parseConfig(awsRaw({ mode: "systemd", appPort: "20" }), "dev").appPort, 20);
    });

    it("refuses an unknown mode", () => {
        assertRefused(
            awsRaw({ mode: "kubernetes" }),
            "dev",
            /gin-deploy:mode = "kubernetes" is not one of auto, systemd, container\. Fix: pulumi config set gin-deploy:mode auto/,
        );
    });

    it("refuses an unknown target", () => {
        assertRefused(awsRaw({ target: "gcp" }), "dev", /gin-deploy:target = "gcp" is not one of aws, ssh/);
    });

    it("refuses a malformed CIDR", () => {
        assertRefused(
            awsRaw({ appCidrs: JSON.stringify(["10.0.0.300/8"]) }),
            "dev",
            /gin-deploy:appCidrs\[0\] = "10.0.0.300\/8" has "10.0.0.300", which is not an IPv4 or IPv6 address.*--path 'gin-deploy:appCidrs\[0\]'/,
        );
        assertRefused(
            awsRaw({ sshCidrs: JSON.stringify(["198.51.100.7"]) }),
            "dev",
            /gin-deploy:sshCidrs\[0\] = "198.51.100.7" is not a CIDR block/,
        );
        assertRefused(awsRaw({ sshCidrs: JSON.stringify(["198.51.100.7/33"]) }), "dev", /prefix \/33; an IPv4 prefix is 0 to 32/);
        assertRefused(awsRaw({ sshCidrs: JSON.stringify(["10.1.2.3/8"]) }), "dev", /has host bits set; the network is 10.0.0.0\/8/);
        assertRefused(
            awsRaw({ sshCidrs: JSON.stringify(["2001:db8::1/64"]) }),
            "dev",
            /sshCidrs\[0\] = "2001:db8::1\/64" has host bits set/,
        );
        assertRefused(
            awsRaw({ sshCidrs: "198.51.100.7/32" }),
            "dev",
            /gin-deploy:sshCidrs = "198.51.100.7\/32" is not a list of CIDR blocks/,
        );
    });

    it("accepts IPv4 and IPv6 blocks", () => {
        const cfg = parseConfig(awsRaw({ sshCidrs: JSON.stringify(["198.51.100.0/24", "2001:db8::/32"]) }), "prod");
        assert.deepStrictEqual(cfg.target.kind === "aws" && cfg.target.sshCidrs, ["198.51.100.0/24", "2001:db8::/32"]);
    });

    it("refuses sslmode disable in prod", () => {
        assertRefused(
            awsRaw({ dbSslMode: "disable" }),
            "prod",
            /gin-deploy:dbSslMode = "disable" is refused in prod.*Fix: pulumi config set gin-deploy:dbSslMode require/,
        );
    });

    it("allows sslmode disable in dev", () => {
        assert.strictEqual(parseConfig(awsRaw({ dbSslMode: "disable" }), "dev").db!.sslMode, "disable");
    });

    it("refuses an sslmode the service does not know", () => {
        assertRefused(
            awsRaw({ dbSslMode: "prefer" }),
            "dev",
            /gin-deploy:dbSslMode = "prefer" is not one of auto, disable, require, verify-full/,
        );
    });

    it("refuses SSH open to the world in prod, IPv4 and IPv6", () => {
        assertRefused(
            awsRaw({ sshCidrs: JSON.stringify(["0.0.0.0/0"]) }),
            "prod",
            /gin-deploy:sshCidrs\[0\] = "0.0.0.0\/0" opens SSH to the whole internet, which prod refuses\. Fix: pulumi config set --path 'gin-deploy:sshCidrs\[0\]' <your IP>\/32/,
        );
        assertRefused(
            awsRaw({ sshCidrs: JSON.stringify(["198.51.100.7/32", "::/0"]) }),
            "prod",
            /gin-deploy:sshCidrs\[1\] = "::\/0" opens SSH to the whole internet/,
        );
    });

    it("refuses, in prod, SSH blocks that together cover the whole internet though none is /0", () => {
        assertRefused(
            awsRaw({ sshCidrs: JSON.stringify(["0.0.0.0/1", "128.0.0.0/1"]) }),
            "prod",
            /^gin-deploy:sshCidrs = \["0\.0\.0\.0\/1","128\.0\.0\.0\/1"\] together cover all of IPv4, the whole internet, which prod refuses for SSH\. Fix: pulumi config set gin-deploy:sshCidrs '\["<your IP>\/32"\]'$/,
        );
        assertRefused(
            awsRaw({ sshCidrs: JSON.stringify(["198.51.100.7/32", "::/1", "8000::/2", "c000::/2"]) }),
            "prod",
            /gin-deploy:sshCidrs = .* together cover all of IPv6, the whole internet/,
        );
        assertRefused(
            awsRaw({ sshCidrs: JSON.stringify(["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/3", "224.0.0.0/3"]) }),
            "prod",
            /together cover all of IPv4/,
        );
        // Half of IPv4 is a lot, but not all of it; dev takes any set.
        parseConfig(awsRaw({ sshCidrs: JSON.stringify(["0.0.0.0/1", "192.0.0.0/2"]) }), "prod");
        parseConfig(awsRaw({ sshCidrs: JSON.stringify(["0.0.0.0/1", "128.0.0.0/1"]) }), "dev");
    });

    it("refuses a prod aws stack that does not say who may reach the app port (appCidrs)", () => {
        // Unset, or the schema default the engine fills in for a stack that does not set the key.
        for (const unset of [undefined, JSON.stringify(["auto"])]) {
            assertRefused(
                awsRaw({ appCidrs: unset }),
                "prod",
                /^gin-deploy:appCidrs = \["auto"\] \(not set\), and prod has no default \(dev's is the whole internet.*Fix: pulumi config set --path 'gin-deploy:appCidrs\[0\]' .*'\["0\.0\.0\.0\/0","::\/0"\]'$/,
            );
            const dev = parseConfig(awsRaw({ appCidrs: unset }), "dev");
            assert.deepStrictEqual(dev.target.kind === "aws" && dev.target.appCidrs, ["0.0.0.0/0", "::/0"]);
        }
        assertRefused(awsRaw({ sshCidrs: JSON.stringify(["auto"]) }), "dev", /gin-deploy:sshCidrs\[0\] = "auto" is not a CIDR block/);
        const prod = parseConfig(awsRaw({ appCidrs: JSON.stringify(["0.0.0.0/0", "::/0"]) }), "prod");
        assert.deepStrictEqual(
            prod.target.kind === "aws" && prod.target.appCidrs,
            ["0.0.0.0/0", "::/0"],
            "an explicit world is a decision prod may make",
        );
    });

    it("refuses an aws stack with no SSH CIDR at all", () => {
        assertRefused(awsRaw({ sshCidrs: undefined }), "dev", /gin-deploy:sshCidrs = "\[\]" lets nobody deploy over SSH/);
    });

    it("refuses a password that is not a Pulumi secret, without showing it", () => {
        const messages = refusals(awsRaw({}, ["sshPrivateKey"]), "dev");
        const message = messages.find((m) => m.startsWith("gin-deploy:dbPassword"));
        assert.match(
            message ?? "",
            /is stored in plaintext \(9 characters, not shown\); it must be a Pulumi secret.*pulumi config set --secret gin-deploy:dbPassword/,
        );
        assert.ok(!messages.join("\n").includes("s3cret-pw"), "the password leaked into the message");
    });

    it("refuses an SSH private key that is not a Pulumi secret", () => {
        assertRefused(
            awsRaw({}, ["dbPassword"]),
            "dev",
            /gin-deploy:sshPrivateKey is stored in plaintext .*--secret gin-deploy:sshPrivateKey/,
        );
    });

    it("needs no password, and has no database, when dbHost is empty", () => {
        const cfg = parseConfig(sshRaw({ dbHost: "", dbPassword: undefined }), "local");
        assert.strictEqual(cfg.db, undefined);
    });

    it("ignores a password left over when dbHost is empty (nothing would use it)", () => {
        assert.strictEqual(parseConfig(sshRaw({ dbHost: "" }), "local").db, undefined);
    });

    it("refuses a missing SSH key on the targets reached over SSH", () => {
        assertRefused(
            sshRaw({ sshPrivateKey: undefined }),
            "local",
            /gin-deploy:sshPrivateKey is not set\. Fix: pulumi config set --secret gin-deploy:sshPrivateKey < ~\/.ssh\/id_ed25519/,
        );
        assertRefused(awsRaw({ sshPrivateKey: undefined }), "dev", /gin-deploy:sshPrivateKey is not set/);
    });

    it("refuses a missing password when dbHost is set", () => {
        assertRefused(
            awsRaw({ dbPassword: undefined }),
            "dev",
            /gin-deploy:dbPassword is not set\. Fix: pulumi config set --secret gin-deploy:dbPassword/,
        );
    });

    it("refuses a pool size below 1", () => {
        assertRefused(
            awsRaw({ dbPoolSize: "0" }),
            "dev",
            /gin-deploy:dbPoolSize = "0" is not a pool size: use a whole number from 1 to 1000.*Fix: pulumi config set gin-deploy:dbPoolSize 5/,
        );
        assertRefused(awsRaw({ dbPoolSize: "-3" }), "prod", /gin-deploy:dbPoolSize = "-3" is not a pool size.*dbPoolSize 20/);
    });

    it("refuses an instance type whose architecture the build cannot target", () => {
        assertRefused(
            awsRaw({ instanceType: "zz9.large" }),
            "dev",
            /gin-deploy:instanceType = "zz9.large": the CPU architecture of instance family "zz9" is unknown.*Fix: pulumi config set gin-deploy:instanceType t4g.small \(arm64\)/,
        );
        assertRefused(awsRaw({ instanceType: "large" }), "dev", /gin-deploy:instanceType = "large": "large" is not an EC2 instance type/);
    });

    it("refuses an aws stack without a region", () => {
        assertRefused({ ...awsRaw(), awsRegion: undefined }, "dev", /aws:region = "" is not an AWS region.*pulumi config set aws:region/);
    });

    it("refuses an aws stack without a public key", () => {
        assertRefused(awsRaw({ sshPublicKey: undefined }), "dev", /gin-deploy:sshPublicKey = "" is not an OpenSSH public key/);
    });

    it("refuses an ssh stack without a host", () => {
        assertRefused(
            sshRaw({ sshHost: "" }),
            "local",
            /gin-deploy:sshHost = "" is not a host name or address.*gin-deploy:sshHost 127.0.0.1/,
        );
    });

    it("refuses an unknown host architecture", () => {
        assertRefused(sshRaw({ hostArch: "riscv64" }), "local", /gin-deploy:hostArch = "riscv64" is not one of amd64, arm64/);
    });

    it("refuses a key it does not know (a typo)", () => {
        assertRefused(
            awsRaw({ dbpassword: "x" }),
            "dev",
            /gin-deploy:dbpassword is not a known key \(typo\?\)\. Fix: pulumi config rm gin-deploy:dbpassword/,
        );
    });

    it("refuses an APP_ENV that contradicts the environment", () => {
        assertRefused(
            awsRaw({ appEnv: "production" }),
            "dev",
            /gin-deploy:appEnv = "production" contradicts the stack's environment \(dev\)/,
        );
        assertRefused(awsRaw({ appEnv: "qa" }), "dev", /gin-deploy:appEnv = "qa" is not one of auto, development, dev, local/);
    });

    it("refuses a release that does not name a version", () => {
        assertRefused(awsRaw({ release: "latest" }), "prod", /gin-deploy:release = "latest" does not name a version/);
        assertRefused(awsRaw({ release: "v1 beta" }), "dev", /gin-deploy:release = "v1 beta" does not name a version/);
    });

    it("refuses release auto outside a git checkout, and says how to pin one", () => {
        assertRefused(
            { ...awsRaw(), git: { error: "not a git repository" } },
            "dev",
            /gin-deploy:release = "auto" needs git.*not a git repository.*pulumi config set gin-deploy:release v1.2.3/,
        );
    });

    it("reports every problem at once", () => {
        assert.strictEqual(refusals(awsRaw({ appPort: "0", mode: "k8s", dbPoolSize: "0" })).length, 3);
    });
});

describe("config: loadConfig from the running stack", () => {
    const full = (values: Record<string, string>) =>
        Object.fromEntries(Object.entries(values).map(([k, v]) => [k.includes(":") ? k : `gin-deploy:${k}`, v]));
    const base = full({
        target: "ssh",
        sshHost: "127.0.0.1",
        sshPort: "2222",
        sshHostKey: HOST_KEY,
        sshPrivateKey: PRIVATE_KEY,
        dbHost: "db.internal.example",
        dbPassword: "pw-from-config",
    });

    afterEach(() => useStack("dev"));

    it("reads gin-deploy:* with the secrets the engine marked", async () => {
        useStack("local", base, ["gin-deploy:sshPrivateKey", "gin-deploy:dbPassword"]);
        const cfg = loadConfig(ROOT);
        assert.strictEqual(cfg.stack, "local");
        assert.strictEqual(cfg.target.kind === "ssh" && cfg.target.port, 2222);
        assert.strictEqual(await pulumi.isSecret(cfg.db!.password), true);
        assert.match(cfg.release.commit, /^[0-9a-f]{40}$/);
    });

    it("refuses a password set without --secret", () => {
        useStack("local", base, ["gin-deploy:sshPrivateKey"]);
        assert.throws(
            () => loadConfig(ROOT),
            /gin-deploy:dbPassword is stored in plaintext.*pulumi config set --secret gin-deploy:dbPassword/,
        );
    });

    it("applies prod rules to the stack named prod", () => {
        useStack("prod", { ...base, "gin-deploy:dbSslMode": "disable" }, ["gin-deploy:sshPrivateKey", "gin-deploy:dbPassword"]);
        assert.throws(() => loadConfig(ROOT), /dbSslMode = "disable" is refused in prod/);
    });
});

describe("config: Pulumi.yaml's schema and the README's table come from the key table", () => {
    type SchemaEntry = { type?: string; default?: unknown; description?: string; secret?: boolean; items?: { type: string } };
    const projectText = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
    const project = yaml.load(projectText) as {
        name: string;
        runtime: { name: string; options?: { typescript?: boolean } };
        config: Record<string, SchemaEntry>;
    };

    it("is the gin-deploy project on the nodejs runtime with TypeScript", () => {
        assert.strictEqual(project.name, "gin-deploy");
        assert.strictEqual(project.runtime.name, "nodejs");
        assert.strictEqual(project.runtime.options?.typescript, true);
    });

    it("holds in Pulumi.yaml exactly the block config/keys.ts renders (npm run config:sync)", () => {
        assert.strictEqual(syncedProjectFile(projectText), projectText);
        assert.ok(projectText.endsWith(renderSchemaBlock()));
    });

    it("declares every plain key with the table's default, the string keys' type, and no secret", () => {
        for (const [key, spec] of Object.entries(CONFIG_KEYS)) {
            if ("secret" in spec) {
                assert.ok(!(key in project.config), `${key} is a secret: declared without a default it would be required everywhere`);
                continue;
            }
            // The other types are config/'s to check, with its own message (config/schema.ts).
            assert.deepStrictEqual(
                { type: project.config[key].type, default: project.config[key].default },
                { type: spec.type === "string" ? "string" : undefined, default: spec.default },
                key,
            );
        }
        assert.deepStrictEqual(
            Object.keys(project.config).sort(),
            Object.keys(CONFIG_KEYS)
                .filter((k) => !(SECRET_KEYS as string[]).includes(k))
                .sort(),
        );
    });

    it("holds in README.md exactly the table config/keys.ts renders, every key in it", () => {
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        assert.strictEqual(syncedReadme(readme), readme);
        const documented = [...renderReadmeTable().matchAll(/^\| `([A-Za-z]+)` \|/gm)].map((m) => m[1]);
        assert.deepStrictEqual(documented.sort(), Object.keys(CONFIG_KEYS).sort());
    });

    for (const stack of ["dev", "prod"]) {
        it(`keeps Pulumi.${stack}.yaml to known keys, and it parses once the per-user values are added`, () => {
            const doc = yaml.load(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
            const values: Record<string, string> = {};
            for (const [key, value] of Object.entries(doc.config)) {
                if (key.startsWith("gin-deploy:")) {
                    // As the engine hands them over: a list as JSON.
                    values[key.slice("gin-deploy:".length)] = typeof value === "string" ? value : JSON.stringify(value);
                }
            }
            const cfg = parseConfig({ ...awsRaw(values), awsRegion: String(doc.config["aws:region"]) }, stack);
            assert.strictEqual(cfg.environment, stack);
        });
    }
});

const KUBECONFIG = "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: https://127.0.0.1:6443}\n";
const DIGEST_IMAGE = `127.0.0.1:5000/gin-app@sha256:${"ab".repeat(32)}`;

/** A valid kubernetes-target config; tests change one thing. */
function k8sRaw(values: Record<string, string | undefined> = {}, secretKeys: string[] = ["kubeconfig", "dbPassword"]): RawConfig {
    return {
        values: { target: "kubernetes", kubeconfig: KUBECONFIG, image: DIGEST_IMAGE, ...values },
        secretKeys,
        git: GIT,
    };
}

describe("config: the kubernetes target", () => {
    it("runs containers, asks for no SSH key and no database password, and takes the cluster's sizes", async () => {
        const cfg = parseConfig(k8sRaw(), "dev");
        assert.strictEqual(cfg.mode, "container");
        assert.strictEqual(cfg.db, undefined);
        assert.strictEqual(cfg.image, DIGEST_IMAGE);
        assert.ok(cfg.target.kind === "kubernetes");
        assert.deepStrictEqual(
            { replicas: cfg.target.replicas, max: cfg.target.maxReplicas, type: cfg.target.serviceType, ns: cfg.target.namespace },
            { replicas: 2, max: 4, type: "LoadBalancer", ns: "gin-app" },
        );
        assert.strictEqual(await pulumi.isSecret(cfg.target.kubeconfig!), true);
    });

    it("refuses mode systemd, a plaintext kubeconfig and neither kubeconfig nor clusterStack", () => {
        assertRefused(k8sRaw({ mode: "systemd" }), "dev", /gin-deploy:mode = "systemd" cannot run on the kubernetes target/);
        assertRefused(k8sRaw({}, []), "dev", /gin-deploy:kubeconfig is stored in plaintext/);
        assertRefused(
            k8sRaw({ kubeconfig: undefined }),
            "dev",
            /gin-deploy:kubeconfig is not set\. Fix: pulumi config set --secret gin-deploy:kubeconfig/,
        );
    });

    it("reads the cluster from another stack instead, and refuses both at once", () => {
        const cfg = parseConfig(k8sRaw({ kubeconfig: undefined, clusterStack: "acme/eks/prod" }), "dev");
        assert.strictEqual(cfg.target.kind === "kubernetes" && cfg.target.clusterStack, "acme/eks/prod");
        assertRefused(k8sRaw({ clusterStack: "acme/eks/prod" }), "dev", /gin-deploy:kubeconfig and gin-deploy:clusterStack are both set/);
        assertRefused(k8sRaw({ kubeconfig: undefined, clusterStack: "eks" }), "dev", /gin-deploy:clusterStack = "eks" is not a stack name/);
    });

    it("refuses one replica in prod, an autoscaler maximum below its minimum, and limits below requests", () => {
        assertRefused(k8sRaw({ replicas: "1", maxReplicas: "1" }), "prod", /gin-deploy:replicas = 1 is refused in prod/);
        assertRefused(k8sRaw({ replicas: "3", maxReplicas: "2" }), "dev", /gin-deploy:maxReplicas = 2 is below gin-deploy:replicas = 3/);
        assertRefused(
            k8sRaw({ cpuRequest: "1", cpuLimit: "500m" }),
            "dev",
            /gin-deploy:cpuLimit = "500m" is below gin-deploy:cpuRequest = "1"/,
        );
        assertRefused(k8sRaw({ memoryRequest: "256Mi", memoryLimit: "128Mi" }), "dev", /gin-deploy:memoryLimit = "128Mi" is below/);
        assertRefused(k8sRaw({ cpuRequest: "lots" }), "dev", /gin-deploy:cpuRequest = "lots": .*not a CPU quantity/);
    });

    it("takes an image by tag in dev only, never latest, and wants a registry to build one here", () => {
        assert.strictEqual(parseConfig(k8sRaw({ image: "127.0.0.1:5000/gin-app:v1.2" }), "dev").image, "127.0.0.1:5000/gin-app:v1.2");
        assertRefused(
            k8sRaw({ image: "127.0.0.1:5000/gin-app:v1.2" }),
            "prod",
            /gin-deploy:image .* is not an image pinned by digest .*which prod requires/,
        );
        assertRefused(k8sRaw({ image: "127.0.0.1:5000/gin-app:latest" }), "dev", /is not an image pinned by digest/);
        assertRefused(k8sRaw({ image: undefined }), "dev", /gin-deploy:imageRepository is empty and gin-deploy:image names no image/);
        assert.strictEqual(parseConfig(k8sRaw({ image: undefined, imageRepository: "127.0.0.1:5000/gin-app" }), "dev").image, undefined);
    });

    it("exposes prod to nobody by default: serviceType auto is a ClusterIP there, a LoadBalancer in dev", () => {
        for (const unset of [undefined, "auto"]) {
            const dev = parseConfig(k8sRaw({ serviceType: unset }), "dev");
            const prod = parseConfig(k8sRaw({ serviceType: unset }), "prod");
            assert.strictEqual(dev.target.kind === "kubernetes" && dev.target.serviceType, "LoadBalancer");
            assert.strictEqual(prod.target.kind === "kubernetes" && prod.target.serviceType, "ClusterIP");
        }
    });

    it("refuses a world-open LoadBalancer and any NodePort in prod, naming the key, the value and the fix", () => {
        assertRefused(
            k8sRaw({ serviceType: "LoadBalancer" }),
            "prod",
            /^gin-deploy:loadBalancerSourceRanges = \[\] with serviceType LoadBalancer would open the app to the whole internet.*Fix: pulumi config set --path 'gin-deploy:loadBalancerSourceRanges\[0\]'/,
        );
        assertRefused(
            k8sRaw({ serviceType: "NodePort" }),
            "prod",
            /^gin-deploy:serviceType = "NodePort" is refused in prod.*Fix: pulumi config set gin-deploy:serviceType ClusterIP/,
        );
        assertRefused(
            k8sRaw({ serviceType: "ClusterIP", loadBalancerSourceRanges: JSON.stringify(["203.0.113.0/24"]) }),
            "dev",
            /gin-deploy:loadBalancerSourceRanges = \["203\.0\.113\.0\/24"\] applies to a LoadBalancer Service only/,
        );
        assertRefused(
            k8sRaw({ serviceType: "LoadBalancer", loadBalancerSourceRanges: JSON.stringify(["203.0.113.7/24"]) }),
            "prod",
            /gin-deploy:loadBalancerSourceRanges\[0\] = "203\.0\.113\.7\/24" has host bits set/,
        );
        const cfg = parseConfig(
            k8sRaw({ serviceType: "LoadBalancer", loadBalancerSourceRanges: JSON.stringify(["203.0.113.0/24"]) }),
            "prod",
        );
        assert.deepStrictEqual(cfg.target.kind === "kubernetes" && cfg.target.loadBalancerSourceRanges, ["203.0.113.0/24"]);
        // dev keeps its open default, as the key's description says.
        const dev = parseConfig(k8sRaw({ serviceType: "LoadBalancer" }), "dev");
        assert.deepStrictEqual(dev.target.kind === "kubernetes" && dev.target.loadBalancerSourceRanges, []);
    });

    it("needs serviceType NodePort or LoadBalancer for a fixed node port", () => {
        assertRefused(
            k8sRaw({ serviceType: "ClusterIP", nodePort: "30080" }),
            "dev",
            /gin-deploy:nodePort = 30080 needs gin-deploy:serviceType NodePort or LoadBalancer/,
        );
        const cfg = parseConfig(k8sRaw({ serviceType: "NodePort", nodePort: "30080", nodeAddress: "127.0.0.1" }), "dev");
        assert.ok(cfg.target.kind === "kubernetes" && cfg.target.nodePort === 30080 && cfg.target.nodeAddress === "127.0.0.1");
    });
});
