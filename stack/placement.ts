// The two axes of the composition meet here. A target says where the service runs and hands a
// mode what it needs from there (a Placement); a mode says how the service runs there.
import type * as command from "@pulumi/command";
import type * as pulumi from "@pulumi/pulumi";

import type { ImageRegistry } from "../components/container/imageRegistry";
import type { StackConfig } from "../config";
import type { StackOptions, StackOutputs } from "./outputs";

/** Everything a target or a mode reads; built once by deployStack. */
export interface StackContext {
    cfg: Readonly<StackConfig>;
    options: StackOptions;
    /** The component names (and the service's name); child resources derive theirs from it. */
    name: string;
    appDir: string;
    buildCacheDir: string;
    tags: Record<string, string>;
    /** The service's settings, plain and secret (DB_PASSWORD stays a Pulumi secret). */
    environment: Record<string, string>;
    secretEnvironment: Record<string, pulumi.Output<string>>;
}

/** What a mode asks of its target before the target creates anything. */
export interface PlacementNeeds {
    /** The mode ships an image: the target gives a registry, and a host that can pull from it. */
    images: boolean;
}

/** An image to run, by digest (or, on a dev cluster, by tag). */
export interface ImageToRun {
    imageRef: pulumi.Input<string>;
    version: string;
}

/** What a target gives a mode. */
export interface Placement {
    /** Where the service answers, from the machine running Pulumi; a target that runs images itself tells it from run(). */
    url?: pulumi.Output<string>;
    /** The target's own outputs (instanceId, publicIp). */
    outputs: Partial<StackOutputs>;
    /** Targets reached over SSH: how to log in, and whether to open the host firewall. */
    host?: {
        connection: pulumi.Input<command.types.input.remote.ConnectionArgs>;
        hostFirewall: boolean;
    };
    /** When `images` was asked for: where images are pushed, and the login the host needs to pull. */
    registry?: {
        push: pulumi.Input<ImageRegistry>;
        hostLogin?: pulumi.Input<ImageRegistry>;
    };
    /** aws: the security group the stack opened the app port in (the reachability check reads it). */
    securityGroupId?: pulumi.Output<string>;
    /** Targets that run images themselves (a cluster): the workload, its URL and its outputs. */
    run?: (image: ImageToRun) => Deployed;
}

/** What a mode (or a target that runs images) deployed: the stack's outputs, and the release's identity. */
export interface Deployed {
    outputs: Partial<StackOutputs>;
    /** The binary's digest or the image reference: a new one re-runs the reachability check. */
    releaseId: pulumi.Input<string>;
}

export interface Target {
    place(ctx: StackContext, needs: PlacementNeeds): Placement;
}

export interface Mode {
    needs: PlacementNeeds;
    /**
     * Runs before any target resource: the systemd mode builds the binary here, so a compile
     * error registers nothing remote.
     */
    prepare(ctx: StackContext): (placement: Placement) => Deployed;
}
