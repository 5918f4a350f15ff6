// target: kubernetes — a cluster, reached through a kubeconfig (secret config) or another stack's
// `kubeconfig` output (an EKS stack, say) by a StackReference. The cluster runs the image itself
// (KubernetesService: Deployment, Service, PDB, HPA, ConfigMap and Secret); the mode is container.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { KubernetesService } from "../../components/kubernetes/kubernetesService";
import type { KubernetesTargetConfig } from "../../config";
import type { ImageToRun, Placement, PlacementNeeds, StackContext, Target } from "../placement";

export const kubernetesTarget: Target = {
    place(ctx: StackContext, needs: PlacementNeeds): Placement {
        const target = ctx.cfg.target as KubernetesTargetConfig;
        const kubeconfig = target.clusterStack
            ? pulumi.secret(new pulumi.StackReference(`${ctx.name}-cluster`, { name: target.clusterStack }).requireOutput("kubeconfig"))
            : target.kubeconfig;
        const provider = new k8s.Provider(`${ctx.name}-cluster`, { kubeconfig: kubeconfig as pulumi.Output<string> });
        const repository = target.imageRepository;
        return {
            outputs: {},
            registry: needs.images && repository ? { push: { server: repository.split("/")[0], repository } } : undefined,
            run: (image: ImageToRun) => {
                const service = new KubernetesService(ctx.name, {
                    provider,
                    namespace: target.namespace,
                    createNamespace: true,
                    imageRef: image.imageRef,
                    version: image.version,
                    port: ctx.cfg.appPort,
                    environment: ctx.environment,
                    secretEnvironment: ctx.secretEnvironment,
                    replicas: target.replicas,
                    minReplicas: target.replicas,
                    maxReplicas: target.maxReplicas,
                    resources: target.resources,
                    service: {
                        type: target.serviceType,
                        nodePort: target.nodePort,
                        ...(target.loadBalancerSourceRanges.length > 0
                            ? { loadBalancerSourceRanges: target.loadBalancerSourceRanges }
                            : {}),
                    },
                    nodeAddress: target.nodeAddress,
                    rolloutTimeoutSeconds: target.rolloutTimeoutSeconds,
                });
                return {
                    outputs: {
                        url: service.serviceAddress,
                        version: service.version,
                        imageRef: pulumi.output(image.imageRef),
                        serviceName: service.serviceName,
                        deploymentName: service.deploymentName,
                        namespace: service.namespace,
                    },
                    // Known once the Deployment's rollout is done: the check waits for it.
                    releaseId: pulumi.all([service.deploymentName, image.imageRef]).apply(([, ref]) => ref),
                };
            },
        };
    },
};
