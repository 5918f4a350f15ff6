import * as assert from "assert";

import { configChecksum, secretDigest } from "../../../../components/kubernetes/renderers/configChecksum";
import { configMapData, renderConfigMap, renderSecret } from "../../../../components/kubernetes/renderers/configObjects";
import { APP_UID, renderDeployment, terminationGracePeriodSeconds } from "../../../../components/kubernetes/renderers/deployment";
import { renderHorizontalPodAutoscaler } from "../../../../components/kubernetes/renderers/horizontalPodAutoscaler";
import { CHECKSUM_ANNOTATION, releaseLabels, selectorLabels, VERSION_LABEL } from "../../../../components/kubernetes/renderers/labels";
import { renderNamespace } from "../../../../components/kubernetes/renderers/namespace";
import { renderNetworkPolicy } from "../../../../components/kubernetes/renderers/networkPolicy";
import { renderPodDisruptionBudget } from "../../../../components/kubernetes/renderers/podDisruptionBudget";
import { ROLLOUT_COMPLETE, WAIT_FOR_ANNOTATION } from "../../../../components/kubernetes/renderers/rolloutAwait";
import { renderService } from "../../../../components/kubernetes/renderers/service";
import { KubernetesServiceSettings } from "../../../../components/kubernetes/renderers/settings";
import { SHAPE } from "./shape";

const SETTINGS: KubernetesServiceSettings = {
    ...SHAPE,
    namespace: "shop",
    imageRef: `127.0.0.1:5000/gin-app@sha256:${"ab".repeat(32)}`,
    version: "v1.2.3",
    environment: { APP_ENV: "dev", LOG_LEVEL: "info", HOST: "0.0.0.0", PORT: "8080" },
    secretKeys: ["DB_PASSWORD"],
};

// The specs are plain JSON; tests read them as such.
const deploymentOf = (over: Partial<KubernetesServiceSettings> = {}) =>
    renderDeployment({
        settings: { ...SETTINGS, ...over },
        configMapName: "web-config-x",
        secretName: "web-secret-x",
        checksum: "c".repeat(64),
    }) as any;

describe("kubernetes Deployment", () => {
    const d = deploymentOf();
    const pod = d.spec.template.spec;
    const [c] = pod.containers;

    it("selects exactly its own pods: the selector is a subset of the template's labels", () => {
        for (const [k, v] of Object.entries(d.spec.selector.matchLabels)) assert.strictEqual(d.spec.template.metadata.labels[k], v);
        assert.deepStrictEqual(d.spec.selector.matchLabels, selectorLabels("gin-app"));
        assert.ok(
            !(VERSION_LABEL in d.spec.selector.matchLabels),
            "a version in the selector would make every release an immutable-field error",
        );
    });

    it("rolls with maxUnavailable 0 and one extra pod, starting at the replica count", () => {
        assert.deepStrictEqual(d.spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
        assert.strictEqual(d.spec.replicas, 2);
    });

    it("probes readiness on /readyz, liveness and startup on /healthz, all on the named port", () => {
        assert.deepStrictEqual(c.ports, [{ name: "http", containerPort: 8080, protocol: "TCP" }]);
        assert.strictEqual(c.readinessProbe.httpGet.path, "/readyz");
        assert.strictEqual(c.livenessProbe.httpGet.path, "/healthz");
        assert.strictEqual(c.startupProbe.httpGet.path, "/healthz");
        assert.strictEqual(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold, 60);
        for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe]) assert.strictEqual(probe.httpGet.port, "http");
    });

    it("gives the app its drain delay and a grace period longer than its whole shutdown", () => {
        const env = Object.fromEntries(c.env.map((e: { name: string; value: string }) => [e.name, e.value]));
        assert.strictEqual(env.SHUTDOWN_DELAY, "5s");
        assert.strictEqual(env.SHUTDOWN_TIMEOUT, "20s");
        assert.strictEqual(env.PORT, "8080");
        assert.strictEqual(env.HOST, "0.0.0.0");
        assert.strictEqual(pod.terminationGracePeriodSeconds, 30);
        assert.ok(pod.terminationGracePeriodSeconds > 5 + 20);
        assert.strictEqual(terminationGracePeriodSeconds({ drainSeconds: 0, shutdownTimeoutSeconds: 1 }), 6);
    });

    it("sets requests and limits, and a Go memory limit below the container's", () => {
        assert.deepStrictEqual(c.resources, { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "500m", memory: "128Mi" } });
        const env = Object.fromEntries(c.env.map((e: { name: string; value: string }) => [e.name, e.value]));
        assert.strictEqual(Number(env.GOMEMLIMIT), Math.floor(128 * 2 ** 20 * 0.9));
    });

    it("runs as the image's non-root user with a read-only root, no escalation, no capabilities, seccomp RuntimeDefault", () => {
        assert.deepStrictEqual(c.securityContext, {
            runAsNonRoot: true,
            runAsUser: APP_UID,
            runAsGroup: APP_UID,
            allowPrivilegeEscalation: false,
            privileged: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
        });
        assert.strictEqual(APP_UID, 65532);
        assert.deepStrictEqual(pod.securityContext.seccompProfile, { type: "RuntimeDefault" });
        assert.strictEqual(pod.automountServiceAccountToken, false);
        assert.strictEqual(pod.enableServiceLinks, false);
        assert.deepStrictEqual(c.volumeMounts, [{ name: "tmp", mountPath: "/tmp" }]);
    });

    it("spreads over nodes and zones as a preference, per ReplicaSet", () => {
        assert.deepStrictEqual(
            pod.topologySpreadConstraints.map((t: { topologyKey: string }) => t.topologyKey),
            ["kubernetes.io/hostname", "topology.kubernetes.io/zone"],
        );
        for (const t of pod.topologySpreadConstraints) {
            assert.strictEqual(t.whenUnsatisfiable, "ScheduleAnyway");
            assert.deepStrictEqual(t.labelSelector.matchLabels, selectorLabels("gin-app"));
            assert.deepStrictEqual(t.matchLabelKeys, ["pod-template-hash"]);
        }
    });

    it("takes its settings from the ConfigMap and Secret, and carries their checksum and the version on the template", () => {
        assert.deepStrictEqual(c.envFrom, [{ configMapRef: { name: "web-config-x" } }, { secretRef: { name: "web-secret-x" } }]);
        assert.strictEqual(d.spec.template.metadata.annotations[CHECKSUM_ANNOTATION], "c".repeat(64));
        assert.strictEqual(d.spec.template.metadata.labels[VERSION_LABEL], "v1.2.3");
        assert.strictEqual(d.metadata.annotations["gin-deploy.io/version"], "v1.2.3");
        const noSecret = renderDeployment({
            settings: { ...SETTINGS, secretKeys: [] },
            configMapName: "web-config-x",
            checksum: "c".repeat(64),
        }) as any;
        assert.deepStrictEqual(noSecret.spec.template.spec.containers[0].envFrom, [{ configMapRef: { name: "web-config-x" } }]);
    });

    it("tells the provider to wait for the rollout as kubectl rollout status does, on the Deployment and not its pods", () => {
        assert.strictEqual(d.metadata.annotations[WAIT_FOR_ANNOTATION], ROLLOUT_COMPLETE);
        assert.match(
            ROLLOUT_COMPLETE,
            /^jsonpath=\{\.status\.conditions\[\?\(@\.type=="Progressing"\)\]\.reason\}=NewReplicaSetAvailable$/,
        );
        // On the template it would roll the pods and mean nothing there.
        assert.ok(!(WAIT_FOR_ANNOTATION in d.spec.template.metadata.annotations));
    });

    it("pulls a digest IfNotPresent and keeps a version that is no label value as an annotation only", () => {
        assert.strictEqual(c.imagePullPolicy, "IfNotPresent");
        const odd = deploymentOf({ version: "v1.2.3+build.7" });
        assert.ok(!(VERSION_LABEL in odd.spec.template.metadata.labels));
        assert.strictEqual(odd.spec.template.metadata.annotations["gin-deploy.io/version"], "v1.2.3+build.7");
        assert.ok(!(VERSION_LABEL in releaseLabels("a", "x".repeat(64))));
    });
});

describe("kubernetes Service, PDB, HPA, namespace, ConfigMap and Secret", () => {
    it("the Service selects the Deployment's pods and sends its port to the named container port", () => {
        const s = renderService(SHAPE, "shop") as any;
        assert.deepStrictEqual(s.spec, {
            type: "NodePort",
            selector: selectorLabels("gin-app"),
            ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP", nodePort: 30480 }],
        });
        assert.ok(!("nodePort" in (renderService({ ...SHAPE, service: { type: "ClusterIP", port: 80 } }, "shop") as any).spec.ports[0]));
    });

    it("a LoadBalancer Service admits only its source ranges when given", () => {
        const lb = (ranges?: string[]) =>
            (renderService({ ...SHAPE, service: { type: "LoadBalancer", port: 80, loadBalancerSourceRanges: ranges } }, "shop") as any)
                .spec;
        assert.deepStrictEqual(lb(["203.0.113.0/24"]).loadBalancerSourceRanges, ["203.0.113.0/24"]);
        assert.ok(
            !("loadBalancerSourceRanges" in lb()),
            "none given: the field is left out (the whole internet; config refuses that in prod)",
        );
    });

    it("the NetworkPolicy selects the app's pods and admits ingress to the app's container port only", () => {
        const n = renderNetworkPolicy(SHAPE, "shop") as any;
        assert.deepStrictEqual(n.metadata, { name: "gin-app", namespace: "shop", labels: renderService(SHAPE, "shop").metadata.labels });
        assert.deepStrictEqual(n.spec, {
            podSelector: { matchLabels: selectorLabels("gin-app") },
            policyTypes: ["Ingress"],
            ingress: [{ ports: [{ protocol: "TCP", port: SHAPE.port }] }],
        });
    });

    it("the PDB lets one pod go at a time and never blocks on unready pods", () => {
        const p = renderPodDisruptionBudget("gin-app", "shop") as any;
        assert.deepStrictEqual(p.spec, {
            maxUnavailable: 1,
            selector: { matchLabels: selectorLabels("gin-app") },
            unhealthyPodEvictionPolicy: "AlwaysAllow",
        });
    });

    it("the HPA (autoscaling/v2) targets the Deployment between min and max on CPU utilization", () => {
        const h = renderHorizontalPodAutoscaler(SHAPE, "shop") as any;
        assert.deepStrictEqual(h.spec.scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name: "gin-app" });
        assert.strictEqual(h.spec.minReplicas, 2);
        assert.strictEqual(h.spec.maxReplicas, 5);
        assert.deepStrictEqual(h.spec.metrics[0].resource, { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } });
    });

    it("a created namespace enforces the restricted Pod Security Standard", () => {
        assert.strictEqual(renderNamespace("shop").metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
    });

    it("the ConfigMap holds the plain settings without HOST and PORT; the Secret holds the secrets as stringData", () => {
        assert.deepStrictEqual(renderConfigMap("gin-app", "shop", SETTINGS.environment).data, { APP_ENV: "dev", LOG_LEVEL: "info" });
        assert.deepStrictEqual(renderSecret("gin-app", "shop", { DB_PASSWORD: "pw" }), {
            metadata: { namespace: "shop", labels: renderConfigMap("gin-app", "shop", {}).metadata.labels },
            type: "Opaque",
            stringData: { DB_PASSWORD: "pw" },
        });
    });
});

describe("kubernetes config checksum", () => {
    const data = configMapData(SETTINGS.environment);
    const digest = secretDigest("shop", "gin-app", { DB_PASSWORD: "hunter2" });

    it("changes with any plain setting and with any secret value, and is stable otherwise", () => {
        const base = configChecksum(data, digest);
        assert.match(base, /^[0-9a-f]{64}$/);
        assert.strictEqual(configChecksum({ ...data }, secretDigest("shop", "gin-app", { DB_PASSWORD: "hunter2" })), base);
        assert.notStrictEqual(configChecksum({ ...data, LOG_LEVEL: "debug" }, digest), base);
        assert.notStrictEqual(configChecksum(data, secretDigest("shop", "gin-app", { DB_PASSWORD: "hunter3" })), base);
    });

    it("does not carry a plain hash of the secret, and differs per namespace and app for the same password", () => {
        const { createHash } = require("crypto") as typeof import("crypto");
        for (const plain of ["hunter2", JSON.stringify([["DB_PASSWORD", "hunter2"]])]) {
            assert.notStrictEqual(digest, createHash("sha256").update(plain).digest("hex"));
        }
        assert.ok(!digest.includes(Buffer.from("hunter2").toString("hex")));
        assert.notStrictEqual(secretDigest("other", "gin-app", { DB_PASSWORD: "hunter2" }), digest);
        assert.notStrictEqual(secretDigest("shop", "other", { DB_PASSWORD: "hunter2" }), digest);
    });
});
