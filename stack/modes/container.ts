// mode: container — the image from app/Dockerfile built for the target's platform and pushed to
// the target's registry (AppImage), or one built elsewhere (gin-deploy:image), run by digest: on a
// host under systemd (ContainerService), or by a target that runs images itself (a cluster).
import * as pulumi from "@pulumi/pulumi";

import { AppImage } from "../../components/container/appImage";
import { ContainerService } from "../../components/container/containerService";
import type { Mode, Placement, StackContext } from "../placement";

function imageRef(ctx: StackContext, placement: Placement): pulumi.Input<string> {
    const { cfg } = ctx;
    if (cfg.image) {
        return cfg.image;
    }
    if (!placement.registry) {
        throw new Error(`mode container builds its image here and needs a registry; target ${cfg.target.kind} gave none`);
    }
    return new AppImage(ctx.name, {
        context: ctx.appDir,
        platform: `linux/${cfg.target.arch}`,
        version: cfg.release.version,
        commit: cfg.release.commit,
        date: cfg.release.date,
        registry: placement.registry.push,
        builderImage: ctx.options.builderImage,
        runtimeImage: ctx.options.runtimeImage,
    }).imageRef;
}

export const containerMode: Mode = {
    needs: { images: true },
    prepare(ctx: StackContext) {
        const { cfg } = ctx;
        return (placement: Placement) => {
            const image = imageRef(ctx, placement);
            if (placement.run) {
                return placement.run({ imageRef: image, version: cfg.release.version });
            }
            if (!placement.host) {
                throw new Error(
                    `mode container needs a host reached over SSH or a target that runs images; target ${cfg.target.kind} is neither`,
                );
            }
            const service = new ContainerService(ctx.name, {
                connection: placement.host.connection,
                imageRef: image,
                version: cfg.release.version,
                port: cfg.appPort,
                environment: ctx.environment,
                secretEnvironment: ctx.secretEnvironment,
                registry: placement.registry?.hostLogin,
                // The reference app drains itself on SIGTERM (docker stop's timeout), so no wait before it.
                drainTimeoutSeconds: 0,
            });
            return { outputs: { imageRef: service.imageRef }, releaseId: service.imageRef };
        };
    },
};
