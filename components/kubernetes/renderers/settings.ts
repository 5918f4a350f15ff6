// The settings every Kubernetes object of the service is rendered from, and the checks that run
// before any object exists: each bad value is named with what is allowed, all of them at once.
// What the API server would refuse anyway (a selector that misses its pods, an HPA whose maximum is
// below its minimum) cannot be produced here, because the renderers derive both sides from one
// setting. Pure: no Pulumi.

import { cidrProblem } from "../../rules/cidr";
import { SHA256 } from "../../rules/digest";
import { PORT_MAX, PORT_MIN } from "../../rules/port";
import { parseCpu, parseMemory } from "./quantity";

export type ServiceType = "ClusterIP" | "NodePort" | "LoadBalancer";
export const SERVICE_TYPES: readonly ServiceType[] = ["ClusterIP", "NodePort", "LoadBalancer"];

export interface ResourceSettings {
    cpuRequest: string;
    cpuLimit: string;
    memoryRequest: string;
    memoryLimit: string;
}

/** The settings known before any Output resolves: sizes, counts, ports and timings. */
export interface ShapeSettings {
    /** Names the Deployment, Service, PDB and HPA and is the `app.kubernetes.io/name` label. */
    appName: string;
    /** The container port, the app's PORT. */
    port: number;
    replicas: number;
    minReplicas: number;
    maxReplicas: number;
    /** The HPA's target: average CPU use as a percentage of the request. */
    targetCpuUtilizationPercent: number;
    resources: ResourceSettings;
    /** loadBalancerSourceRanges: the blocks a LoadBalancer admits (none: the whole internet). */
    service: { type: ServiceType; port: number; nodePort?: number; loadBalancerSourceRanges?: readonly string[] };
    /** The app's SHUTDOWN_TIMEOUT: how long in-flight requests may run after SIGTERM. */
    shutdownTimeoutSeconds: number;
    /** The app's SHUTDOWN_DELAY: it keeps serving (readiness 503) this long after SIGTERM while endpoints update. */
    drainSeconds: number;
    /** How long a new pod may take to answer /healthz before the kubelet restarts it. */
    startupSeconds: number;
}

/** The settings that may come from Outputs, resolved. */
export interface ReleaseSettings {
    namespace: string;
    /** repository@sha256:<digest> (or repository:tag, never latest). */
    imageRef: string;
    version: string;
    environment: Readonly<Record<string, string>>;
    /** The names of the secret variables; their values never reach a renderer but the Secret's. */
    secretKeys: readonly string[];
}

export type KubernetesServiceSettings = ShapeSettings & ReleaseSettings;

// DNS-1035 label: what a Service name must be (and so every object named after the app).
const DNS_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
// DNS-1123 label: a namespace.
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const IMAGE_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]{1,5})?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** Variables the component sets itself, from its own settings, and what to set instead. */
export const OWNED_VARIABLES: Readonly<Record<string, string>> = {
    SHUTDOWN_TIMEOUT: "shutdownTimeoutSeconds",
    SHUTDOWN_DELAY: "drainSeconds",
    GOMEMLIMIT: "resources.memoryLimit",
};

/** Collects problems so that all are reported in one message. */
class Problems {
    readonly list: string[] = [];
    add(text: string): void {
        this.list.push(text);
    }
    check(fn: () => void): void {
        try {
            fn();
        } catch (err) {
            this.add((err as Error).message);
        }
    }
    throwIfAny(subject: string): void {
        if (this.list.length === 0) return;
        const n = this.list.length;
        throw new Error(
            `${subject} has ${n} problem${n === 1 ? "" : "s"}; nothing was deployed:\n${this.list.map((p) => `  - ${p}`).join("\n")}`,
        );
    }
}

function wholeNumber(problems: Problems, field: string, value: number, lo: number, hi: number): boolean {
    if (!Number.isInteger(value) || value < lo || value > hi) {
        problems.add(`${field} = ${JSON.stringify(value)} must be a whole number from ${lo} to ${hi}`);
        return false;
    }
    return true;
}

/** Throws one error naming every bad size, count, port or timing. `subject` names the component. */
export function validateShape(subject: string, s: ShapeSettings): void {
    const p = new Problems();
    if (!DNS_LABEL.test(s.appName)) {
        p.add(
            `appName = ${JSON.stringify(s.appName)} must be a DNS label (what a Service may be called): up to 63 lowercase letters, digits and -, starting with a letter`,
        );
    }
    wholeNumber(p, "port", s.port, PORT_MIN, PORT_MAX);
    const counts = [
        wholeNumber(p, "replicas", s.replicas, 1, 1000),
        wholeNumber(p, "minReplicas", s.minReplicas, 1, 1000),
        wholeNumber(p, "maxReplicas", s.maxReplicas, 1, 1000),
    ];
    if (counts.every(Boolean)) {
        if (s.maxReplicas < s.minReplicas) {
            p.add(
                `maxReplicas = ${s.maxReplicas} is below minReplicas = ${s.minReplicas}: the autoscaler needs maxReplicas >= minReplicas`,
            );
        } else if (s.replicas < s.minReplicas || s.replicas > s.maxReplicas) {
            p.add(
                `replicas = ${s.replicas} must lie from minReplicas (${s.minReplicas}) to maxReplicas (${s.maxReplicas}): it is the count the Deployment starts with before the autoscaler takes over`,
            );
        }
    }
    wholeNumber(p, "targetCpuUtilizationPercent", s.targetCpuUtilizationPercent, 1, 1000);

    const cpu: Record<string, number> = {};
    const memory: Record<string, number> = {};
    for (const key of ["cpuRequest", "cpuLimit"] as const)
        p.check(() => {
            cpu[key] = parseCpu(`resources.${key}`, s.resources[key]);
        });
    for (const key of ["memoryRequest", "memoryLimit"] as const)
        p.check(() => {
            memory[key] = parseMemory(`resources.${key}`, s.resources[key]);
        });
    if (cpu.cpuRequest !== undefined && cpu.cpuLimit !== undefined && cpu.cpuLimit < cpu.cpuRequest) {
        p.add(
            `resources.cpuLimit = "${s.resources.cpuLimit}" is below resources.cpuRequest = "${s.resources.cpuRequest}": a limit must be at least its request`,
        );
    }
    if (memory.memoryRequest !== undefined && memory.memoryLimit !== undefined && memory.memoryLimit < memory.memoryRequest) {
        p.add(
            `resources.memoryLimit = "${s.resources.memoryLimit}" is below resources.memoryRequest = "${s.resources.memoryRequest}": a limit must be at least its request`,
        );
    }

    if (!SERVICE_TYPES.includes(s.service.type)) {
        p.add(`service.type = ${JSON.stringify(s.service.type)} must be one of ${SERVICE_TYPES.join(", ")}`);
    }
    wholeNumber(p, "service.port", s.service.port, PORT_MIN, PORT_MAX);
    if (s.service.nodePort !== undefined) {
        if (s.service.type === "ClusterIP") {
            p.add(
                `service.nodePort = ${s.service.nodePort} needs service.type NodePort or LoadBalancer (a ClusterIP Service has no node port)`,
            );
        } else {
            // The cluster's own range (30000-32767 unless its API server says otherwise) is the API server's to check.
            wholeNumber(p, "service.nodePort", s.service.nodePort, PORT_MIN, PORT_MAX);
        }
    }

    const ranges = s.service.loadBalancerSourceRanges;
    if (ranges !== undefined) {
        if (s.service.type !== "LoadBalancer") {
            p.add(
                `service.loadBalancerSourceRanges needs service.type LoadBalancer (a ${s.service.type} Service ignores it): remove it, or use a LoadBalancer`,
            );
        }
        ranges.forEach((range, i) => {
            const problem = typeof range === "string" ? cidrProblem(range) : "is not a string";
            if (problem) p.add(`service.loadBalancerSourceRanges[${i}] = ${JSON.stringify(range)} ${problem}`);
        });
    }

    const timeoutOk = wholeNumber(p, "shutdownTimeoutSeconds", s.shutdownTimeoutSeconds, 1, 600);
    const drainOk = wholeNumber(p, "drainSeconds", s.drainSeconds, 0, 600);
    if (timeoutOk && drainOk && s.drainSeconds >= s.shutdownTimeoutSeconds) {
        p.add(
            `drainSeconds = ${s.drainSeconds} must be shorter than shutdownTimeoutSeconds = ${s.shutdownTimeoutSeconds} (the app refuses SHUTDOWN_DELAY >= SHUTDOWN_TIMEOUT)`,
        );
    }
    wholeNumber(p, "startupSeconds", s.startupSeconds, 2, 3600);
    p.throwIfAny(subject);
}

/** Throws one error naming every bad namespace, image, version or variable. Values of secrets are never read. */
export function validateRelease(subject: string, shape: ShapeSettings, r: ReleaseSettings): void {
    const p = new Problems();
    if (!NAMESPACE.test(r.namespace)) {
        p.add(`namespace = ${JSON.stringify(r.namespace)} must be a DNS label: up to 63 lowercase letters, digits and -`);
    }
    p.check(() => imagePullPolicy(r.imageRef));
    if (r.version === "" || r.version.length > 128 || /[\x00-\x1f\x7f]/.test(r.version) || r.version === "latest") {
        p.add(`version = ${JSON.stringify(r.version)} must name the release: 1 to 128 printable characters, not "latest"`);
    }
    for (const key of Object.keys(r.environment).sort()) {
        const value = r.environment[key];
        if (!ENV_NAME.test(key)) {
            p.add(
                `environment key ${JSON.stringify(key)} is not an environment variable name: use letters, digits and _, not starting with a digit`,
            );
        } else if (OWNED_VARIABLES[key]) {
            p.add(
                `environment.${key} is set by KubernetesService from ${OWNED_VARIABLES[key]} (the probes and grace period follow it): set that instead`,
            );
        } else if (key === "PORT" && value !== String(shape.port)) {
            p.add(
                `environment.PORT = ${JSON.stringify(value)} differs from port = ${shape.port}: the probes and the Service use port; drop PORT or make them equal`,
            );
        } else if (key === "HOST" && value !== "0.0.0.0") {
            p.add(
                `environment.HOST = ${JSON.stringify(value)}: in a pod the app must listen on every interface (0.0.0.0) for the kubelet's probes and the Service to reach it`,
            );
        } else if (typeof value !== "string") {
            p.add(`environment.${key} must be a string, got ${typeof value}`);
        }
    }
    for (const key of [...r.secretKeys].sort()) {
        if (!ENV_NAME.test(key)) {
            p.add(
                `secretEnvironment key ${JSON.stringify(key)} is not an environment variable name: use letters, digits and _, not starting with a digit`,
            );
        } else if (key in r.environment) {
            p.add(`${key} is given in both environment and secretEnvironment: keep it in one (secrets in secretEnvironment)`);
        } else if (OWNED_VARIABLES[key] || key === "PORT" || key === "HOST") {
            p.add(`secretEnvironment.${key} is not a secret but a setting of KubernetesService: remove it`);
        }
    }
    p.throwIfAny(subject);
}

/**
 * IfNotPresent for a digest (it names one image for good), Always for a tag (it may move).
 * Throws for anything else, `latest` included.
 */
export function imagePullPolicy(imageRef: string): "IfNotPresent" | "Always" {
    const at = imageRef.indexOf("@");
    if (at >= 0) {
        const name = imageRef.slice(0, at);
        const digest = imageRef.slice(at + 1);
        if (IMAGE_NAME.test(name) && digest.startsWith("sha256:") && SHA256.test(digest.slice(7))) return "IfNotPresent";
    } else {
        const colon = imageRef.lastIndexOf(":");
        const slash = imageRef.lastIndexOf("/");
        if (colon > slash) {
            const name = imageRef.slice(0, colon);
            const tag = imageRef.slice(colon + 1);
            if (IMAGE_NAME.test(name) && TAG.test(tag) && tag !== "latest") return "Always";
        }
    }
    throw new Error(
        `imageRef = ${JSON.stringify(imageRef)} must be an image by digest, repository@sha256:<64 hex> ` +
            `(AppImage.imageRef, or the digest CI pushed), or at least repository:<tag> other than latest`,
    );
}
