// The HorizontalPodAutoscaler (autoscaling/v2): keeps the Deployment between minReplicas and
// maxReplicas, aiming at an average CPU use of targetCpuUtilizationPercent of each pod's request.
// It needs the cluster's metrics API (metrics-server) to scale on CPU; without it the autoscaler
// still holds the count within its bounds. Scale-down waits for five minutes of lower load. Pure.

import { ObjectMeta, objectLabels } from "./labels";
import { ShapeSettings } from "./settings";

export interface HorizontalPodAutoscalerSpecObject {
    metadata: ObjectMeta;
    spec: Record<string, unknown>;
}

export function renderHorizontalPodAutoscaler(s: ShapeSettings, namespace: string): HorizontalPodAutoscalerSpecObject {
    return {
        metadata: { name: s.appName, namespace, labels: objectLabels(s.appName) },
        spec: {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: s.appName },
            minReplicas: s.minReplicas,
            maxReplicas: s.maxReplicas,
            metrics: [
                {
                    type: "Resource",
                    resource: { name: "cpu", target: { type: "Utilization", averageUtilization: s.targetCpuUtilizationPercent } },
                },
            ],
            behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
        },
    };
}
