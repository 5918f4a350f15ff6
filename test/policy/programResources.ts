// The resources a program registers under the unit suite's Pulumi mocks, in the form the policy
// SDK hands them to the rules: the wire form of each registration's inputs (secrets marked,
// assets as asset objects) deserialized by @pulumi/policy itself, with the stack's URN.
import * as pulumi from "@pulumi/pulumi";

import { useStack } from "../support/pulumiMocks";
import { ResourceUnderTest } from "./harness";

// Internal to the SDK (no types): the same function its analyzer applies to every resource.
const { deserializeProperties } = require("@pulumi/policy/deserialize") as {
    deserializeProperties(struct: unknown, proxySecrets: boolean): Record<string, any>;
};

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getObject(): unknown;
}

/**
 * Installs the mocks for `stack` and records every registration until the next call. Returns the
 * list it fills.
 */
export function recordForPolicy(stack: string, config: Record<string, string>, secretKeys: string[]): ResourceUnderTest[] {
    useStack(stack, config, secretKeys);
    const seen: ResourceUnderTest[] = [];
    const monitor = pulumi.runtime.getMonitor() as unknown as {
        registerResource(req: RegisterRequest, callback: unknown): unknown;
    };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) => {
        const struct = req.getObject();
        seen.push({ type: req.getType(), name: req.getName(), stack, props: struct ? deserializeProperties(struct, false) : {} });
        return register(req, callback);
    };
    return seen;
}
