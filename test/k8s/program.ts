// The suite's inline programs: the product's own (stackProgram() of the local-k8s stack,
// the kubernetes target), and objects planted wrong on purpose.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export const APP_PORT = 8080;

export function localK8sProgram(): Record<string, pulumi.Output<unknown>> {
    // The product's own program, as index.ts runs it: the local-k8s stack's config in.
    const { stackProgram } = require("../../stack/program") as typeof import("../../stack/program");
    return Object.fromEntries(Object.entries(stackProgram()).map(([k, v]) => [k, pulumi.output(v)]));
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
