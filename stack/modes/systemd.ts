// mode: systemd — a static binary built here for the target's CPU (GoBinary), run on the host as
// a hardened, socket-activated unit (SystemdService).
import { GoBinary } from "../../components/build/goBinary";
import { SystemdService } from "../../components/systemd/systemdService";
import type { Mode, Placement, StackContext } from "../placement";

export const systemdMode: Mode = {
    needs: { images: false },
    prepare(ctx: StackContext) {
        const { cfg } = ctx;
        // Built synchronously, before any target resource: a compile error registers nothing remote.
        const binary = new GoBinary(ctx.name, {
            moduleDir: ctx.appDir,
            goarch: cfg.target.arch,
            version: cfg.release.version,
            commit: cfg.release.commit,
            date: cfg.release.date,
            cacheDir: ctx.buildCacheDir,
        });
        return (placement: Placement) => {
            if (!placement.host) {
                throw new Error(`mode systemd needs a host reached over SSH; target ${cfg.target.kind} has none`);
            }
            const service = new SystemdService(ctx.name, {
                connection: placement.host.connection,
                binaryPath: binary.path,
                binarySha256: binary.sha256,
                version: binary.version,
                port: cfg.appPort,
                environment: ctx.environment,
                secretEnvironment: ctx.secretEnvironment,
                hostFirewall: placement.host.hostFirewall,
            });
            return { outputs: { version: service.version, serviceName: service.serviceName }, releaseId: binary.sha256 };
        };
    },
};
