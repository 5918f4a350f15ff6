// The provider the product's dynamic resources run under.
import * as pulumi from "@pulumi/pulumi";

/**
 * The engine's default provider for dynamic resources is handed the stack's whole config, secrets
 * included, and keeps it in the state in plain text (pulumi 3.274). An explicit provider of the
 * same package gets only its own inputs: none.
 */
export class DynamicProvider extends pulumi.ProviderResource {
    constructor(name: string, opts?: pulumi.ResourceOptions) {
        super("pulumi-nodejs", name, {}, opts);
    }
}
