// target: aws — an EC2 instance this stack creates (AppHost: security group, key pair, instance,
// and a boot step that waits for cloud-init). A mode that ships images gets an ECR registry, an
// instance role that may pull from that repository only, and first-boot setup that installs
// Docker, the units and the role's ECR login.
import { AppHost } from "../../components/aws/appHost";
import { EcrRegistry } from "../../components/aws/ecrRegistry";
import { ContainerService } from "../../components/container/containerService";
import type { AwsTargetConfig } from "../../config";
import type { Placement, PlacementNeeds, StackContext, Target } from "../placement";

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
            // Not AWS's AmazonEC2ContainerRegistryReadOnly, which reads every repository of the account.
            inlinePolicies: ecr ? [{ name: "ecr-pull", policy: ecr.pullPolicy }] : undefined,
        });
        return {
            url: host.appUrl,
            outputs: { instanceId: host.instanceId, publicIp: host.publicIp, sshHostKey: host.hostKey },
            securityGroupId: host.securityGroupId,
            host: { connection: host.connection, hostFirewall: false },
            // No hostLogin: the deployer's ECR token never reaches the instance; it pulls with its own
            // role. Its cloud-init logs Docker in (the login script, runcmd's last command; a timer
            // renews it every 6 hours, tokens last 12). The first release cannot race that login:
            // every remote step's connection waits for AppHost's boot step, which waits for
            // `cloud-init status --wait`, i.e. until runcmd has run. A failed login is runcmd's exit
            // status, so cloud-init reports an error and the boot step fails showing its log.
            registry: ecr ? { push: ecr.registry } : undefined,
        };
    },
};
