// The NetworkPolicy of the app's pods: ingress to the app's container port only (TCP), so nothing
// else a pod might listen on is reachable from the cluster or through the Service. Who may reach
// that port is the Service's business (its type and loadBalancerSourceRanges): traffic through a
// load balancer often arrives from a node's address, so the policy does not filter by source.
// Egress is left open (the database, the metadata of the cluster's DNS). A cluster without a
// NetworkPolicy controller accepts the object and ignores it. Pure.

import { ObjectMeta, objectLabels, selectorLabels } from "./labels";
import { ShapeSettings } from "./settings";

export interface NetworkPolicySpecObject {
    metadata: ObjectMeta;
    spec: Record<string, unknown>;
}

export function renderNetworkPolicy(s: ShapeSettings, namespace: string): NetworkPolicySpecObject {
    return {
        metadata: { name: s.appName, namespace, labels: objectLabels(s.appName) },
        spec: {
            podSelector: { matchLabels: selectorLabels(s.appName) },
            policyTypes: ["Ingress"],
            ingress: [{ ports: [{ protocol: "TCP", port: s.port }] }],
        },
    };
}
