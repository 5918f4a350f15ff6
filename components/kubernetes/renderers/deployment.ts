// The Deployment that runs the app's image. What each part is for:
//
// - Rolling update with maxUnavailable 0 and maxSurge 1: a new pod must be Ready before an old one
//   is told to stop, so a release never runs below the replica count, and a release whose pods
//   never get ready leaves every old pod serving.
// - Probes: a startup probe on /healthz gives a new process `startupSeconds` to come up before the
//   liveness probe (also /healthz) may restart it; readiness is /readyz, which the app turns 503
//   the moment SIGTERM arrives.
// - Draining: SIGTERM comes at the same time as the pod leaves the Service's endpoints, and
//   kube-proxy takes a moment to hear of it. The app keeps serving for SHUTDOWN_DELAY (drainSeconds)
//   and then lets in-flight requests finish within SHUTDOWN_TIMEOUT; the grace period before SIGKILL
//   covers both plus a margin.
// - Security: non-root (uid/gid 65532, the image's USER), read-only root filesystem (a small
//   in-memory /tmp is the only writable path), no privilege escalation, no capabilities, the
//   runtime's default seccomp profile, no service-account token and no service-link variables (a
//   Service named "db" would otherwise inject DB_PORT=tcp://..., which the app refuses). This is
//   the "restricted" Pod Security Standard.
// - Topology spread over nodes and zones, as a preference (one-node clusters still schedule), per
//   ReplicaSet (matchLabelKeys pod-template-hash), so a rollout spreads its own pods.
// - When the rollout counts as done: see rolloutAwait.ts.
// - GOMEMLIMIT at 90% of the memory limit: the Go runtime collects garbage harder before the kernel
//   would kill the container.
// Pure: no Pulumi.

import { CHECKSUM_ANNOTATION, ObjectMeta, releaseLabels, selectorLabels, versionAnnotations } from "./labels";
import { parseMemory } from "./quantity";
import { rolloutAwaitAnnotations } from "./rolloutAwait";
import { imagePullPolicy, KubernetesServiceSettings } from "./settings";

/** The uid and gid app/Dockerfile runs as (USER 65532:65532). */
export const APP_UID = 65532;
/** Seconds of margin between the app's own longest shutdown and SIGKILL. */
export const GRACE_MARGIN_SECONDS = 5;
export const CONTAINER_NAME = "app";

export interface DeploymentInputs {
    settings: KubernetesServiceSettings;
    configMapName: string;
    /** Undefined when the service has no secret settings (no Secret is made). */
    secretName?: string;
    checksum: string;
    imagePullSecrets?: readonly string[];
}

export interface DeploymentSpecObject {
    metadata: ObjectMeta;
    spec: Record<string, unknown>;
}

/** SHUTDOWN_DELAY + SHUTDOWN_TIMEOUT + margin: SIGKILL comes only after the app's own deadline. */
export function terminationGracePeriodSeconds(s: { drainSeconds: number; shutdownTimeoutSeconds: number }): number {
    return s.drainSeconds + s.shutdownTimeoutSeconds + GRACE_MARGIN_SECONDS;
}

export function goMemoryLimit(memoryLimit: string): string {
    return String(Math.floor(parseMemory("resources.memoryLimit", memoryLimit) * 0.9));
}

export function renderDeployment(d: DeploymentInputs): DeploymentSpecObject {
    const s = d.settings;
    const selector = selectorLabels(s.appName);
    const spread = (topologyKey: string) => ({
        maxSkew: 1,
        topologyKey,
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: { matchLabels: selector },
        matchLabelKeys: ["pod-template-hash"],
    });
    const envFrom: Record<string, unknown>[] = [{ configMapRef: { name: d.configMapName } }];
    if (d.secretName !== undefined) envFrom.push({ secretRef: { name: d.secretName } });
    const httpGet = (path: string) => ({ httpGet: { path, port: "http", scheme: "HTTP" } });

    const container = {
        name: CONTAINER_NAME,
        image: s.imageRef,
        imagePullPolicy: imagePullPolicy(s.imageRef),
        ports: [{ name: "http", containerPort: s.port, protocol: "TCP" }],
        // Set here, not in the ConfigMap: the probes, the Service and the grace period follow them.
        env: [
            { name: "HOST", value: "0.0.0.0" },
            { name: "PORT", value: String(s.port) },
            { name: "SHUTDOWN_TIMEOUT", value: `${s.shutdownTimeoutSeconds}s` },
            { name: "SHUTDOWN_DELAY", value: `${s.drainSeconds}s` },
            { name: "GOMEMLIMIT", value: goMemoryLimit(s.resources.memoryLimit) },
        ],
        envFrom,
        resources: {
            requests: { cpu: s.resources.cpuRequest, memory: s.resources.memoryRequest },
            limits: { cpu: s.resources.cpuLimit, memory: s.resources.memoryLimit },
        },
        // Checked every second until it first answers, so a pod is Ready soon after its process is.
        startupProbe: { ...httpGet("/healthz"), periodSeconds: 1, timeoutSeconds: 1, failureThreshold: s.startupSeconds },
        readinessProbe: { ...httpGet("/readyz"), periodSeconds: 2, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 2 },
        livenessProbe: { ...httpGet("/healthz"), periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
        securityContext: {
            runAsNonRoot: true,
            runAsUser: APP_UID,
            runAsGroup: APP_UID,
            allowPrivilegeEscalation: false,
            privileged: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
        },
        volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
        terminationMessagePolicy: "FallbackToLogsOnError",
    };

    const podSpec: Record<string, unknown> = {
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        terminationGracePeriodSeconds: terminationGracePeriodSeconds(s),
        securityContext: {
            runAsNonRoot: true,
            runAsUser: APP_UID,
            runAsGroup: APP_UID,
            seccompProfile: { type: "RuntimeDefault" },
        },
        topologySpreadConstraints: [spread("kubernetes.io/hostname"), spread("topology.kubernetes.io/zone")],
        containers: [container],
        volumes: [{ name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "16Mi" } }],
    };
    if (d.imagePullSecrets && d.imagePullSecrets.length > 0) {
        podSpec.imagePullSecrets = d.imagePullSecrets.map((name) => ({ name }));
    }

    return {
        metadata: {
            name: s.appName,
            namespace: s.namespace,
            labels: releaseLabels(s.appName, s.version),
            annotations: { ...versionAnnotations(s.version), ...rolloutAwaitAnnotations() },
        },
        spec: {
            // The starting count; the HorizontalPodAutoscaler owns it afterwards (the component
            // tells Pulumi to leave spec.replicas alone, or each release would fight the autoscaler).
            replicas: s.replicas,
            revisionHistoryLimit: 5,
            selector: { matchLabels: selector },
            strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
            template: {
                metadata: {
                    labels: releaseLabels(s.appName, s.version),
                    annotations: { ...versionAnnotations(s.version), [CHECKSUM_ANNOTATION]: d.checksum },
                },
                spec: podSpec,
            },
        },
    };
}
