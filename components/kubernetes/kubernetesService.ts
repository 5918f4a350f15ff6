// gindeploy:kubernetes:KubernetesService — runs the app's image on any Kubernetes cluster the
// caller's provider points at (a kubeconfig, an EKS cluster's stack through a StackReference, or
// renderYamlToDirectory for review without a cluster).
//
// Objects, all in one namespace: a ConfigMap (plain settings) and a Secret (secret settings), both
// autonamed so a change replaces them under a new name; a Deployment whose pod template carries a
// checksum of both, so any settings change rolls the pods (see kubernetes/renderers/ for every
// choice in the specs); a Service; a NetworkPolicy (ingress to the app port only); a
// PodDisruptionBudget; a HorizontalPodAutoscaler. The provider's
// own await logic decides when an `up` is done, on the condition the Deployment's annotation names
// (kubernetes/renderers/rolloutAwait.ts): the rollout must complete (every new pod Ready) within
// rolloutTimeoutSeconds, or `up` fails while the old ReplicaSet keeps serving.

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { configChecksum, secretDigest } from "./renderers/configChecksum";
import { configMapData, renderConfigMap, renderSecret } from "./renderers/configObjects";
import { renderDeployment } from "./renderers/deployment";
import { renderHorizontalPodAutoscaler } from "./renderers/horizontalPodAutoscaler";
import { renderNamespace } from "./renderers/namespace";
import { renderNetworkPolicy } from "./renderers/networkPolicy";
import { renderPodDisruptionBudget } from "./renderers/podDisruptionBudget";
import { renderService } from "./renderers/service";
import {
    KubernetesServiceSettings,
    ResourceSettings,
    ServiceType,
    ShapeSettings,
    validateRelease,
    validateShape,
} from "./renderers/settings";

export type { ResourceSettings, ServiceType } from "./renderers/settings";

export interface KubernetesServiceArgs {
    /** A k8s.Provider the caller makes: from a kubeconfig (secret config), a StackReference, or renderYamlToDirectory. */
    provider: pulumi.ProviderResource;
    /** Default "default". Not created unless createNamespace. */
    namespace?: pulumi.Input<string>;
    /** Create the namespace (enforcing the restricted Pod Security Standard) and delete it with the service. */
    createNamespace?: boolean;
    /** Names the Deployment, Service, PDB and HPA; default: the component's name. A DNS label. */
    appName?: string;
    /** repository@sha256:<digest> (AppImage.imageRef, or what CI pushed); a non-latest tag is pulled Always. */
    imageRef: pulumi.Input<string>;
    /** The release: a label and annotation of the Deployment and its pods; /version reports it. */
    version: pulumi.Input<string>;
    /** The container port (the app's PORT). */
    port: number;
    /** Plain settings (APP_ENV, LOG_LEVEL, DB_HOST, ...) -> ConfigMap. HOST/PORT may be given if they agree. */
    environment: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Secret settings (DB_PASSWORD, ...) -> Secret. Names are fixed here; values are Pulumi secrets. */
    secretEnvironment: Record<string, pulumi.Input<string>>;
    /** The count the Deployment starts with; afterwards the autoscaler keeps it within min..max. */
    replicas: number;
    /** Default: replicas. */
    minReplicas?: number;
    /** Default: replicas. */
    maxReplicas?: number;
    /** The autoscaler's CPU target in % of the request; default 70. */
    targetCpuUtilizationPercent?: number;
    resources: ResourceSettings;
    /**
     * port: the Service's port (default 80); nodePort: fixed node port (NodePort, LoadBalancer);
     * loadBalancerSourceRanges: the blocks a LoadBalancer admits (none: the whole internet).
     */
    service: { type: ServiceType; port?: number; nodePort?: number; loadBalancerSourceRanges?: string[] };
    /** Default true: a NetworkPolicy admits ingress to the app port only. */
    networkPolicy?: boolean;
    /** Where nodes are reached from the caller (e.g. 127.0.0.1 for the local cluster): makes serviceAddress a node-port URL. */
    nodeAddress?: string;
    /** The app's SHUTDOWN_TIMEOUT in seconds; default 20. */
    shutdownTimeoutSeconds?: number;
    /** The app's SHUTDOWN_DELAY in seconds (keeps serving while endpoints update); default 5. */
    drainSeconds?: number;
    /** Seconds a new pod may take to answer /healthz; default 60. */
    startupSeconds?: number;
    /** Seconds `up` waits for a rollout to complete before failing; default 600. */
    rolloutTimeoutSeconds?: number;
    /** Names of docker-registry Secrets in the namespace for a private registry. */
    imagePullSecrets?: string[];
}

type Env = Record<string, string>;

export class KubernetesService extends pulumi.ComponentResource {
    readonly namespace: pulumi.Output<string>;
    readonly deploymentName: pulumi.Output<string>;
    readonly serviceName: pulumi.Output<string>;
    readonly clusterIP: pulumi.Output<string | undefined>;
    /** The Service's port. */
    readonly port: pulumi.Output<number>;
    /** The node port (NodePort and LoadBalancer Services), once the API server assigned it. */
    readonly nodePort: pulumi.Output<number | undefined>;
    /**
     * Where to reach the service: the load balancer's address (LoadBalancer), http://<nodeAddress>:<nodePort>
     * (NodePort with nodeAddress), or else the in-cluster name http://<service>.<namespace>.svc.cluster.local:<port>.
     */
    readonly serviceAddress: pulumi.Output<string>;
    readonly version: pulumi.Output<string>;
    /** The pod template's checksum of the settings (secrets only through a salted scrypt digest). */
    readonly configChecksum: pulumi.Output<string>;

    constructor(name: string, args: KubernetesServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("gindeploy:kubernetes:KubernetesService", name, {}, opts);
        const subject = `KubernetesService "${name}"`;
        const shape: ShapeSettings = {
            appName: args.appName ?? name,
            port: args.port,
            replicas: args.replicas,
            minReplicas: args.minReplicas ?? args.replicas,
            maxReplicas: args.maxReplicas ?? args.replicas,
            targetCpuUtilizationPercent: args.targetCpuUtilizationPercent ?? 70,
            resources: args.resources,
            service: {
                type: args.service.type,
                port: args.service.port ?? 80,
                nodePort: args.service.nodePort,
                loadBalancerSourceRanges: args.service.loadBalancerSourceRanges,
            },
            shutdownTimeoutSeconds: args.shutdownTimeoutSeconds ?? 20,
            drainSeconds: args.drainSeconds ?? 5,
            startupSeconds: args.startupSeconds ?? 60,
        };
        validateShape(subject, shape);
        const rolloutTimeoutSeconds = args.rolloutTimeoutSeconds ?? 600;
        if (!Number.isInteger(rolloutTimeoutSeconds) || rolloutTimeoutSeconds < 10) {
            throw new Error(
                `${subject}: rolloutTimeoutSeconds = ${JSON.stringify(rolloutTimeoutSeconds)} must be a whole number of seconds, at least 10`,
            );
        }
        const secretKeys = Object.keys(args.secretEnvironment).sort();
        const child = { parent: this, provider: args.provider };

        let namespace: pulumi.Output<string> = pulumi.output(args.namespace ?? "default");
        if (args.createNamespace) {
            const ns = new k8s.core.v1.Namespace(
                `${name}-namespace`,
                { metadata: namespace.apply((n) => renderNamespace(n).metadata) },
                child,
            );
            namespace = ns.metadata.name;
        }

        const environment = pulumi.output(args.environment) as pulumi.Output<Env>;
        const version = pulumi.output(args.version);
        const imageRef = pulumi.output(args.imageRef);
        // Every string setting is checked once, before any object is registered with it.
        const settings = pulumi.all([namespace, imageRef, version, environment]).apply(([ns, image, v, env]): KubernetesServiceSettings => {
            const release = { namespace: ns, imageRef: image, version: v, environment: env, secretKeys };
            validateRelease(subject, shape, release);
            return { ...shape, ...release };
        });

        const configMapSpec = settings.apply((s) => renderConfigMap(s.appName, s.namespace, s.environment));
        const configMap = new k8s.core.v1.ConfigMap(
            `${name}-config`,
            {
                metadata: configMapSpec.apply((c) => c.metadata),
                data: configMapSpec.apply((c) => c.data),
            },
            child,
        );

        const secrets = pulumi.all(args.secretEnvironment) as pulumi.Output<Env>;
        const hasSecret = secretKeys.length > 0;
        let secretName: pulumi.Output<string | undefined> = pulumi.output(undefined);
        if (hasSecret) {
            const secretSpec = pulumi.secret(
                pulumi.all([settings, secrets]).apply(([s, values]) => renderSecret(s.appName, s.namespace, values)),
            );
            const secret = new k8s.core.v1.Secret(
                `${name}-secret`,
                {
                    // Only the values are secret; the provider marks the whole object secret anyway.
                    metadata: pulumi.unsecret(secretSpec.apply((x) => x.metadata)),
                    type: "Opaque",
                    stringData: secretSpec.apply((x) => x.stringData),
                },
                child,
            );
            // The name is not secret; left marked, it would hide the whole pod template from every diff.
            secretName = pulumi.unsecret(secret.metadata.name);
        }

        // Computed inside a secret Output; what leaves it is the salted scrypt digest only.
        const checksum = pulumi.unsecret(
            pulumi.secret(
                pulumi
                    .all([settings, secrets])
                    .apply(([s, values]) => configChecksum(configMapData(s.environment), secretDigest(s.namespace, s.appName, values))),
            ),
        );

        const deploymentSpec = pulumi
            .all([settings, configMap.metadata.name, secretName, checksum])
            .apply(([s, configMapName, secret, sum]) =>
                renderDeployment({
                    settings: s,
                    configMapName,
                    secretName: hasSecret ? (secret ?? "") : undefined,
                    checksum: sum,
                    imagePullSecrets: args.imagePullSecrets,
                }),
            );
        // The renderers' specs are plain JSON shaped as the API expects (the API server and the
        // real-engine suite check them); the casts only bridge to the SDK's Input types.
        const deployment = new k8s.apps.v1.Deployment(
            `${name}-deployment`,
            {
                metadata: deploymentSpec.apply((d) => d.metadata),
                spec: deploymentSpec.apply((d) => d.spec as unknown as k8s.types.input.apps.v1.DeploymentSpec),
            },
            {
                ...child,
                // The autoscaler owns the count after creation; applying it again on each release
                // would conflict with its field manager (server-side apply) or undo its scaling.
                ignoreChanges: ["spec.replicas"],
                customTimeouts: { create: `${rolloutTimeoutSeconds}s`, update: `${rolloutTimeoutSeconds}s` },
            },
        );

        const serviceSpec = namespace.apply((ns) => renderService(shape, ns));
        const service = new k8s.core.v1.Service(
            `${name}-service`,
            {
                metadata: serviceSpec.apply((x) => x.metadata),
                spec: serviceSpec.apply((x) => x.spec as k8s.types.input.core.v1.ServiceSpec),
            },
            child,
        );

        if (args.networkPolicy ?? true) {
            const policySpec = namespace.apply((ns) => renderNetworkPolicy(shape, ns));
            new k8s.networking.v1.NetworkPolicy(
                `${name}-network-policy`,
                {
                    metadata: policySpec.apply((x) => x.metadata),
                    spec: policySpec.apply((x) => x.spec as unknown as k8s.types.input.networking.v1.NetworkPolicySpec),
                },
                child,
            );
        }

        const pdbSpec = namespace.apply((ns) => renderPodDisruptionBudget(shape.appName, ns));
        new k8s.policy.v1.PodDisruptionBudget(
            `${name}-pdb`,
            {
                metadata: pdbSpec.apply((x) => x.metadata),
                spec: pdbSpec.apply((x) => x.spec as k8s.types.input.policy.v1.PodDisruptionBudgetSpec),
            },
            child,
        );

        const hpaSpec = namespace.apply((ns) => renderHorizontalPodAutoscaler(shape, ns));
        new k8s.autoscaling.v2.HorizontalPodAutoscaler(
            `${name}-hpa`,
            {
                metadata: hpaSpec.apply((x) => x.metadata),
                spec: hpaSpec.apply((x) => x.spec as unknown as k8s.types.input.autoscaling.v2.HorizontalPodAutoscalerSpec),
            },
            { ...child, dependsOn: [deployment] },
        );

        this.namespace = namespace;
        this.deploymentName = deployment.metadata.name;
        this.serviceName = service.metadata.name;
        this.clusterIP = service.spec.apply((spec) => spec?.clusterIP);
        this.port = pulumi.output(shape.service.port);
        this.nodePort = service.spec.apply((spec) => spec?.ports?.[0]?.nodePort);
        this.version = pulumi.all([version, deployment.metadata]).apply(([v]) => v);
        this.configChecksum = checksum;
        const ingress = service.status.apply((st) => st?.loadBalancer?.ingress?.[0]);
        this.serviceAddress = pulumi.all([this.serviceName, namespace, this.nodePort, ingress]).apply(([svc, ns, nodePort, lb]) => {
            const port = shape.service.port;
            if (shape.service.type === "LoadBalancer" && lb && (lb.hostname || lb.ip)) {
                const host = lb.hostname || (lb.ip.includes(":") ? `[${lb.ip}]` : lb.ip);
                return `http://${host}:${port}`;
            }
            if (shape.service.type !== "ClusterIP" && args.nodeAddress && nodePort) {
                return `http://${args.nodeAddress}:${nodePort}`;
            }
            return `http://${svc}.${ns}.svc.cluster.local:${port}`;
        });
        this.registerOutputs({
            namespace: this.namespace,
            deploymentName: this.deploymentName,
            serviceName: this.serviceName,
            clusterIP: this.clusterIP,
            port: this.port,
            nodePort: this.nodePort,
            serviceAddress: this.serviceAddress,
            version: this.version,
        });
    }
}
