// IAM roles (in this stack, the instance role) may pull only named ECR repositories: an instance
// role with AWS's managed ECR policies, or a policy that allows ECR repository actions on "*" or a
// wildcard, lets whoever is root on the instance (or reaches its metadata service) read every image
// of the account, or push. The aws target grants ecr:GetAuthorizationToken on * and the pull
// actions on its repository's ARN only (EcrRegistry.pullPolicy). The judgement is
// components/rules/ecrPull.ts's. Every way a role gets a policy is checked: a role's own
// managedPolicyArns and inlinePolicies, RolePolicyAttachment, PolicyAttachment and RolePolicy.
import { ResourceValidationPolicy } from "@pulumi/policy";

import { BroadEcrGrant, broadEcrGrants, isAccountWideEcrManagedPolicy } from "../../components/rules/ecrPull";
import { gatedResourcePolicy } from "../gatedPolicy";
import { Props } from "../resourceProps";

const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const POLICY_ATTACHMENT = "aws:iam/policyAttachment:PolicyAttachment";

const FIX =
    "grant ecr:GetAuthorizationToken on * and ecr:BatchGetImage, ecr:GetDownloadUrlForLayer, ecr:BatchCheckLayerAvailability " +
    "on this stack's repository ARN only (EcrRegistry.pullPolicy as an inline role policy, as the aws target does)";

function describeGrant(where: string, g: BroadEcrGrant): string {
    return `${where} statement ${g.statement} allows ${g.actions.join(", ")} on ${g.resources.map((r) => `"${r}"`).join(", ")}`;
}

/** What the resource grants a role beyond pulling named repositories, one line each. */
function findings(type: string, props: Props): string[] {
    const managed = (arns: unknown, where: string) =>
        (Array.isArray(arns) ? arns : [arns])
            .filter((arn): arn is string => typeof arn === "string" && isAccountWideEcrManagedPolicy(arn))
            .map((arn) => `${where} attaches ${arn}, which grants ECR rights on every repository of the account`);
    const inline = (document: unknown, where: string) => broadEcrGrants(document).map((g) => describeGrant(where, g));
    switch (type) {
        case ROLE_POLICY_ATTACHMENT:
            return managed(props.policyArn, "the attachment");
        case POLICY_ATTACHMENT:
            return Array.isArray(props.roles) && props.roles.length > 0 ? managed(props.policyArn, "the attachment") : [];
        case ROLE_POLICY:
            return inline(props.policy, "the role policy");
        case ROLE: {
            const policies: { name?: string; policy?: unknown }[] = Array.isArray(props.inlinePolicies) ? props.inlinePolicies : [];
            return [
                ...managed(props.managedPolicyArns ?? [], "managedPolicyArns"),
                ...policies.flatMap((p, i) => inline(p.policy, `inline policy ${p.name ?? i}`)),
            ];
        }
        default:
            return [];
    }
}

export const instanceRoleEcrPullScoped: ResourceValidationPolicy = gatedResourcePolicy({
    name: "instance-role-ecr-pull-scoped",
    description:
        "IAM roles (the instance role) may pull only named ECR repositories: no AWS-managed ECR policy, no ECR repository action on a wildcard resource.",
    validate: (args, report) => {
        if (![ROLE, ROLE_POLICY, ROLE_POLICY_ATTACHMENT, POLICY_ATTACHMENT].includes(args.type)) {
            args.notApplicable("only IAM roles and the policies attached to them");
        }
        for (const finding of findings(args.type, args.props)) {
            report(`${args.name}: ${finding}; ${FIX}`);
        }
    },
});
