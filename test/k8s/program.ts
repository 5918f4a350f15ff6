// The suite's inline program: its own composition of KubernetesService, read from the same stack
// config keys the stack's `target: kubernetes` uses (namespace gin-deploy: kubeconfig (secret),
// namespace, replicas, minReplicas, maxReplicas, cpuRequest, cpuLimit, memoryRequest,
// memoryLimit, serviceType, nodePort, image, release, logLevel, dbPassword (secret)). Swapping it
// for deployStack(loadConfig()) of a local-k8s stack changes this file only.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { KubernetesService } from "../../components/kubernetesService";
import type { ServiceType } from "../../components/kubernetesService";

export const APP_PORT = 8080;

export function localK8sProgram(): Record<string, pulumi.Output<unknown>> {
    const cfg = new pulumi.Config("gin-deploy");
    const provider = new k8s.Provider("cluster", { kubeconfig: cfg.requireSecret("kubeconfig") });
    const replicas = cfg.requireNumber("replicas");
    const release = cfg.require("release");
    const svc = new KubernetesService("gin-app", {
        provider,
        namespace: cfg.require("namespace"),
        createNamespace: true,
        imageRef: cfg.require("image"),
        version: release,
        port: APP_PORT,
        environment: { APP_ENV: "dev", LOG_LEVEL: cfg.get("logLevel") ?? "info", GIN_MODE: "release", DB_HOST: "db.invalid" },
        secretEnvironment: { DB_PASSWORD: cfg.requireSecret("dbPassword") },
        replicas,
        minReplicas: cfg.getNumber("minReplicas") ?? replicas,
        maxReplicas: cfg.getNumber("maxReplicas") ?? replicas,
        resources: {
            cpuRequest: cfg.require("cpuRequest"),
            cpuLimit: cfg.require("cpuLimit"),
            memoryRequest: cfg.require("memoryRequest"),
            memoryLimit: cfg.require("memoryLimit"),
        },
        service: { type: cfg.require("serviceType") as ServiceType, nodePort: cfg.getNumber("nodePort") },
        nodeAddress: "127.0.0.1",
        rolloutTimeoutSeconds: cfg.getNumber("rolloutTimeoutSeconds") ?? 600,
    });
    return {
        url: svc.serviceAddress,
        version: svc.version,
        namespace: svc.namespace,
        deploymentName: svc.deploymentName,
        serviceName: svc.serviceName,
        clusterIP: svc.clusterIP,
        nodePort: svc.nodePort,
        configChecksum: svc.configChecksum,
    };
}

/**
 * Objects written by hand the way the component never writes them, to see what the API server says:
 * `selector`: a Deployment whose selector misses its pod labels; `hpa`: an autoscaler whose
 * maximum is below its minimum.
 */
export function plantedProgram(): Record<string, pulumi.Output<unknown>> {
    const cfg = new pulumi.Config("gin-deploy");
    const provider = new k8s.Provider("cluster", { kubeconfig: cfg.requireSecret("kubeconfig") });
    const namespace = cfg.require("namespace");
    const which = cfg.require("plant");
    if (which === "selector") {
        const d = new k8s.apps.v1.Deployment(
            "planted-selector",
            {
                metadata: { namespace },
                spec: {
                    selector: { matchLabels: { "app.kubernetes.io/name": "planted-a" } },
                    template: {
                        metadata: { labels: { "app.kubernetes.io/name": "planted-b" } },
                        spec: { containers: [{ name: "app", image: cfg.require("image") }] },
                    },
                },
            },
            { provider },
        );
        return { name: d.metadata.name };
    }
    const h = new k8s.autoscaling.v2.HorizontalPodAutoscaler(
        "planted-hpa",
        {
            metadata: { namespace },
            spec: {
                scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "gin-app" },
                minReplicas: 3,
                maxReplicas: 1,
                metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }],
            },
        },
        { provider },
    );
    return { name: h.metadata.name };
}
