// What the stack exports, and where it takes things from on the machine running Pulumi.
import type * as pulumi from "@pulumi/pulumi";

import type { ImageRegistry } from "../components/container/imageRegistry";
import type { DeployMode } from "../config";

export interface StackOutputs {
    /** Where the service answers. */
    url: pulumi.Output<string>;
    /** The release the host serves. */
    version: pulumi.Output<string>;
    mode: DeployMode;
    instanceId?: pulumi.Output<string>;
    publicIp?: pulumi.Output<string>;
    /** Targets reached over SSH: the host key every connection pins ("ssh-ed25519 AAAA..."). */
    sshHostKey?: pulumi.Output<string>;
    /** Container mode: the image, pinned by digest. */
    imageRef?: pulumi.Output<string>;
    /** Systemd mode: the service's name; kubernetes: the Service's name. */
    serviceName?: pulumi.Output<string>;
    /** Kubernetes: the Deployment and its namespace. */
    deploymentName?: pulumi.Output<string>;
    namespace?: pulumi.Output<string>;
}

/** Where things are on the machine running Pulumi; tests point these at fixtures. */
export interface StackOptions {
    /** The Go module to deploy; default app/ in the repository. */
    appDir?: string;
    /** The build cache; default .gin-deploy/build in the repository. */
    buildCacheDir?: string;
    /** Container mode on ssh targets: where images go; default the local registry on 127.0.0.1:5000. */
    imageRegistry?: ImageRegistry;
    /** Container mode: base image overrides (stand-ins where nothing can be pulled). */
    builderImage?: string;
    runtimeImage?: string;
}

/** The registry container mode uses on ssh targets (local/registry.sh). */
export const LOCAL_REGISTRY: ImageRegistry = { server: "127.0.0.1:5000", repository: "127.0.0.1:5000/gin-app" };
