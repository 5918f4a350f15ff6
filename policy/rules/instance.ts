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

export const instanceImdsHopLimit: ResourceValidationPolicy = gatedResourcePolicy({
    name: "instance-imds-hop-limit",
    description: "EC2 instances must not let metadata answers travel past the host (metadataOptions.httpPutResponseHopLimit at most 1).",
    validate: (args, report) => {
        if (args.type !== INSTANCE) {
            args.notApplicable(`only ${INSTANCE}`);
        }
        // Unset: the AMI's default applies (1 for Debian's images; AppHost sets 1 explicitly).
        const limit = args.props.metadataOptions?.httpPutResponseHopLimit;
        if (limit !== undefined && limit !== null && Number(limit) > 1) {
            report(
                `${args.name}: metadataOptions.httpPutResponseHopLimit is ${limit}, so a container on a bridge network ` +
                    "(one hop further) can fetch an IMDSv2 token and the instance role's credentials; set it to 1 (AppHost does)",
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
