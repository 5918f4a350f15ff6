// deployStack(cfg): the product's composition, along its two axes. The target (targets/) says
// where the service runs and gives the mode what it needs from there; the mode (modes/) says how
// it runs there. Config in, components wired, outputs out: the knowledge lives in the components.
//
//   target aws  -> AppHost (security group, key pair, instance): the SSH connection and the URL
//   target ssh  -> the connection and the URL come from config
//   target kubernetes -> a cluster provider; the cluster runs the image (KubernetesService)
//   mode systemd   -> GoBinary (built first, for the target's CPU) + SystemdService
//   mode container -> AppImage (for the target's platform) + ContainerService
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

import { serviceEnvironment } from "../components";
import type { DeployMode, DeployTarget, StackConfig } from "../config";
import { containerMode } from "./modes/container";
import { systemdMode } from "./modes/systemd";
import type { StackOptions, StackOutputs } from "./outputs";
import type { Mode, StackContext, Target } from "./placement";
import { awsTarget } from "./targets/aws";
import { kubernetesTarget } from "./targets/kubernetes";
import { sshTarget } from "./targets/ssh";

export { LOCAL_REGISTRY, StackOptions, StackOutputs } from "./outputs";

const TARGETS: Readonly<Record<DeployTarget, Target>> = { aws: awsTarget, ssh: sshTarget, kubernetes: kubernetesTarget };
const MODES: Readonly<Record<DeployMode, Mode>> = { systemd: systemdMode, container: containerMode };

const REPOSITORY = path.join(__dirname, "..");

export function deployStack(cfg: Readonly<StackConfig>, options: StackOptions = {}): StackOutputs {
    const { environment, secretEnvironment } = serviceEnvironment({
        appEnv: cfg.appEnv, logLevel: cfg.logLevel, port: cfg.appPort, db: cfg.db,
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
    const mode = MODES[cfg.mode];
    const deploy = mode.prepare(ctx);
    const placement = TARGETS[cfg.target.kind].place(ctx, mode.needs);
    const deployed = deploy(placement);
    const url = deployed.url ?? placement.url;
    if (!url) {
        throw new Error(`target ${cfg.target.kind} with mode ${cfg.mode} tells no URL`);
    }
    return {
        url,
        version: deployed.version ?? pulumi.output(cfg.release.version),
        mode: cfg.mode,
        ...placement.outputs,
        ...deployed,
    };
}
