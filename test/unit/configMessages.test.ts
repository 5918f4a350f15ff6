// The config messages of issue #24: each bad value once, with its key, its value and a fix that
// fits the stack, and prod detection a user can predict.
import "../support/pulumiMocks";

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

import { CONFIG_KEYS, environmentNotice, environmentOfStack, parseConfig, RawConfig, SECRET_KEYS } from "../../config";
import { environmentOfStack as policyEnvironmentOfStack } from "../../policy/environment";
import { awsRaw, GIT, localRaw, refusals } from "../support/configFixtures";

const ROOT = path.join(__dirname, "..", "..");
const KUBECONFIG_JSON = JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "c", cluster: { server: "https://127.0.0.1:6443" } }],
    contexts: [],
    users: [],
});

function k8sRaw(values: Record<string, string | undefined> = {}): RawConfig {
    return {
        values: { target: "kubernetes", image: `127.0.0.1:5000/gin-app@sha256:${"ab".repeat(32)}`, kubeconfig: KUBECONFIG_JSON, ...values },
        secretKeys: ["kubeconfig"],
        git: GIT,
    };
}

describe("config messages (issue #24)", () => {
    describe("which stacks are prod", () => {
        it("counts a stack as prod when its name's first word is prod or production, in any case", () => {
            const prod = ["prod", "Prod", "PROD", "production", "Production-EU", "production-eu", "prod_eu", "prod.eu", "prod-2"];
            const dev = ["dev", "local", "staging", "preprod", "product", "producer", "non-prod", "dev-prod", "prodeu", ""];
            assert.deepStrictEqual(
                prod.filter((s) => environmentOfStack(s) !== "prod"),
                [],
            );
            assert.deepStrictEqual(
                dev.filter((s) => environmentOfStack(s) !== "dev"),
                [],
            );
        });

        it("applies prod's rules to the stacks Prod, production-eu and prod_eu", () => {
            for (const stack of ["Prod", "production-eu", "prod_eu"]) {
                assert.strictEqual(parseConfig(awsRaw(), stack).environment, "prod", stack);
            }
        });

        it("lets gin-deploy:environment win over the stack name, both ways", () => {
            assert.strictEqual(parseConfig(awsRaw({ environment: "dev" }), "prod").environment, "dev");
            assert.strictEqual(parseConfig(awsRaw({ environment: "prod" }), "eu-main").environment, "prod");
        });

        it("is the rule the policy pack applies", () => {
            for (const stack of ["Prod", "production-eu", "prod_eu", "PROD.x", "preprod", "product", "staging"]) {
                assert.strictEqual(policyEnvironmentOfStack(stack), environmentOfStack(stack), stack);
            }
        });

        it("says which environment it chose and why, for the one line the program logs", () => {
            assert.match(
                environmentNotice(parseConfig(awsRaw(), "production-eu")),
                /^stack "production-eu" is prod \(the stack name "production-eu" starts with the word prod or production and gin-deploy:environment is auto\)/,
            );
            assert.match(
                environmentNotice(parseConfig(awsRaw(), "staging")),
                /^stack "staging" is dev \(the stack name "staging" does not start with the word prod.*For prod's: pulumi config set gin-deploy:environment prod$/,
            );
            assert.match(
                environmentNotice(parseConfig(awsRaw({ environment: "prod" }), "eu-main")),
                /^stack "eu-main" is prod \(gin-deploy:environment is prod\)/,
            );
        });

        it("logs that line from the one stack program, once, before composing the stack", () => {
            const program = fs.readFileSync(path.join(ROOT, "stack", "program.ts"), "utf8");
            assert.strictEqual(program.match(/pulumi\.log\.info\(environmentNotice\(/g)?.length, 1);
            assert.ok(program.indexOf("environmentNotice(") < program.indexOf("deployStack(config"));
            // index.ts (the CLI) and deploy:local's inline program both run that program, and only it.
            assert.match(fs.readFileSync(path.join(ROOT, "index.ts"), "utf8"), /^export = stackProgram\(\);$/m);
            const workspace = fs.readFileSync(path.join(ROOT, "scripts", "localWorkspace.ts"), "utf8");
            assert.match(workspace, /import\("\.\.\/stack\/program"\)\)\.stackProgram\(\)/);
            assert.doesNotMatch(workspace, /deployStack\(/);
        });
    });

    it('answers environment = "staging" with dev or the stack name, never prod, and points at appEnv', () => {
        const [message] = refusals(awsRaw({ environment: "staging" }), "staging");
        assert.match(
            message,
            /^gin-deploy:environment = "staging" is not one of auto, dev, prod\. Fix: pulumi config set gin-deploy:environment dev/,
        );
        assert.match(message, /pulumi config rm gin-deploy:environment .*stack "staging" would be dev/);
        assert.match(message, /for APP_ENV=staging on the service, pulumi config set gin-deploy:appEnv staging/);
        assert.doesNotMatch(message, /environment prod/);
    });

    it("answers a misspelt prod with prod, and a misspelt dev with dev", () => {
        assert.match(refusals(awsRaw({ environment: "Production" }), "eu")[0], /Fix: pulumi config set gin-deploy:environment prod$/);
        assert.match(refusals(awsRaw({ environment: "development" }), "eu")[0], /Fix: pulumi config set gin-deploy:environment dev$/);
    });

    it("reports a bad sshPort on the local stack once", () => {
        const messages = refusals(localRaw({ sshPort: "ssh" }), "local");
        assert.deepStrictEqual(
            messages.filter((m) => m.startsWith("gin-deploy:sshPort")),
            ['gin-deploy:sshPort = "ssh" is not a port: use a whole number from 1 to 65535. Fix: pulumi config set gin-deploy:sshPort 22'],
        );
        assert.strictEqual(messages.length, 1, messages.join("\n"));
    });

    it("answers sshCidrs set without --path with one line whose fix makes the list", () => {
        const messages = refusals(awsRaw({ sshCidrs: "198.51.100.7/32" }), "dev");
        assert.deepStrictEqual(messages, [
            'gin-deploy:sshCidrs = "198.51.100.7/32" is not a list of CIDR blocks (set without --path?). ' +
                "Fix: pulumi config rm gin-deploy:sshCidrs && pulumi config set --path 'gin-deploy:sshCidrs[0]' 198.51.100.7/32",
        ]);
    });

    it("answers any other non-list sshCidrs with one line too", () => {
        const messages = refusals(awsRaw({ sshCidrs: "my laptop" }), "dev");
        assert.strictEqual(messages.length, 1, messages.join("\n"));
        assert.match(
            messages[0],
            /^gin-deploy:sshCidrs = "my laptop" is not a list of CIDR blocks.*Fix: pulumi config rm gin-deploy:sshCidrs, then/,
        );
    });

    it("suggests the target's own default user for a bad sshUser: root on ssh, admin on aws", () => {
        assert.deepStrictEqual(refusals(localRaw({ sshUser: "Root User" }), "local"), [
            'gin-deploy:sshUser = "Root User" is not a user name (lower case, starting with a letter or _). ' +
                "Fix: pulumi config set gin-deploy:sshUser root (this target's default: pulumi config rm gin-deploy:sshUser gives auto, root)",
        ]);
        assert.match(refusals(awsRaw({ sshUser: "Admin" }), "dev")[0], /Fix: pulumi config set gin-deploy:sshUser admin /);
    });

    describe("a kubeconfig in YAML or JSON", () => {
        it("takes a one-line JSON kubeconfig", () => {
            assert.strictEqual(parseConfig(k8sRaw(), "dev").target.kind, "kubernetes");
        });

        it("takes an indented JSON kubeconfig", () => {
            assert.strictEqual(
                parseConfig(k8sRaw({ kubeconfig: JSON.stringify(JSON.parse(KUBECONFIG_JSON), null, 2) }), "dev").target.kind,
                "kubernetes",
            );
        });

        it("refuses JSON that is not a kubeconfig, and broken JSON, without quoting the secret", () => {
            const notKube = refusals(k8sRaw({ kubeconfig: '{"hello":"s3cret"}' }), "dev");
            assert.match(notKube[0], /^gin-deploy:kubeconfig \(secret, not shown\) is JSON but not a kubeconfig/);
            const broken = refusals(k8sRaw({ kubeconfig: '{"apiVersion": s3cret' }), "dev");
            assert.match(broken[0], /^gin-deploy:kubeconfig \(secret, not shown\) starts with \{ but is not valid JSON/);
            assert.ok(![...notKube, ...broken].some((m) => m.includes("s3cret")));
        });

        it("refuses text that is neither", () => {
            assert.match(refusals(k8sRaw({ kubeconfig: "hello" }), "dev")[0], /is not a kubeconfig in YAML or JSON/);
        });
    });

    describe("the types the engine would check before the program runs", () => {
        const project = yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as {
            config: Record<string, { type?: string }>;
        };

        it("declares no engine type for the integer, boolean and list keys, so their bad values reach config/", () => {
            const typed = Object.entries(CONFIG_KEYS)
                .filter(([key, spec]) => spec.type !== "string" && !(SECRET_KEYS as string[]).includes(key))
                .filter(([key]) => project.config[key].type !== undefined)
                .map(([key]) => key);
            assert.deepStrictEqual(typed, []);
        });

        it("answers appPort = abc (the engine's 'must be of type integer' before) with key, value and fix", () => {
            assert.deepStrictEqual(refusals(awsRaw({ appPort: "abc" }), "dev"), [
                'gin-deploy:appPort = "abc" is not a port: use a whole number from 1 to 65535. Fix: pulumi config set gin-deploy:appPort 8080',
            ]);
        });

        it("answers a boolean key set to yes with key, value and fix", () => {
            assert.deepStrictEqual(refusals(awsRaw({ reachabilityCheck: "yes" }), "dev"), [
                'gin-deploy:reachabilityCheck = "yes" is not true or false. Fix: pulumi config set gin-deploy:reachabilityCheck true',
            ]);
        });
    });
});
