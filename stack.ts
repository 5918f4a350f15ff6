// deployStack(cfg): the product's composition. Config in, components wired per target and mode,
// outputs out; the knowledge lives in the components and renderers, not here.
//
//   target aws  -> AppHost (security group, key pair, instance) gives the SSH connection and URL
//   target ssh  -> the connection and URL come from config
//   mode systemd   -> GoBinary (built here, for the host's architecture) + SystemdService
//   mode container -> AppImage (for the host's platform) + ContainerService
//
// The binary is built before anything else is registered: a compile error stops the program
// before any remote resource exists.

import * as path from "path";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";

import { AppHost, GoBinary, SystemdService } from "./components";
import { serviceEnvironment } from "./components/renderers/serviceEnvironment";
import type { DeployMode, StackConfig } from "./config";

/** Where things are on the machine running Pulumi; tests point these at fixtures. */
export interface StackOptions {
    /** The Go module to deploy; default app/ beside this file. */
    appDir?: string;
    /** The build cache; default .gin-deploy/build beside this file. */
    buildCacheDir?: string;
}

export interface StackOutputs {
    /** Where the service answers. */
    url: pulumi.Output<string>;
    /** The release the host serves. */
    version: pulumi.Output<string>;
    mode: DeployMode;
    instanceId?: pulumi.Output<string>;
    publicIp?: pulumi.Output<string>;
    /** Container mode: the image, pinned by digest. */
    imageRef?: pulumi.Output<string>;
    /** Systemd mode: the service's name. */
    serviceName?: pulumi.Output<string>;
}

/** The component names; child resources derive theirs from these. */
const NAME = "gin-app";

export function deployStack(cfg: Readonly<StackConfig>, options: StackOptions = {}): StackOutputs {
    const appDir = options.appDir ?? path.join(__dirname, "app");
    const buildCacheDir = options.buildCacheDir ?? path.join(__dirname, ".gin-deploy", "build");
    const tags = { project: "gin-deploy", stack: cfg.stack, environment: cfg.environment };
    const environment = serviceEnvironment({
        appEnv: cfg.appEnv, logLevel: cfg.logLevel, port: cfg.appPort, db: cfg.db,
    });
    const secretEnvironment: Record<string, pulumi.Input<string>> = cfg.db.host !== "" ? { DB_PASSWORD: cfg.db.password } : {};

    // Systemd mode: build first (synchronously), so a compile error registers nothing remote.
    const binary = cfg.mode === "systemd"
        ? new GoBinary(NAME, {
            moduleDir: appDir,
            goarch: cfg.target.arch,
            version: cfg.release.version,
            commit: cfg.release.commit,
            date: cfg.release.date,
            cacheDir: buildCacheDir,
        })
        : undefined;

    let connection: command.types.input.remote.ConnectionArgs;
    let url: pulumi.Output<string>;
    let host: AppHost | undefined;
    const target = cfg.target;
    if (target.kind === "aws") {
        host = new AppHost(NAME, {
            instanceType: target.instanceType,
            ami: target.amiId,
            appPort: cfg.appPort,
            sshPort: target.sshPort,
            appCidrs: target.appCidrs,
            sshCidrs: target.sshCidrs,
            sshUser: target.user,
            sshPublicKey: target.sshPublicKey,
            sshPrivateKey: target.privateKey,
            tags,
        });
        connection = host.connection;
        url = host.appUrl;
    } else {
        connection = { host: target.host, port: target.port, user: target.user, privateKey: target.privateKey };
        url = pulumi.output(target.publicUrl);
    }

    const outputs: StackOutputs = {
        url,
        version: pulumi.output(cfg.release.version),
        mode: cfg.mode,
        instanceId: host?.instanceId,
        publicIp: host?.publicIp,
    };

    if (binary) {
        const service = new SystemdService(NAME, {
            connection,
            binaryPath: binary.path,
            binarySha256: binary.sha256,
            version: binary.version,
            port: cfg.appPort,
            environment,
            secretEnvironment,
            hostFirewall: target.kind === "ssh" ? cfg.hostFirewall : false,
        });
        outputs.version = service.version;
        outputs.serviceName = service.serviceName;
    }
    return outputs;
}
