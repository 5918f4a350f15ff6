// KubernetesService under mocks: the objects it registers for dev-like and prod-like settings,
// through the caller's provider, that the password reaches the engine only as a secret, and that
// bad settings are refused before anything is registered.
import { recorded, resourcesOfType, settle, useStack, valueOf } from "../support/pulumiMocks";

import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { KubernetesService, KubernetesServiceArgs } from "../../components/kubernetes/kubernetesService";

const REF = `127.0.0.1:5000/gin-app@sha256:${"cd".repeat(32)}`;
const PASSWORD = "db-secret-k8s-5e1a";

function devArgs(provider: pulumi.ProviderResource): KubernetesServiceArgs {
    return {
        provider,
        namespace: "gin-dev",
        createNamespace: true,
        imageRef: REF,
        version: "v1.0.0",
        port: 8080,
        environment: { APP_ENV: "dev", LOG_LEVEL: "info", PORT: "8080", HOST: "0.0.0.0" },
        secretEnvironment: { DB_PASSWORD: pulumi.secret(PASSWORD) },
        replicas: 1,
        maxReplicas: 2,
        resources: { cpuRequest: "50m", cpuLimit: "250m", memoryRequest: "32Mi", memoryLimit: "64Mi" },
        service: { type: "NodePort", nodePort: 30480 },
        nodeAddress: "127.0.0.1",
    };
}

async function build(args: (p: pulumi.ProviderResource) => KubernetesServiceArgs, stack = "dev") {
    useStack(stack);
    const provider = new k8s.Provider("cluster", { kubeconfig: pulumi.secret("apiVersion: v1\nkind: Config\n") });
    const svc = new KubernetesService("gin-app", args(provider));
    await valueOf(svc.serviceAddress);
    await valueOf(svc.deploymentName);
    await settle();
    return svc;
}

const one = (type: string) => {
    const found = resourcesOfType(type);
    assert.strictEqual(found.length, 1, `expected one ${type}, have ${found.map((r) => r.name).join(", ")}`);
    return found[0];
};

describe("KubernetesService (gindeploy:kubernetes:KubernetesService)", () => {
    describe("dev-like: one replica, NodePort, its own namespace", () => {
        let svc: KubernetesService;
        before(async () => {
            svc = await build(devArgs);
        });

        it("registers the namespace, ConfigMap, Secret, Deployment, Service, NetworkPolicy, PDB and HPA, named from the component", () => {
            const k8sResources = recorded.resources.filter((r) => r.type.startsWith("kubernetes:"));
            assert.deepStrictEqual(k8sResources.map((r) => `${r.type} ${r.name}`).sort(), [
                "kubernetes:apps/v1:Deployment gin-app-deployment",
                "kubernetes:autoscaling/v2:HorizontalPodAutoscaler gin-app-hpa",
                "kubernetes:core/v1:ConfigMap gin-app-config",
                "kubernetes:core/v1:Namespace gin-app-namespace",
                "kubernetes:core/v1:Secret gin-app-secret",
                "kubernetes:core/v1:Service gin-app-service",
                "kubernetes:networking.k8s.io/v1:NetworkPolicy gin-app-network-policy",
                "kubernetes:policy/v1:PodDisruptionBudget gin-app-pdb",
            ]);
            assert.ok(recorded.resources.some((r) => r.type === "gindeploy:kubernetes:KubernetesService" && r.name === "gin-app"));
        });

        it("puts every object in the namespace it creates, which enforces the restricted Pod Security Standard", () => {
            const ns = one("kubernetes:core/v1:Namespace");
            assert.strictEqual(ns.inputs.metadata.name, "gin-dev");
            assert.strictEqual(ns.inputs.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
            for (const r of recorded.resources.filter((x) => x.type.startsWith("kubernetes:") && !x.type.endsWith("Namespace"))) {
                assert.strictEqual(r.inputs.metadata.namespace, "gin-dev", `${r.name} is not in the namespace`);
            }
        });

        it("sends the password only in the Secret's stringData, as a secret, and nowhere else", () => {
            const secret = one("kubernetes:core/v1:Secret");
            assert.ok(secret.secretPaths.includes("stringData"), `secret paths: ${secret.secretPaths.join(", ")}`);
            assert.deepStrictEqual(secret.inputs.stringData, { DB_PASSWORD: PASSWORD });
            assert.ok(!secret.secretPaths.includes("metadata"), "the Secret's metadata need not be secret");
            for (const r of recorded.resources.filter((x) => x.name !== "gin-app-secret")) {
                assert.ok(!JSON.stringify(r.inputs).includes(PASSWORD), `${r.name} carries the password`);
            }
            const deployment = one("kubernetes:apps/v1:Deployment");
            assert.deepStrictEqual(deployment.secretPaths, [], "the Deployment must stay readable in diffs: nothing in it is secret");
        });

        it("keeps plain settings in the ConfigMap without HOST and PORT, which the Deployment sets", () => {
            assert.deepStrictEqual(one("kubernetes:core/v1:ConfigMap").inputs.data, { APP_ENV: "dev", LOG_LEVEL: "info" });
        });

        it("runs the image by digest with the ConfigMap, Secret and checksum on the pod template", async () => {
            const d = one("kubernetes:apps/v1:Deployment").inputs;
            const c = d.spec.template.spec.containers[0];
            assert.strictEqual(c.image, REF);
            // The names are Pulumi's autonames (the mocks do not make them; the real suite sees them).
            assert.deepStrictEqual(
                c.envFrom.map((e: Record<string, unknown>) => Object.keys(e)[0]),
                ["configMapRef", "secretRef"],
            );
            assert.strictEqual(d.spec.template.metadata.annotations["gin-deploy.io/config-checksum"], await valueOf(svc.configChecksum));
            assert.match(await valueOf(svc.configChecksum), /^[0-9a-f]{64}$/);
            assert.strictEqual(
                await pulumi.isSecret(svc.configChecksum),
                false,
                "the checksum is safe to show (salted scrypt of the secrets)",
            );
            assert.strictEqual(d.spec.replicas, 1);
            assert.strictEqual(d.metadata.name, "gin-app");
        });

        it("exports the names, the namespace and a node-port URL on the given node address", async () => {
            assert.strictEqual(await valueOf(svc.deploymentName), "gin-app");
            assert.strictEqual(await valueOf(svc.serviceName), "gin-app");
            assert.strictEqual(await valueOf(svc.namespace), "gin-dev");
            assert.strictEqual(await valueOf(svc.nodePort), 30480);
            assert.strictEqual(await valueOf(svc.serviceAddress), "http://127.0.0.1:30480");
            assert.strictEqual(await valueOf(svc.version), "v1.0.0");
        });
    });

    describe("prod-like: three replicas autoscaled to ten, LoadBalancer, existing namespace", () => {
        let svc: KubernetesService;
        before(async () => {
            svc = await build(
                (provider) => ({
                    ...devArgs(provider),
                    namespace: "gin-prod",
                    createNamespace: false,
                    environment: { APP_ENV: "production", LOG_LEVEL: "info", DB_HOST: "db.example.internal", DB_SSLMODE: "require" },
                    replicas: 3,
                    minReplicas: 3,
                    maxReplicas: 10,
                    targetCpuUtilizationPercent: 60,
                    resources: { cpuRequest: "250m", cpuLimit: "1", memoryRequest: "128Mi", memoryLimit: "256Mi" },
                    service: { type: "LoadBalancer", port: 80, loadBalancerSourceRanges: ["203.0.113.0/24", "2001:db8::/32"] },
                    nodeAddress: undefined,
                }),
                "prod",
            );
        });

        it("creates no namespace and scales between 3 and 10 on 60% CPU", () => {
            assert.strictEqual(resourcesOfType("kubernetes:core/v1:Namespace").length, 0);
            const hpa = one("kubernetes:autoscaling/v2:HorizontalPodAutoscaler").inputs.spec;
            assert.strictEqual(hpa.minReplicas, 3);
            assert.strictEqual(hpa.maxReplicas, 10);
            assert.strictEqual(hpa.metrics[0].resource.target.averageUtilization, 60);
            assert.strictEqual(one("kubernetes:apps/v1:Deployment").inputs.spec.replicas, 3);
        });

        it("asks for a LoadBalancer Service on port 80 to the named container port, admitting only the given ranges", () => {
            const s = one("kubernetes:core/v1:Service").inputs.spec;
            assert.strictEqual(s.type, "LoadBalancer");
            assert.deepStrictEqual(s.ports, [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }]);
            assert.deepStrictEqual(s.loadBalancerSourceRanges, ["203.0.113.0/24", "2001:db8::/32"]);
        });

        it("admits ingress to the pods' app port only, through a NetworkPolicy in the service's namespace", () => {
            const policy = one("kubernetes:networking.k8s.io/v1:NetworkPolicy").inputs;
            assert.strictEqual(policy.metadata.namespace, "gin-prod");
            assert.deepStrictEqual(policy.spec.podSelector, {
                matchLabels: { "app.kubernetes.io/name": "gin-app", "app.kubernetes.io/component": "server" },
            });
            assert.deepStrictEqual(policy.spec.policyTypes, ["Ingress"]);
            assert.deepStrictEqual(policy.spec.ingress, [{ ports: [{ protocol: "TCP", port: 8080 }] }]);
        });

        it("falls back to the in-cluster address while no load balancer address is known", async () => {
            assert.strictEqual(await valueOf(svc.serviceAddress), "http://gin-app.gin-prod.svc.cluster.local:80");
        });
    });

    describe("the checksum follows the settings", () => {
        async function checksumFor(over: Partial<KubernetesServiceArgs>): Promise<string> {
            const svc = await build((p) => ({ ...devArgs(p), ...over }));
            return valueOf(svc.configChecksum);
        }

        it("changes with a plain setting and with the password, not with the release", async () => {
            const base = await checksumFor({});
            assert.strictEqual(
                await checksumFor({ version: "v2.0.0", imageRef: `127.0.0.1:5000/gin-app@sha256:${"ef".repeat(32)}` }),
                base,
            );
            assert.notStrictEqual(await checksumFor({ environment: { APP_ENV: "dev", LOG_LEVEL: "debug" } }), base);
            assert.notStrictEqual(await checksumFor({ secretEnvironment: { DB_PASSWORD: pulumi.secret(`${PASSWORD}-2`) } }), base);
        });
    });

    describe("bad settings", () => {
        it("are refused at construction with every problem named, before any object is registered", () => {
            useStack("dev");
            const provider = new k8s.Provider("cluster", { kubeconfig: "x" });
            assert.throws(
                () =>
                    new KubernetesService("gin-app", {
                        ...devArgs(provider),
                        replicas: 2,
                        minReplicas: 3,
                        maxReplicas: 2,
                        resources: { cpuRequest: "1", cpuLimit: "500m", memoryRequest: "64Mi", memoryLimit: "64Mi" },
                    }),
                (err: Error) =>
                    /KubernetesService "gin-app" has 2 problems/.test(err.message) &&
                    /maxReplicas = 2 is below minReplicas = 3/.test(err.message) &&
                    /resources\.cpuLimit = "500m" is below resources\.cpuRequest = "1"/.test(err.message),
            );
            assert.strictEqual(resourcesOfType("kubernetes:apps/v1:Deployment").length, 0);
        });

        it("refuse an image by tag latest once the reference is known, and register no Deployment", async () => {
            useStack("dev");
            const provider = new k8s.Provider("cluster", { kubeconfig: "x" });
            const svc = new KubernetesService("gin-app", { ...devArgs(provider), imageRef: pulumi.output("gin-app:latest") });
            // Output.promise() is the SDK's own way to await an Output; its rejection is the refusal.
            const checksum = svc.configChecksum as unknown as { promise(): Promise<string> };
            await assert.rejects(checksum.promise(), /imageRef = "gin-app:latest" must be an image by digest/);
            await settle();
            assert.strictEqual(
                resourcesOfType("kubernetes:apps/v1:Deployment").length,
                0,
                "a Deployment was registered with a refused image",
            );
        });
    });
});
