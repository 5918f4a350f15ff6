// target: ssh — any Linux host reachable over SSH; the connection and the URL come from config.
import * as pulumi from "@pulumi/pulumi";

import type { SshTargetConfig } from "../../config";
import { LOCAL_REGISTRY } from "../outputs";
import type { Placement, PlacementNeeds, StackContext, Target } from "../placement";

export const sshTarget: Target = {
    place(ctx: StackContext, needs: PlacementNeeds): Placement {
        const target = ctx.cfg.target as SshTargetConfig;
        const registry = ctx.options.imageRegistry ?? LOCAL_REGISTRY;
        return {
            url: pulumi.output(target.publicUrl),
            outputs: { sshHostKey: pulumi.output(target.hostKey) },
            host: {
                connection: {
                    host: target.host,
                    port: target.port,
                    user: target.user,
                    privateKey: target.privateKey,
                    hostKey: target.hostKey,
                },
                hostFirewall: target.hostFirewall,
            },
            // The local registry is open; a registry with credentials is logged in to on the host.
            registry: needs.images ? { push: registry, hostLogin: registry.username ? registry : undefined } : undefined,
        };
    },
};
