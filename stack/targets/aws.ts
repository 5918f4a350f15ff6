// target: aws — an EC2 instance this stack creates (AppHost: security group, key pair, instance,
// and a boot step that waits for cloud-init). A mode that ships images gets an ECR registry, an
// instance role that may pull from it, and first-boot setup that installs Docker and the units.
import { AppHost } from "../../components/aws/appHost";
import { EcrRegistry } from "../../components/aws/ecrRegistry";
import { ContainerService } from "../../components/container/containerService";
import type { AwsTargetConfig } from "../../config";
import type { Placement, PlacementNeeds, StackContext, Target } from "../placement";

const ECR_READ_ONLY_POLICY = "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly";

export const awsTarget: Target = {
    place(ctx: StackContext, needs: PlacementNeeds): Placement {
        const target = ctx.cfg.target as AwsTargetConfig;
        // The registry first: the host's first-boot setup names it.
        const ecr = needs.images ? new EcrRegistry(ctx.name, { tags: ctx.tags }) : undefined;
        const host = new AppHost(ctx.name, {
            instanceType: target.instanceType,
            ami: target.amiId,
            appPort: ctx.cfg.appPort,
            sshPort: target.port,
            appCidrs: target.appCidrs,
            sshCidrs: target.sshCidrs,
            sshUser: target.user,
            sshPublicKey: target.sshPublicKey,
            sshPrivateKey: target.privateKey,
            tags: ctx.tags,
            userData: ecr?.server.apply((registryServer) =>
                ContainerService.firstBootUserData({
                    region: target.region,
                    registryServer,
                    serviceName: ctx.name,
                    port: ctx.cfg.appPort,
                }),
            ),
            managedPolicyArns: ecr ? [ECR_READ_ONLY_POLICY] : undefined,
        });
        return {
            url: host.appUrl,
            outputs: { instanceId: host.instanceId, publicIp: host.publicIp, sshHostKey: host.hostKey },
            securityGroupId: host.securityGroupId,
            host: { connection: host.connection, hostFirewall: false },
            registry: ecr ? { push: ecr.registry, hostLogin: ecr.registry } : undefined,
        };
    },
};
