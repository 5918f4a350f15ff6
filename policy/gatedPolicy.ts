// The shape every rule of the pack shares: a resource check whose violations are
// mandatory in prod and advisory in dev (environment.ts), and a prod-only flag for the rules the
// article states for production alone (images by digest, TLS to the database).
import { PolicyConfigSchema, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";

import { Environment, ENVIRONMENT_SCHEMA, EnvironmentConfig, environmentOf, reporterFor, stackOfUrn } from "./environment";

type Report = (message: string, urn?: string) => void;

interface GatedSpec {
    name: string;
    description: string;
    /** Applies in prod only; in dev the policy reports itself not applicable. */
    prodOnly?: boolean;
    /** Extra config keys beside `environment`. */
    config?: PolicyConfigSchema["properties"];
}

export interface GatedResourceSpec<C> extends GatedSpec {
    validate(args: ResourceValidationArgs, report: Report, config: C & EnvironmentConfig, environment: Environment): void | Promise<void>;
}

function schemaOf(config: PolicyConfigSchema["properties"] | undefined): PolicyConfigSchema {
    return { properties: { ...ENVIRONMENT_SCHEMA.properties, ...(config ?? {}) } };
}

export function gatedResourcePolicy<C extends object = object>(spec: GatedResourceSpec<C>): ResourceValidationPolicy {
    return {
        name: spec.name,
        description: spec.description,
        // The ceiling; each violation carries its environment's level (mandatory or advisory).
        enforcementLevel: "mandatory",
        configSchema: schemaOf(spec.config),
        validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
            const config = (args.getConfig<C & EnvironmentConfig>() ?? {}) as C & EnvironmentConfig;
            const environment = environmentOf(args.urn, config);
            if (spec.prodOnly && environment !== "prod") {
                args.notApplicable(`${spec.name} applies to prod stacks only; this is stack "${stackOfUrn(args.urn)}" (dev)`);
            }
            return spec.validate(args, reporterFor(reportViolation, spec.name, environment), config, environment);
        },
    };
}
