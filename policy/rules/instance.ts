// EC2 instances (S3): IMDSv2 only (a token per metadata request, so an SSRF in the app cannot read
// the instance role's credentials with a plain GET) and an encrypted root volume.
import { ResourceValidationPolicy } from "@pulumi/policy";

import { gatedResourcePolicy } from "../gatedPolicy";

const INSTANCE = "aws:ec2/instance:Instance";

export const instanceImdsv2: ResourceValidationPolicy = gatedResourcePolicy({
    name: "instance-requires-imdsv2",
    description: "EC2 instances must require IMDSv2 (metadataOptions.httpTokens = required).",
    validate: (args, report) => {
        if (args.type !== INSTANCE) {
            args.notApplicable(`only ${INSTANCE}`);
        }
        const tokens = args.props.metadataOptions?.httpTokens;
        if (tokens !== "required") {
            report(
                `${args.name}: metadataOptions.httpTokens is ${tokens === undefined ? "unset (IMDSv1 allowed)" : `"${tokens}"`}; ` +
                    'set it to "required" so the metadata service answers only token-bearing requests (AppHost does)',
            );
        }
    },
});

export const instanceEncryptedRoot: ResourceValidationPolicy = gatedResourcePolicy({
    name: "instance-encrypted-root-volume",
    description: "EC2 instances must have an encrypted root volume (rootBlockDevice.encrypted = true).",
    validate: (args, report) => {
        if (args.type !== INSTANCE) {
            args.notApplicable(`only ${INSTANCE}`);
        }
        const encrypted = args.props.rootBlockDevice?.encrypted;
        if (encrypted !== true) {
            report(
                `${args.name}: rootBlockDevice.encrypted is ${encrypted === undefined ? "unset" : String(encrypted)}; ` +
                    "set it to true (AppHost does) so the volume and its snapshots are encrypted at rest",
            );
        }
    },
});
