// A resource's inputs as the policy SDK hands them to a rule: plain JSON-like values, assets as
// @pulumi/pulumi asset objects, all inside the SDK's unknown-checking proxy.
import type { ResourceValidationArgs } from "@pulumi/policy";

export type Props = ResourceValidationArgs["props"];
