// Which environment a resource belongs to, and so how hard a violation bites: mandatory in prod
// (the preview fails), advisory in dev (it is printed, the preview goes on).
//
// The environment comes from the policy's config key `environment` (dev | prod) when set, else
// from the stack name in the resource's URN, by the same rule as config/'s "auto": a stack whose
// name's first word (split at -, _ or .; any case) is `prod` or `production` is prod (prod, Prod,
// production-eu, prod_eu), every other stack is dev. A stack that sets
// gin-deploy:environment explicitly passes the same value to the pack (docs/policy.md).
import { EnforcementLevel, ReportViolation } from "@pulumi/policy";

export type Environment = "dev" | "prod";

/** The config every policy of the pack takes. */
export interface EnvironmentConfig {
    environment?: "auto" | Environment;
}

export const ENVIRONMENT_SCHEMA = {
    properties: {
        environment: {
            type: "string" as const,
            enum: ["auto", "dev", "prod"],
            default: "auto",
            description: "dev or prod; auto: from the stack name (first word prod or production, any case)",
        },
    },
};

/** The stack of `urn:pulumi:<stack>::<project>::<type>::<name>`. */
export function stackOfUrn(urn: string): string {
    const match = /^urn:pulumi:([^:]+)::/.exec(urn);
    if (!match) {
        throw new Error(`"${urn}" is not a Pulumi URN (urn:pulumi:<stack>::<project>::<type>::<name>)`);
    }
    return match[1];
}

export function environmentOfStack(stack: string): Environment {
    const firstWord = stack.split(/[-_.]/)[0].toLowerCase();
    return firstWord === "prod" || firstWord === "production" ? "prod" : "dev";
}

export function environmentOf(urn: string, config: EnvironmentConfig): Environment {
    const configured = config.environment ?? "auto";
    return configured === "auto" ? environmentOfStack(stackOfUrn(urn)) : configured;
}

export function levelFor(environment: Environment): EnforcementLevel {
    return environment === "prod" ? "mandatory" : "advisory";
}

/**
 * A reporter that files each violation at the environment's level. The SDK takes a per-violation
 * level when the violation is an object; the ReportViolation type only declares the string form.
 */
export function reporterFor(
    report: ReportViolation,
    policyName: string,
    environment: Environment,
): (message: string, urn?: string) => void {
    const enforcementLevel = levelFor(environment);
    const reportObject = report as unknown as (violation: {
        name: string;
        message: string;
        enforcementLevel: EnforcementLevel;
        urn?: string;
    }) => void;
    return (message, urn) => reportObject({ name: policyName, message, enforcementLevel, urn });
}
