// deployStack(cfg): the product's composition. Config in, components wired per target and mode,
// outputs out; the knowledge lives in the components and renderers, not here.
//
//   target aws  -> AppHost (security group, key pair, instance) gives the SSH connection and URL
//   target ssh  -> the connection and URL come from config
//   mode systemd   -> GoBinary (built here, for the host's architecture) + SystemdService
//   mode container -> AppImage (for the host's platform) + ContainerService; on aws an EcrRegistry,
//                     and cloud-init user data that installs Docker on the instance
//
// The binary is built before anything else is registered: a compile error stops the program
// before any remote resource exists.

import * as path from "path";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";

import { AppHost, AppImage, ContainerService, EcrRegistry, GoBinary, ImageRegistry, SystemdService } from "./components";
import { renderContainerCloudInit } from "./components/renderers/container/cloudInit";
import { renderContainerUnits } from "./components/renderers/container/units";
import { serviceEnvironment } from "./components/renderers/shared/serviceEnvironment";
import type { DeployMode, StackConfig } from "./config";

/** Where things are on the machine running Pulumi; tests point these at fixtures. */
export interface StackOptions {
    /** The Go module to deploy; default app/ beside this file. */
    appDir?: string;
    /** The build cache; default .gin-deploy/build beside this file. */
    buildCacheDir?: string;
    /** Container mode on ssh targets: where images go; default the local registry on 127.0.0.1:5000. */
    imageRegistry?: ImageRegistry;
    /** Container mode: base image overrides (stand-ins where nothing can be pulled). */
    builderImage?: string;
    runtimeImage?: string;
}

/** The registry container mode uses on ssh targets (local/registry.sh). */
export const LOCAL_REGISTRY: ImageRegistry = { server: "127.0.0.1:5000", repository: "127.0.0.1:5000/gin-app" };

/** Container mode: the two slots listen next to the app port; the app drains within 20 s. */
const CONTAINER_STOP_TIMEOUT_SECONDS = 30;
const ECR_READ_ONLY_POLICY = "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly";

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

/** The component names (and the service's name); child resources derive theirs from it. */
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

    // Container mode on aws: the registry first, since the host's first-boot setup names it.
    const ecr = cfg.mode === "container" && cfg.target.kind === "aws" ? new EcrRegistry(NAME, { tags }) : undefined;
    const slotPorts = { blue: cfg.appPort + 1, green: cfg.appPort + 2 };

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
            // Container mode: cloud-init installs Docker and the container units, and logs the
            // host in to ECR with the instance role.
            userData: ecr?.server.apply((registryServer) => renderContainerCloudInit({
                region: target.region,
                registryServer,
                units: renderContainerUnits({
                    serviceName: NAME, port: cfg.appPort, slotPorts, stopTimeoutSeconds: CONTAINER_STOP_TIMEOUT_SECONDS,
                }),
            })),
            managedPolicyArns: ecr ? [ECR_READ_ONLY_POLICY] : undefined,
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
    } else {
        const registry: pulumi.Input<ImageRegistry> = ecr ? ecr.registry : options.imageRegistry ?? LOCAL_REGISTRY;
        // The host logs in only where there are credentials (ECR); the local registry is open.
        const hostLogin = ecr ? ecr.registry : options.imageRegistry?.username ? options.imageRegistry : undefined;
        const image = new AppImage(NAME, {
            context: appDir,
            platform: `linux/${target.arch}`,
            version: cfg.release.version,
            commit: cfg.release.commit,
            date: cfg.release.date,
            registry,
            builderImage: options.builderImage,
            runtimeImage: options.runtimeImage,
        });
        const service = new ContainerService(NAME, {
            connection,
            imageRef: image.imageRef,
            version: cfg.release.version,
            port: cfg.appPort,
            environment,
            secretEnvironment,
            registry: hostLogin,
            slotPorts,
            stopTimeoutSeconds: CONTAINER_STOP_TIMEOUT_SECONDS,
        });
        outputs.imageRef = service.imageRef;
    }
    return outputs;
}
