// Where a Kubernetes workload keeps its pod spec, by resource type, and its containers. Used by the
// workload rules and by the image-digest rule.
import { Props } from "./resourceProps";

const TEMPLATE_KINDS = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"];

/** The workload types the rules judge, as Pulumi type tokens. */
export const WORKLOAD_TYPES: readonly string[] = [
    ...TEMPLATE_KINDS.map((kind) => `kubernetes:apps/v1:${kind}`),
    "kubernetes:batch/v1:Job",
    "kubernetes:batch/v1:CronJob",
    "kubernetes:core/v1:Pod",
];

export interface Container {
    name?: string;
    image?: string;
    securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; privileged?: boolean };
    resources?: { limits?: Record<string, unknown> };
    readinessProbe?: unknown;
    livenessProbe?: unknown;
    env?: { name?: string; value?: unknown }[];
}

export interface PodSpec {
    securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
    containers?: Container[];
    initContainers?: Container[];
}

/** The pod spec of a workload resource, or undefined for other types. */
export function podSpecOf(type: string, props: Props): PodSpec | undefined {
    if (!WORKLOAD_TYPES.includes(type)) {
        return undefined;
    }
    if (type === "kubernetes:core/v1:Pod") {
        return props.spec ?? {};
    }
    if (type === "kubernetes:batch/v1:CronJob") {
        return props.spec?.jobTemplate?.spec?.template?.spec ?? {};
    }
    return props.spec?.template?.spec ?? {};
}
