// The shape settings the Kubernetes renderer tests start from: a dev-like NodePort service.
import { ShapeSettings } from "../../../../components/kubernetes/renderers/settings";

export const SHAPE: ShapeSettings = {
    appName: "gin-app",
    port: 8080,
    replicas: 2,
    minReplicas: 2,
    maxReplicas: 5,
    targetCpuUtilizationPercent: 70,
    resources: { cpuRequest: "100m", cpuLimit: "500m", memoryRequest: "64Mi", memoryLimit: "128Mi" },
    service: { type: "NodePort", port: 80, nodePort: 30480 },
    shutdownTimeoutSeconds: 20,
    drainSeconds: 5,
    startupSeconds: 60,
};
