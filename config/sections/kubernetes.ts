// target: kubernetes — a cluster reached through a kubeconfig (secret) or another stack's output
// (an EKS stack, say); the mode is container, implied. Sizes are checked here, before any
// resource exists, with the same quantity rules the component applies.
import type { CpuArchitecture } from "../../components/build/cpuArchitecture";
import { parseCpu, parseMemory } from "../../components/kubernetes/renderers/quantity";
import { SERVICE_TYPES, ServiceType } from "../../components/kubernetes/renderers/settings";
import { isPort } from "../../components/rules/port";
import { CONFIG_NAMESPACE } from "../keys";
import type { ConfigReader } from "../reader";
import { setCommand, shown } from "../reader";
import type { Environment, KubernetesTargetConfig } from "../types";

const ARCHITECTURES: readonly CpuArchitecture[] = ["amd64", "arm64"];
const DNS_LABEL = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
const STACK_NAME = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const REPOSITORY = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+$/;

/**
 * Why a kubeconfig is not one (undefined when it looks like one), in YAML or in JSON, one line or
 * many: it needs an apiVersion and clusters. Never quotes the value (it is a secret).
 */
export function kubeconfigProblem(value: string): string | undefined {
    const text = value.trim();
    if (text.startsWith("{")) {
        let doc: unknown;
        try {
            doc = JSON.parse(text);
        } catch {
            // Not the parser's message: it quotes the text, and this one is a secret.
            return "starts with { but is not valid JSON";
        }
        const fields = doc !== null && typeof doc === "object" ? (doc as Record<string, unknown>) : {};
        return typeof fields.apiVersion === "string" && Array.isArray(fields.clusters)
            ? undefined
            : "is JSON but not a kubeconfig (no apiVersion and clusters list)";
    }
    return /(^|\n)\s*(apiVersion|"apiVersion")\s*:/.test(text) && /(^|\n)\s*"?clusters"?\s*:/.test(text)
        ? undefined
        : "is not a kubeconfig in YAML or JSON (no apiVersion and clusters)";
}

export function parseKubernetesTarget(read: ConfigReader, environment: Environment, imageGiven: boolean): KubernetesTargetConfig {
    const prod = environment === "prod";
    const clusterStackValue = read.text("clusterStack");
    let kubeconfig: KubernetesTargetConfig["kubeconfig"];
    if (clusterStackValue !== "") {
        if (!STACK_NAME.test(clusterStackValue)) {
            read.refuse(
                "clusterStack",
                `${shown(clusterStackValue)} is not a stack name of the form org/project/stack. ` +
                    `Fix: ${setCommand("clusterStack", "acme/eks-cluster/prod")}`,
            );
        }
        if (read.isSet("kubeconfig")) {
            read.refuse(
                "kubeconfig",
                `and gin-deploy:clusterStack are both set: the cluster would be ambiguous. ` +
                    `Fix: pulumi config rm ${CONFIG_NAMESPACE}:kubeconfig (or rm ${CONFIG_NAMESPACE}:clusterStack)`,
            );
        }
    } else {
        kubeconfig = read.secret(
            "kubeconfig",
            kubeconfigProblem,
            "pulumi config set --secret gin-deploy:kubeconfig < ~/.kube/config (or set gin-deploy:clusterStack)",
        );
    }

    const namespace = read.text("namespace");
    if (!DNS_LABEL.test(namespace)) {
        read.refuse(
            "namespace",
            `${shown(namespace)} is not a namespace name (a DNS label: up to 63 lowercase letters, digits and -). ` +
                `Fix: ${setCommand("namespace", "gin-app")}`,
        );
    }
    const count = (key: "replicas" | "maxReplicas"): number => {
        const value = read.text(key);
        const n = Number(value);
        if (!/^\d+$/.test(value) || n < 1 || n > 1000) {
            read.refuse(
                key,
                `${shown(value)} is not a pod count: use a whole number from 1 to 1000. Fix: ${setCommand(key, key === "replicas" ? 2 : 4)}`,
            );
            return 1;
        }
        return n;
    };
    const replicas = count("replicas");
    const maxReplicas = count("maxReplicas");
    if (prod && replicas < 2) {
        read.refuse(
            "replicas",
            `= ${replicas} is refused in prod: one pod is down during every node drain and crash. ` + `Fix: ${setCommand("replicas", 2)}`,
        );
    }
    if (maxReplicas < replicas) {
        read.refuse(
            "maxReplicas",
            `= ${maxReplicas} is below gin-deploy:replicas = ${replicas}: the autoscaler needs max >= min. ` +
                `Fix: ${setCommand("maxReplicas", Math.max(replicas, 4))}`,
        );
    }

    const quantity = (key: "cpuRequest" | "cpuLimit" | "memoryRequest" | "memoryLimit", parse: typeof parseCpu, example: string) => {
        const value = read.text(key);
        try {
            return { value, amount: parse(key, value) };
        } catch (error) {
            read.refuse(key, `${shown(value)}: ${(error as Error).message}. Fix: ${setCommand(key, example)}`);
            return { value, amount: undefined };
        }
    };
    const cpuRequest = quantity("cpuRequest", parseCpu, "100m");
    const cpuLimit = quantity("cpuLimit", parseCpu, "500m");
    const memoryRequest = quantity("memoryRequest", parseMemory, "64Mi");
    const memoryLimit = quantity("memoryLimit", parseMemory, "128Mi");
    if (cpuRequest.amount !== undefined && cpuLimit.amount !== undefined && cpuLimit.amount < cpuRequest.amount) {
        read.refuse(
            "cpuLimit",
            `${shown(cpuLimit.value)} is below gin-deploy:cpuRequest ${shown(cpuRequest.value)}: a limit is at least its request. ` +
                `Fix: ${setCommand("cpuLimit", cpuRequest.value)}`,
        );
    }
    if (memoryRequest.amount !== undefined && memoryLimit.amount !== undefined && memoryLimit.amount < memoryRequest.amount) {
        read.refuse(
            "memoryLimit",
            `${shown(memoryLimit.value)} is below gin-deploy:memoryRequest ${shown(memoryRequest.value)}: a limit is at least its request. ` +
                `Fix: ${setCommand("memoryLimit", memoryRequest.value)}`,
        );
    }

    // auto: a LoadBalancer in dev (as before), a ClusterIP in prod, so that prod is never exposed to
    // the world by a default: an Ingress, or a LoadBalancer with source ranges, is a choice made here.
    const serviceTypeValue = read.oneOf("serviceType", ["auto", ...SERVICE_TYPES], "ClusterIP");
    const serviceType: ServiceType = serviceTypeValue === "auto" ? (prod ? "ClusterIP" : "LoadBalancer") : serviceTypeValue;
    const loadBalancerSourceRanges = read.cidrList("loadBalancerSourceRanges", "203.0.113.0/24");
    if (loadBalancerSourceRanges.length > 0 && serviceType !== "LoadBalancer") {
        read.refuse(
            "loadBalancerSourceRanges",
            `= ${JSON.stringify(loadBalancerSourceRanges)} applies to a LoadBalancer Service only, and serviceType is ${serviceType}. ` +
                `Fix: ${setCommand("serviceType", "LoadBalancer")}, or pulumi config rm ${CONFIG_NAMESPACE}:loadBalancerSourceRanges`,
        );
    }
    if (prod && serviceType === "NodePort") {
        read.refuse(
            "serviceType",
            `= "NodePort" is refused in prod: it opens the port on every node's addresses, with no source ranges. ` +
                `Fix: ${setCommand("serviceType", "ClusterIP")} behind an Ingress, or ${setCommand("serviceType", "LoadBalancer")} ` +
                `with gin-deploy:loadBalancerSourceRanges`,
        );
    }
    if (prod && serviceType === "LoadBalancer" && loadBalancerSourceRanges.length === 0) {
        read.refuse(
            "loadBalancerSourceRanges",
            `= [] with serviceType LoadBalancer would open the app to the whole internet, which prod does not do by default: ` +
                `list who may reach it. Fix: pulumi config set --path '${CONFIG_NAMESPACE}:loadBalancerSourceRanges[0]' <the clients' block>, ` +
                `or pulumi config set ${CONFIG_NAMESPACE}:loadBalancerSourceRanges '["0.0.0.0/0"]' for a public service, ` +
                `or ${setCommand("serviceType", "ClusterIP")} behind an Ingress`,
        );
    }
    const nodePortValue = read.text("nodePort");
    let nodePort: number | undefined;
    if (nodePortValue !== "0") {
        const n = Number(nodePortValue);
        if (!/^\d+$/.test(nodePortValue) || !isPort(n)) {
            read.refuse("nodePort", `${shown(nodePortValue)} is not a port. Fix: ${setCommand("nodePort", 0)} (the API server picks one)`);
        } else if (serviceType === "ClusterIP") {
            read.refuse(
                "nodePort",
                `= ${n} needs gin-deploy:serviceType NodePort or LoadBalancer. Fix: ${setCommand("serviceType", "NodePort")}`,
            );
        } else {
            nodePort = n;
        }
    }
    const nodeAddressValue = read.text("nodeAddress");
    if (nodeAddressValue !== "" && !/^[A-Za-z0-9][A-Za-z0-9.:-]*$/.test(nodeAddressValue)) {
        read.refuse(
            "nodeAddress",
            `${shown(nodeAddressValue)} is not a host name or address. Fix: ${setCommand("nodeAddress", "127.0.0.1")}`,
        );
    }
    const repositoryValue = read.text("imageRepository");
    if (repositoryValue !== "" && !REPOSITORY.test(repositoryValue)) {
        read.refuse(
            "imageRepository",
            `${shown(repositoryValue)} is not REGISTRY/NAME in lower case. Fix: ${setCommand("imageRepository", "127.0.0.1:5000/gin-app")}`,
        );
    } else if (repositoryValue === "" && !imageGiven) {
        read.refuse(
            "imageRepository",
            `is empty and gin-deploy:image names no image: an image built here needs a registry the nodes pull from. ` +
                `Fix: ${setCommand("imageRepository", "<registry>/gin-app")} (or set gin-deploy:image to an image built by CI)`,
        );
    }
    const rolloutValue = read.text("rolloutTimeoutSeconds");
    const rolloutTimeoutSeconds = Number(rolloutValue);
    if (!/^\d+$/.test(rolloutValue) || rolloutTimeoutSeconds < 10 || rolloutTimeoutSeconds > 3600) {
        read.refuse(
            "rolloutTimeoutSeconds",
            `${shown(rolloutValue)} is not a number of seconds from 10 to 3600. Fix: ${setCommand("rolloutTimeoutSeconds", 600)}`,
        );
    }
    return {
        kind: "kubernetes",
        rolloutTimeoutSeconds,
        kubeconfig,
        clusterStack: clusterStackValue === "" ? undefined : clusterStackValue,
        arch: read.oneOf("hostArch", ARCHITECTURES, "amd64"),
        namespace,
        replicas,
        maxReplicas,
        resources: {
            cpuRequest: cpuRequest.value,
            cpuLimit: cpuLimit.value,
            memoryRequest: memoryRequest.value,
            memoryLimit: memoryLimit.value,
        },
        serviceType,
        loadBalancerSourceRanges,
        nodePort,
        nodeAddress: nodeAddressValue === "" ? undefined : nodeAddressValue,
        imageRepository: repositoryValue === "" ? undefined : repositoryValue,
    };
}
