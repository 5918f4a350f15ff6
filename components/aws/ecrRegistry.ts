// gindeploy:image:EcrRegistry — the AWS stack's image registry: an ECR repository with immutable
// tags that scans each pushed image, keeps the last `keepImages` images (older ones expire), and hands out push/pull
// credentials from the account's authorization token (the password a Pulumi secret) to whoever pushes.
// A host pulls with its own role instead: `pullPolicy` is that role's policy, this repository only.
// The local stack needs no component: it passes a plain ImageRegistry for 127.0.0.1:5000.

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import { renderEcrLifecyclePolicy } from "./renderers/ecrLifecyclePolicy";
import { renderEcrPullPolicy } from "./renderers/ecrPullPolicy";
import type { ImageRegistry } from "../container/imageRegistry";

// ImageRegistry lives with its users (container/); re-exported so the "./aws/ecr" subpath still names it.
export type { ImageRegistry } from "../container/imageRegistry";

export interface EcrRegistryArgs {
    /** The repository name; default "gin-app". */
    repositoryName?: pulumi.Input<string>;
    /** Images kept (newer first); older ones expire. Default 10. */
    keepImages?: number;
    /** Delete the repository with its images on destroy; default false (destroy then fails while images remain). */
    forceDelete?: pulumi.Input<boolean>;
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export class EcrRegistry extends pulumi.ComponentResource {
    readonly repositoryUrl: pulumi.Output<string>;
    /** The repository's ARN: what a host's role may pull from (renderEcrPullPolicy). */
    readonly repositoryArn: pulumi.Output<string>;
    /**
     * An IAM policy document (JSON) for a host that pulls from this repository and no other: ECR
     * login and the pull actions on this repository's ARN (e.g. AppHost's inlinePolicies).
     */
    readonly pullPolicy: pulumi.Output<string>;
    readonly server: pulumi.Output<string>;
    /** The registry with its credentials, ready for AppImage and ContainerService (password secret). */
    readonly registry: pulumi.Output<ImageRegistry>;

    constructor(name: string, args: EcrRegistryArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super("gindeploy:image:EcrRegistry", name, {}, opts);
        const policy = renderEcrLifecyclePolicy(args.keepImages ?? 10);

        const repository = new aws.ecr.Repository(
            `${name}-repo`,
            {
                name: args.repositoryName ?? "gin-app",
                imageScanningConfiguration: { scanOnPush: true },
                // A pushed tag never moves (a tag that can be re-pointed is a way to swap what a host
                // pulls). Releases are deployed by digest; AppImage tags VERSION-<content id> here
                // (registry.immutableTags), so a rebuilt version never needs to overwrite a tag.
                imageTagMutability: "IMMUTABLE",
                encryptionConfigurations: [{ encryptionType: "AES256" }],
                forceDelete: args.forceDelete ?? false,
                tags: args.tags,
            },
            { parent: this },
        );

        new aws.ecr.LifecyclePolicy(
            `${name}-lifecycle`,
            {
                repository: repository.name,
                policy,
            },
            { parent: this },
        );

        const token = aws.ecr.getAuthorizationTokenOutput({ registryId: repository.registryId }, { parent: this });
        this.repositoryUrl = repository.repositoryUrl;
        this.repositoryArn = repository.arn;
        this.pullPolicy = repository.arn.apply(renderEcrPullPolicy);
        this.server = repository.repositoryUrl.apply((url) => url.split("/")[0]);
        this.registry = pulumi.secret(
            pulumi
                .all([this.server, repository.repositoryUrl, token.userName, token.password])
                .apply(([server, repositoryUrl, username, password]): ImageRegistry => ({
                    server,
                    repository: repositoryUrl,
                    username,
                    password,
                    immutableTags: true,
                })),
        );
        this.registerOutputs({
            repositoryUrl: this.repositoryUrl,
            repositoryArn: this.repositoryArn,
            server: this.server,
            registry: this.registry,
        });
    }
}
