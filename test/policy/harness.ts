// Runs the pack's rules the way the policy SDK's analyzer does, without the CLI: each resource
// rule's validateResource gets the resource (type, name, URN, inputs) and a reportViolation that
// records what the SDK would send the engine (policy, message, enforcement level). The level a
// violation gets follows the SDK: the violation's own, else the configured, else the policy's.
import {
    EnforcementLevel,
    Policies,
    PolicyPackConfig,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
} from "@pulumi/policy";

export interface Violation {
    policy: string;
    level: EnforcementLevel;
    message: string;
    resource: string;
}

export interface PolicyResult {
    violations: Violation[];
    /** policy -> reason, for the policies that said they do not apply. */
    notApplicable: Map<string, string>;
}

export interface ResourceUnderTest {
    type: string;
    name?: string;
    /** The stack the URN names (default "dev"); decides dev or prod. */
    stack?: string;
    props: Record<string, any>;
}

// Internal to the SDK (no types): the analyzer hands every rule its inputs inside this proxy, which
// throws on unknown values; rules must cope with it (a proxied promise cannot be awaited, say).
const { unknownCheckingProxy } = require("@pulumi/policy/proxy") as { unknownCheckingProxy<T>(value: T): T };

class NotApplicable extends Error {
    constructor(readonly reason: string) {
        super(reason);
    }
}

export function urnOf(stack: string, type: string, name: string): string {
    return `urn:pulumi:${stack}::gin-deploy::${type}::${name}`;
}

function isResourcePolicy(p: Policies[number]): p is ResourceValidationPolicy {
    return "validateResource" in p && p.validateResource !== undefined;
}

/** Every resource rule of `policies` against one resource. */
export async function runResourcePolicies(
    policies: Policies,
    resource: ResourceUnderTest,
    config: PolicyPackConfig = {},
): Promise<PolicyResult> {
    const name = resource.name ?? "r";
    const stack = resource.stack ?? "dev";
    const result: PolicyResult = { violations: [], notApplicable: new Map() };
    for (const policy of policies.filter(isResourcePolicy)) {
        const configured = config[policy.name];
        const configuredLevel = typeof configured === "string" ? configured : configured?.enforcementLevel;
        const level = configuredLevel ?? policy.enforcementLevel ?? "advisory";
        if (level === "disabled") {
            continue;
        }
        const { enforcementLevel: _ignored, ...properties } = typeof configured === "object" ? configured : { enforcementLevel: undefined };
        const args: ResourceValidationArgs = {
            type: resource.type,
            props: unknownCheckingProxy(resource.props),
            urn: urnOf(stack, resource.type, name),
            name,
            opts: {
                protect: false,
                ignoreChanges: [],
                aliases: [],
                additionalSecretOutputs: [],
                customTimeouts: {},
            } as unknown as ResourceValidationArgs["opts"],
            stackTags: new Map(),
            isType: () => false,
            asType: () => undefined,
            getConfig: <T extends object>() => properties as T,
            notApplicable: (reason?: string): never => {
                throw new NotApplicable(reason ?? "");
            },
        };
        const report = (violation: unknown) => {
            if (typeof violation === "object" && violation !== null) {
                const v = violation as { message?: string; enforcementLevel?: EnforcementLevel };
                result.violations.push({
                    policy: policy.name,
                    level: v.enforcementLevel ?? level,
                    message: v.message ?? policy.description,
                    resource: name,
                });
            } else {
                result.violations.push({
                    policy: policy.name,
                    level,
                    message: `${policy.description}\n${String(violation ?? "")}`,
                    resource: name,
                });
            }
        };
        const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource!];
        for (const validate of validations) {
            try {
                await validate(args, report as unknown as ReportViolation);
            } catch (e) {
                if (e instanceof NotApplicable) {
                    result.notApplicable.set(policy.name, e.reason);
                } else {
                    throw e;
                }
            }
        }
    }
    return result;
}

/** The violations of one policy, for assertions. */
export function of(result: PolicyResult, policy: string): Violation[] {
    return result.violations.filter((v) => v.policy === policy);
}
