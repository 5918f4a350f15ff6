// The Service in front of the pods: it selects them by the Deployment's selector labels and sends
// its port to the container's named port "http". ClusterIP for traffic from inside the cluster,
// NodePort to reach it on every node's address (the local cluster serves node ports on 127.0.0.1),
// LoadBalancer where the cluster has a cloud load balancer (EKS), admitting only
// loadBalancerSourceRanges when given (without them, the whole internet). Pure.

import { ObjectMeta, objectLabels, selectorLabels } from "./labels";
import { ShapeSettings } from "./settings";

export interface ServiceSpecObject {
    metadata: ObjectMeta;
    spec: Record<string, unknown>;
}

export function renderService(s: ShapeSettings, namespace: string): ServiceSpecObject {
    const port: Record<string, unknown> = { name: "http", port: s.service.port, targetPort: "http", protocol: "TCP" };
    if (s.service.nodePort !== undefined) port.nodePort = s.service.nodePort;
    const spec: Record<string, unknown> = { type: s.service.type, selector: selectorLabels(s.appName), ports: [port] };
    const ranges = s.service.loadBalancerSourceRanges;
    if (ranges !== undefined && ranges.length > 0) spec.loadBalancerSourceRanges = [...ranges];
    return { metadata: { name: s.appName, namespace, labels: objectLabels(s.appName) }, spec };
}
