// Image registries: an ECR repository's tags never move. A mutable tag can be re-pointed at other
// content under a host or a reviewer that reads it; EcrRegistry makes its repository IMMUTABLE
// (and AppImage tags by content there, so a rebuilt version never needs to move a tag).
import { ResourceValidationPolicy } from "@pulumi/policy";

import { gatedResourcePolicy } from "../gatedPolicy";

const REPOSITORY = "aws:ecr/repository:Repository";

export const ecrImmutableTags: ResourceValidationPolicy = gatedResourcePolicy({
    name: "ecr-immutable-tags",
    description: 'ECR repositories must have immutable tags (imageTagMutability = "IMMUTABLE").',
    validate: (args, report) => {
        if (args.type !== REPOSITORY) {
            args.notApplicable(`only ${REPOSITORY}`);
        }
        const mutability = args.props.imageTagMutability;
        if (mutability !== "IMMUTABLE") {
            report(
                `${args.name}: imageTagMutability is ${mutability === undefined ? "unset (MUTABLE)" : `"${mutability}"`}, so a pushed tag ` +
                    'can be moved to other content; set it to "IMMUTABLE" (EcrRegistry does) and push a new tag per build',
            );
        }
    },
});
