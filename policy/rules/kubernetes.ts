// Kubernetes workloads (for the kubernetes target): every container runs as non-root, has CPU and
// memory limits, and readiness and liveness probes (the rollout and the restarts depend on them).
import { ResourceValidationPolicy } from "@pulumi/policy";

import { describeWorldOpen, worldOpenFamilies } from "../../components/rules/cidr";
import { gatedResourcePolicy } from "../gatedPolicy";
import { Container, PodSpec, podSpecOf, WORKLOAD_TYPES } from "../kubernetesPodSpec";
import { Props } from "../resourceProps";

function workload(type: string, props: Props, notApplicable: (reason: string) => never): { spec: PodSpec; containers: Container[] } {
    const spec = podSpecOf(type, props);
    if (spec === undefined) {
        notApplicable(`only ${WORKLOAD_TYPES.join(", ")}`);
    }
    const s = spec as PodSpec;
    return { spec: s, containers: [...(s.initContainers ?? []), ...(s.containers ?? [])] };
}

const label = (c: Container, i: number) => `container "${c.name ?? i}"`;

export const kubernetesNonRoot: ResourceValidationPolicy = gatedResourcePolicy({
    name: "kubernetes-non-root",
    description: "Kubernetes workloads must run as non-root (runAsNonRoot: true on the pod or every container, no runAsUser 0).",
    validate: (args, report) => {
        const { spec, containers } = workload(args.type, args.props, args.notApplicable);
        const podNonRoot = spec.securityContext?.runAsNonRoot === true;
        const podUser = spec.securityContext?.runAsUser;
        containers.forEach((c, i) => {
            const nonRoot = c.securityContext?.runAsNonRoot ?? (podNonRoot ? true : undefined);
            const user = c.securityContext?.runAsUser ?? podUser;
            if (nonRoot !== true) {
                report(`${args.name}: ${label(c, i)} may run as root: set securityContext.runAsNonRoot: true (pod or container)`);
            } else if (user === 0) {
                report(`${args.name}: ${label(c, i)} sets runAsUser: 0 (root); use the image's unprivileged uid (65532)`);
            }
            if (c.securityContext?.privileged === true) {
                report(`${args.name}: ${label(c, i)} is privileged; remove securityContext.privileged`);
            }
        });
    },
});

export const kubernetesLimits: ResourceValidationPolicy = gatedResourcePolicy({
    name: "kubernetes-resource-limits",
    description: "Every container of a Kubernetes workload must set CPU and memory limits.",
    validate: (args, report) => {
        const { containers } = workload(args.type, args.props, args.notApplicable);
        containers.forEach((c, i) => {
            const limits = c.resources?.limits ?? {};
            const missing = ["cpu", "memory"].filter((k) => limits[k] === undefined || limits[k] === "");
            if (missing.length > 0) {
                report(
                    `${args.name}: ${label(c, i)} has no ${missing.join(" and ")} limit (resources.limits.${missing.join(", resources.limits.")})`,
                );
            }
        });
    },
});

export const kubernetesProbes: ResourceValidationPolicy = gatedResourcePolicy({
    name: "kubernetes-probes",
    description: "Every app container of a Kubernetes workload must have a readiness and a liveness probe.",
    validate: (args, report) => {
        const { spec } = workload(args.type, args.props, args.notApplicable);
        // Init containers run to completion; probes apply to the long-running containers.
        (spec.containers ?? []).forEach((c, i) => {
            const missing = (["readinessProbe", "livenessProbe"] as const).filter((p) => c[p] === undefined || c[p] === null);
            if (missing.length > 0) {
                report(`${args.name}: ${label(c, i)} has no ${missing.join(" and ")} (GET /readyz and /healthz on the app port)`);
            }
        });
    },
});

const SERVICE = "kubernetes:core/v1:Service";

export const kubernetesServiceExposure: ResourceValidationPolicy = gatedResourcePolicy({
    name: "kubernetes-service-not-world-open",
    description:
        "In prod, a Kubernetes Service must not be open to the world: no NodePort, and a LoadBalancer only with loadBalancerSourceRanges.",
    prodOnly: true,
    validate: (args, report) => {
        if (args.type !== SERVICE) {
            args.notApplicable(`only ${SERVICE}`);
        }
        const spec: Props = args.props.spec ?? {};
        const type = String(spec.type ?? "ClusterIP");
        const ranges: string[] = Array.isArray(spec.loadBalancerSourceRanges) ? spec.loadBalancerSourceRanges.map(String) : [];
        if (type === "NodePort") {
            report(
                `${args.name}: type NodePort opens the port on every node's addresses, with no source ranges; ` +
                    "use ClusterIP behind an Ingress, or LoadBalancer with loadBalancerSourceRanges (gin-deploy:serviceType, gin-deploy:loadBalancerSourceRanges)",
            );
        } else if (type === "LoadBalancer" && ranges.length === 0) {
            report(
                `${args.name}: type LoadBalancer without loadBalancerSourceRanges admits the whole internet; ` +
                    "list who may reach it: pulumi config set --path 'gin-deploy:loadBalancerSourceRanges[0]' <block> (or serviceType ClusterIP)",
            );
        } else if (type === "LoadBalancer") {
            const families = worldOpenFamilies(ranges);
            // An explicit world is a decision (a public service); say so only when it is made by halves.
            if (families.length > 0 && !ranges.some((r) => worldOpenFamilies([r]).length > 0)) {
                report(
                    `${args.name}: loadBalancerSourceRanges ${ranges.join(", ")} together cover ${describeWorldOpen(families)}; ` +
                        'if the service is public, say so with "0.0.0.0/0", else list who may reach it',
                );
            }
        }
    },
});
