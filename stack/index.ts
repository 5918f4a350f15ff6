// deployStack(cfg): the product's composition, along its two axes. The target (targets/) says
// where the service runs and gives the mode what it needs from there; the mode (modes/) says how
// it runs there. Config in, components wired, outputs out: the knowledge lives in the components.
//
//   target aws  -> AppHost (security group, key pair, instance): the SSH connection and the URL
//   target ssh  -> the connection and the URL come from config
//   target kubernetes -> a cluster provider; the cluster runs the image (KubernetesService)
//   mode systemd   -> GoBinary (built first, for the target's CPU) + SystemdService
//   mode container -> AppImage (for the target's platform) + ContainerService
//   then, whatever the target and mode, a ReachabilityCheck of the URL from this machine
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

import { ReachabilityCheck } from "../components/reachability";
import { serviceEnvironment } from "../components/shared/appEnvironment";
import type { DeployMode, DeployTarget, StackConfig } from "../config";
import type { StackOptions, StackOutputs } from "./outputs";
import type { Mode, StackContext, Target } from "./placement";

export { LOCAL_REGISTRY, StackOptions, StackOutputs } from "./outputs";

// Loaded on first use: a stack loads only its own target's and mode's components, and with them
// only the provider SDKs it uses (@pulumi/aws alone takes seconds to load; a preview pays it).
/* eslint-disable @typescript-eslint/no-require-imports */
const TARGETS: Readonly<Record<DeployTarget, () => Target>> = {
    aws: () => (require("./targets/aws") as typeof import("./targets/aws")).awsTarget,
    ssh: () => (require("./targets/ssh") as typeof import("./targets/ssh")).sshTarget,
    kubernetes: () => (require("./targets/kubernetes") as typeof import("./targets/kubernetes")).kubernetesTarget,
};
const MODES: Readonly<Record<DeployMode, () => Mode>> = {
    systemd: () => (require("./modes/systemd") as typeof import("./modes/systemd")).systemdMode,
    container: () => (require("./modes/container") as typeof import("./modes/container")).containerMode,
};
/* eslint-enable @typescript-eslint/no-require-imports */

const REPOSITORY = path.join(__dirname, "..");

export function deployStack(cfg: Readonly<StackConfig>, options: StackOptions = {}): StackOutputs {
    const { environment, secretEnvironment } = serviceEnvironment({
        appEnv: cfg.appEnv,
        logLevel: cfg.logLevel,
        port: cfg.appPort,
        db: cfg.db,
    });
    const ctx: StackContext = {
        cfg,
        options,
        name: "gin-app",
        appDir: options.appDir ?? path.join(REPOSITORY, "app"),
        buildCacheDir: options.buildCacheDir ?? path.join(REPOSITORY, ".gin-deploy", "build"),
        tags: { project: "gin-deploy", stack: cfg.stack, environment: cfg.environment },
        environment,
        secretEnvironment,
    };
    const mode = MODES[cfg.mode]();
    const deploy = mode.prepare(ctx);
    const placement = TARGETS[cfg.target.kind]().place(ctx, mode.needs);
    const { outputs: deployed, releaseId } = deploy(placement);
    const url = deployed.url ?? placement.url;
    if (!url) {
        throw new Error(`target ${cfg.target.kind} with mode ${cfg.mode} tells no URL`);
    }
    const version = deployed.version ?? pulumi.output(cfg.release.version);
    // From the machine running Pulumi, after the release: what the host's own health gate cannot see.
    new ReachabilityCheck(ctx.name, {
        url,
        expectedVersion: version,
        releaseId,
        enabled: cfg.reachabilityCheck,
        disabledReason: "gin-deploy:reachabilityCheck is false for this stack (e.g. a private subnet)",
        appPort: cfg.appPort,
        securityGroupId: placement.securityGroupId,
        serviceName: ctx.name,
    });
    return { url, version, mode: cfg.mode, ...placement.outputs, ...deployed };
}
