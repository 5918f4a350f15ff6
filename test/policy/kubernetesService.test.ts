// The pack against KubernetesService's objects under mocks: the Deployment it renders must pass
// the Kubernetes workload rules (non-root, limits, probes) and, on prod, the digest and TLS rules,
// with 0 violations; and a planted container without probes or limits must be refused.
import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { KubernetesService, KubernetesServiceArgs } from "../../components/kubernetes/kubernetesService";
import { policies } from "../../policy/policies";
import { runResourcePolicies, ResourceUnderTest, Violation } from "./harness";
import { recordForPolicy } from "./programResources";
import { useStack } from "../support/pulumiMocks";

const REF = `127.0.0.1:5000/gin-app@sha256:${"cd".repeat(32)}`;

function args(provider: pulumi.ProviderResource, environment: "dev" | "prod"): KubernetesServiceArgs {
    return {
        provider,
        namespace: `gin-${environment}`,
        createNamespace: true,
        imageRef: REF,
        version: "v1.0.0",
        port: 8080,
        environment: {
            APP_ENV: environment,
            LOG_LEVEL: "info",
            DB_HOST: "db.internal",
            DB_SSLMODE: environment === "prod" ? "require" : "disable",
        },
        secretEnvironment: { DB_PASSWORD: pulumi.secret("k8s-policy-pw-77") },
        replicas: environment === "prod" ? 3 : 1,
        maxReplicas: environment === "prod" ? 10 : 2,
        resources: { cpuRequest: "50m", cpuLimit: "250m", memoryRequest: "32Mi", memoryLimit: "64Mi" },
        service:
            environment === "prod"
                ? { type: "LoadBalancer", port: 80, loadBalancerSourceRanges: ["203.0.113.0/24"] }
                : { type: "NodePort", nodePort: 30480 },
        nodeAddress: environment === "prod" ? undefined : "127.0.0.1",
    };
}

async function objects(stack: string, environment: "dev" | "prod"): Promise<ResourceUnderTest[]> {
    const seen = recordForPolicy(stack, {}, []);
    const provider = new k8s.Provider("cluster", { kubeconfig: pulumi.secret("apiVersion: v1\nkind: Config\n") });
    const svc = new KubernetesService("gin-app", args(provider, environment));
    await new Promise((resolve) =>
        svc.deploymentName.apply((v) => {
            resolve(v);
            return v;
        }),
    );
    await pulumi.runtime.disconnect();
    return [...seen];
}

async function violations(resources: ResourceUnderTest[]): Promise<Violation[]> {
    const all: Violation[] = [];
    for (const r of resources) all.push(...(await runResourcePolicies(policies, r)).violations);
    return all;
}

describe("the pack against KubernetesService under mocks", () => {
    after(() => useStack("dev"));

    for (const [stack, environment] of [
        ["dev", "dev"],
        ["prod", "prod"],
    ] as const) {
        it(`${stack}: the Deployment passes every rule (0 violations)`, async () => {
            const resources = await objects(stack, environment);
            const deployment = resources.find((r) => r.type === "kubernetes:apps/v1:Deployment");
            assert.ok(deployment, `no Deployment among ${resources.map((r) => r.type).join(", ")}`);
            assert.deepStrictEqual(await violations(resources), []);
            const result = await runResourcePolicies(policies, deployment);
            for (const rule of ["kubernetes-non-root", "kubernetes-resource-limits", "kubernetes-probes"]) {
                assert.ok(!result.notApplicable.has(rule), `${rule} did not judge the Deployment`);
            }
        });
    }

    it("prod: the same Deployment with its probes and limits taken out is refused, mandatory", async () => {
        const resources = await objects("prod", "prod");
        const deployment = resources.find((r) => r.type === "kubernetes:apps/v1:Deployment") as ResourceUnderTest;
        const container = deployment.props.spec.template.spec.containers[0];
        delete container.readinessProbe;
        delete container.resources.limits;
        const found = await violations([deployment]);
        assert.deepStrictEqual(found.map((v) => [v.policy, v.level]).sort(), [
            ["kubernetes-probes", "mandatory"],
            ["kubernetes-resource-limits", "mandatory"],
        ]);
    });
});
