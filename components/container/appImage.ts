// gindeploy:image:AppImage — the app's container image (S15): app/Dockerfile built for the host's
// platform, stamped with the release (S7) through build args and OCI labels, pushed to the given
// registry with its credentials, and known by digest, so a host runs exactly what was built.
// Built with @pulumi/docker's Image on the engine's BuildKit (the Dockerfile's cache mounts).
//
// For an app without a Dockerfile, `binaryPath` (instead of `context`) takes its prebuilt static
// binary (GoBinary's path) and builds it on `runtimeImage` with a generated minimal Dockerfile
// (container/renderers/binaryDockerfile.ts): an option here rather than a component of its own,
// because the result is the same image with the same outputs for ContainerService, reached
// through the same public AppImage.

import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

import * as path from "path";

import { ImageRegistry } from "./imageRegistry";
import { renderImageBuild } from "./renderers/imageBuild";
import { writeBinaryContext } from "./binaryContext";
import { contextDigest } from "./contextDigest";
import { PINNED_IMAGE } from "../rules/digest";

export interface AppImageArgs {
    /** The build context: the app's folder, holding its Dockerfile. Give this or binaryPath. */
    context?: string;
    /**
     * A prebuilt, fully static Linux binary (GoBinary's path) for an app without a Dockerfile:
     * the image is runtimeImage (default alpine:3.24.1) + the binary at /<its file name>, run as
     * 65532:65532 with the binary as ENTRYPOINT. Give this or context.
     */
    binaryPath?: pulumi.Input<string>;
    /** Where binaryPath's generated build contexts are kept; default .gin-deploy/build/image-context. */
    binaryContextDir?: string;
    /** linux/amd64 or linux/arm64, from the host's architecture. */
    platform: pulumi.Input<string>;
    version: pulumi.Input<string>;
    commit: pulumi.Input<string>;
    date: pulumi.Input<string>;
    /** Where to push; its password, when any, stays a secret. */
    registry: pulumi.Input<ImageRegistry>;
    /** Base image overrides (stand-ins in tests); unset keeps the Dockerfile's pinned defaults. */
    builderImage?: pulumi.Input<string>;
    runtimeImage?: pulumi.Input<string>;
}

export class AppImage extends pulumi.ComponentResource {
    /** REPOSITORY@sha256:..., what ContainerService runs. */
    readonly imageRef: pulumi.Output<string>;
    /** sha256:... */
    readonly digest: pulumi.Output<string>;
    /** REPOSITORY:VERSION (VERSION-<content id> on a registry with immutable tags), the tag pushed beside the digest. */
    readonly imageName: pulumi.Output<string>;

    constructor(name: string, args: AppImageArgs, opts?: pulumi.ComponentResourceOptions) {
        // Refused before anything, this component included, is registered.
        if ((args.context === undefined) === (args.binaryPath === undefined)) {
            throw new Error(
                `AppImage ${name}: give exactly one of context (a folder with a Dockerfile) and binaryPath (a prebuilt static binary, e.g. GoBinary's path); got ${args.context === undefined ? "neither" : "both"}`,
            );
        }
        if (args.binaryPath !== undefined && args.builderImage !== undefined) {
            throw new Error(`AppImage ${name}: builderImage has no use with binaryPath (nothing is compiled in the image): leave it out`);
        }
        super("gindeploy:image:AppImage", name, {}, opts);
        const contextDir = args.binaryContextDir ?? path.join(process.cwd(), ".gin-deploy", "build", "image-context");
        // The generated context holds its Dockerfile at context/Dockerfile, as an app's folder does.
        const context: pulumi.Output<string> =
            args.binaryPath !== undefined
                ? pulumi.output(args.binaryPath).apply((binary) => writeBinaryContext(binary, contextDir).context)
                : pulumi.output(args.context as string);
        const registry = pulumi.output(args.registry);
        // A registry output is secret as a whole (it holds the password); only the password is a
        // secret, so the names are taken out of it in the clear and the image name stays readable.
        const server = pulumi.unsecret(registry.apply((r) => r.server));
        const username = pulumi.unsecret(registry.apply((r) => r.username ?? ""));
        const target = pulumi.unsecret(registry.apply((r) => ({ repository: r.repository, immutableTags: r.immutableTags === true })));
        const build = pulumi
            .all([context, args.platform, args.version, args.commit, args.date, target, args.builderImage, args.runtimeImage])
            .apply(([ctx, platform, version, commit, date, { repository, immutableTags }, builderImage, runtimeImage]) => {
                const settings = { platform, version, commit, date, repository, builderImage, runtimeImage };
                // A version can repeat with other content ("-dirty", a pinned release rebuilt): a
                // registry that never moves a tag gets one named by the content too (contextDigest.ts).
                const contentId = immutableTags ? contextDigest(ctx, settings) : undefined;
                return renderImageBuild({ context: ctx, ...settings, contentId });
            });

        const image = new docker.Image(
            `${name}-image`,
            {
                imageName: build.imageName,
                build: {
                    context,
                    dockerfile: build.dockerfile,
                    platform: args.platform,
                    args: build.args,
                    builderVersion: docker.BuilderVersion.BuilderBuildKit,
                },
                registry: {
                    server,
                    username,
                    password: pulumi.secret(registry.apply((r) => r.password ?? "")),
                },
            },
            { parent: this },
        );

        this.imageName = image.imageName;
        this.imageRef = image.repoDigest.apply((ref) => {
            // Empty only where no provider ran (mocks); after a real push it is always set.
            if (ref && !PINNED_IMAGE.test(ref)) {
                throw new Error(`the image was not pushed by digest (repoDigest "${ref}"): check the registry's server and credentials`);
            }
            return ref;
        });
        this.digest = this.imageRef.apply((ref) => (ref ? ref.slice(ref.indexOf("@") + 1) : ref));
        this.registerOutputs({ imageRef: this.imageRef, digest: this.digest, imageName: this.imageName });
    }
}
