// The PodDisruptionBudget: a node drain or cluster upgrade evicts at most one of the app's pods at a
// time. maxUnavailable 1 rather than a minAvailable count, so that a one-replica dev stack can
// still be drained; pods that are not Ready anyway may always be evicted (AlwaysAllow), so a broken
// release cannot block a drain. Pure.

import { ObjectMeta, objectLabels, selectorLabels } from "./labels";

export interface PodDisruptionBudgetSpecObject {
    metadata: ObjectMeta;
    spec: Record<string, unknown>;
}

export function renderPodDisruptionBudget(appName: string, namespace: string): PodDisruptionBudgetSpecObject {
    return {
        metadata: { name: appName, namespace, labels: objectLabels(appName) },
        spec: {
            maxUnavailable: 1,
            selector: { matchLabels: selectorLabels(appName) },
            unhealthyPodEvictionPolicy: "AlwaysAllow",
        },
    };
}
