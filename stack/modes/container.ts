// mode: container — the image from app/Dockerfile built for the target's platform and pushed to
// the target's registry (AppImage), run on the host by digest under systemd (ContainerService).
import { AppImage, ContainerService } from "../../components";
import type { Mode, Placement, StackContext } from "../placement";

export const containerMode: Mode = {
    needs: { images: true },
    prepare(ctx: StackContext) {
        const { cfg } = ctx;
        return (placement: Placement) => {
            if (!placement.host || !placement.registry) {
                throw new Error(`mode container needs a host reached over SSH and a registry; target ${cfg.target.kind} gives neither`);
            }
            const image = new AppImage(ctx.name, {
                context: ctx.appDir,
                platform: `linux/${cfg.target.arch}`,
                version: cfg.release.version,
                commit: cfg.release.commit,
                date: cfg.release.date,
                registry: placement.registry.push,
                builderImage: ctx.options.builderImage,
                runtimeImage: ctx.options.runtimeImage,
            });
            const service = new ContainerService(ctx.name, {
                connection: placement.host.connection,
                imageRef: image.imageRef,
                version: cfg.release.version,
                port: cfg.appPort,
                environment: ctx.environment,
                secretEnvironment: ctx.secretEnvironment,
                registry: placement.registry.hostLogin,
            });
            return { imageRef: service.imageRef };
        };
    },
};
