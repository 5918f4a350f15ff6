// Manifests for review without a cluster: the real engine and pulumi-resource-kubernetes with a
// provider that has `renderYamlToDirectory`, for dev-like and prod-like settings. The provider
// writes each object as YAML and contacts no API server; the test reads the files back.
import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { KubernetesService, KubernetesServiceArgs } from "../../components/kubernetes/kubernetesService";
import { providerBinDir } from "../../local/cluster/cluster";
import { engineEnv } from "../../scripts/localWorkspace";
import { K8sEngine, openStack } from "./engine";

const REF = `registry.example.com/gin-app@sha256:${"ab".repeat(32)}`;
// Render mode still asks the kubeconfig's cluster whether custom kinds are namespaced, and refuses a
// kubeconfig argument beside renderYamlToDirectory: KUBECONFIG names a file that does not exist, so
// that no kubeconfig of this machine's user sends the provider to any cluster.
// A stand-in: rendered manifests hold Secret values in plain text, so review renders never use real ones.
const REVIEW_PASSWORD = "review-placeholder-password";

type Args = Omit<KubernetesServiceArgs, "provider">;

const DEV: Args = {
    namespace: "gin-dev",
    createNamespace: true,
    imageRef: REF,
    version: "v1.0.0",
    port: 8080,
    environment: { APP_ENV: "dev", LOG_LEVEL: "debug" },
    secretEnvironment: { DB_PASSWORD: pulumi.secret(REVIEW_PASSWORD) },
    replicas: 1,
    maxReplicas: 2,
    resources: { cpuRequest: "50m", cpuLimit: "250m", memoryRequest: "32Mi", memoryLimit: "64Mi" },
    service: { type: "NodePort", nodePort: 30480 },
};
const PROD: Args = {
    namespace: "gin-prod",
    imageRef: REF,
    version: "v1.0.0",
    port: 8080,
    environment: { APP_ENV: "production", LOG_LEVEL: "info", DB_HOST: "db.example.internal", DB_SSLMODE: "require" },
    secretEnvironment: { DB_PASSWORD: pulumi.secret(REVIEW_PASSWORD) },
    replicas: 3,
    minReplicas: 3,
    maxReplicas: 10,
    targetCpuUtilizationPercent: 60,
    resources: { cpuRequest: "250m", cpuLimit: "1", memoryRequest: "128Mi", memoryLimit: "256Mi" },
    service: { type: "LoadBalancer" },
};

interface Manifest {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
    spec?: any;
    data?: Record<string, string>;
    stringData?: Record<string, string>;
}

function readManifests(dir: string): Manifest[] {
    const files: string[] = [];
    const walk = (d: string) => {
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
            if (e.isDirectory()) walk(path.join(d, e.name));
            else if (e.name.endsWith(".yaml")) files.push(path.join(d, e.name));
        }
    };
    walk(dir);
    return files.flatMap((f) => yaml.loadAll(fs.readFileSync(f, "utf8")) as Manifest[]).filter(Boolean);
}

describe("kubernetes manifests rendered for review (renderYamlToDirectory, no cluster)", function () {
    let tmp = "";
    let engine: K8sEngine;
    const rendered: Record<string, Manifest[]> = {};

    before(async function () {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "gin-deploy-k8s-render-"));
        const passphraseFile = path.join(tmp, "passphrase");
        fs.writeFileSync(passphraseFile, crypto.randomBytes(24).toString("base64"), { mode: 0o600 });
        fs.mkdirSync(path.join(tmp, "state"));
        const env = engineEnv({ PULUMI_BACKEND_URL: `file://${path.join(tmp, "state")}`, PULUMI_CONFIG_PASSPHRASE_FILE: passphraseFile });
        const noCluster = path.join(tmp, "no-such-kubeconfig");
        engine = { env, providerBinDir: providerBinDir(), workDir: path.join(tmp, "workspace"), extraVars: { KUBECONFIG: noCluster } };
        for (const [name, args] of Object.entries({ dev: DEV, prod: PROD })) {
            const outDir = path.join(tmp, `manifests-${name}`);
            const stack = await openStack(
                engine,
                `render-${name}`,
                async () => {
                    const provider = new k8s.Provider("review", { renderYamlToDirectory: outDir });
                    const svc = new KubernetesService("gin-app", { ...args, provider });
                    return { deploymentName: svc.deploymentName };
                },
                { plain: {}, secrets: {} },
            );
            await stack.up({ onOutput: (o) => process.stdout.write(o.replace(/^/gm, "      ")) });
            rendered[name] = readManifests(outDir);
            await stack.destroy({ onOutput: () => undefined });
        }
    });

    after(function () {
        if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    });

    const kinds = (ms: Manifest[]) => ms.map((m) => `${m.apiVersion} ${m.kind}`).sort();
    const one = (name: string, kind: string) => {
        const found = rendered[name].filter((m) => m.kind === kind);
        assert.strictEqual(found.length, 1, `${name}: expected one ${kind}, rendered ${kinds(rendered[name]).join(", ")}`);
        return found[0];
    };

    it("dev renders the namespace, ConfigMap, Secret, Deployment, Service, NetworkPolicy, PDB and HPA; prod the same without the namespace", function () {
        const common = [
            "apps/v1 Deployment",
            "autoscaling/v2 HorizontalPodAutoscaler",
            "networking.k8s.io/v1 NetworkPolicy",
            "policy/v1 PodDisruptionBudget",
            "v1 ConfigMap",
            "v1 Secret",
            "v1 Service",
        ];
        assert.deepStrictEqual(kinds(rendered.dev), [...common, "v1 Namespace"].sort());
        assert.deepStrictEqual(kinds(rendered.prod), common.sort());
    });

    it("the Deployment is the reviewed one: digest image, maxUnavailable 0, probes, hardened pod, checksum; ConfigMap and Secret autonamed and referenced", function () {
        for (const name of ["dev", "prod"]) {
            const d = one(name, "Deployment");
            const pod = d.spec.template.spec;
            const c = pod.containers[0];
            assert.strictEqual(c.image, REF);
            assert.deepStrictEqual(d.spec.strategy.rollingUpdate, { maxUnavailable: 0, maxSurge: 1 });
            assert.strictEqual(c.readinessProbe.httpGet.path, "/readyz");
            assert.strictEqual(c.livenessProbe.httpGet.path, "/healthz");
            assert.strictEqual(c.securityContext.readOnlyRootFilesystem, true);
            assert.deepStrictEqual(c.securityContext.capabilities, { drop: ["ALL"] });
            assert.match(d.spec.template.metadata.annotations["gin-deploy.io/config-checksum"], /^[0-9a-f]{64}$/);
            const cm = one(name, "ConfigMap");
            const secret = one(name, "Secret");
            assert.match(cm.metadata.name, /^gin-app-config-[a-z0-9]+$/);
            assert.deepStrictEqual(c.envFrom, [
                { configMapRef: { name: cm.metadata.name } },
                { secretRef: { name: secret.metadata.name } },
            ]);
        }
        assert.strictEqual(one("dev", "Deployment").spec.replicas, 1);
        assert.strictEqual(one("prod", "Deployment").spec.replicas, 3);
        assert.strictEqual(one("prod", "HorizontalPodAutoscaler").spec.maxReplicas, 10);
        assert.strictEqual(one("prod", "Service").spec.type, "LoadBalancer");
        assert.strictEqual(one("dev", "Service").spec.ports[0].nodePort, 30480);
        assert.strictEqual(one("dev", "Namespace").metadata.name, "gin-dev");
    });

    it("the Secret is the only file with the password (which is why review renders use a stand-in)", function () {
        for (const name of ["dev", "prod"]) {
            for (const m of rendered[name]) {
                const text = JSON.stringify(m);
                if (m.kind === "Secret") {
                    const values = {
                        ...(m.stringData ?? {}),
                        ...Object.fromEntries(Object.entries(m.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString()])),
                    };
                    assert.strictEqual(values.DB_PASSWORD, REVIEW_PASSWORD);
                } else {
                    assert.ok(!text.includes(REVIEW_PASSWORD), `${name}: the ${m.kind} carries the password`);
                }
            }
        }
    });
});
