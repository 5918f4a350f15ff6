// ECR pull rights, the one module that knows them: the actions a host needs to pull an image, the
// AWS-managed policies that grant ECR rights on every repository of the account, and whether an
// IAM policy document grants a repository action on more than named repositories. The aws target's
// instance role policy is rendered from it (aws/renderers/ecrPullPolicy.ts) and the policy pack's
// instance-role rule judges roles with it. Pure: no Pulumi.

/** `docker login` to ECR: this action has no resource-level form, so it is granted on "*". */
export const ECR_LOGIN_ACTION = "ecr:GetAuthorizationToken";

/** What `docker pull` of a private ECR image needs, on the repository itself. */
export const ECR_PULL_ACTIONS: readonly string[] = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"];

/**
 * AWS-managed policies that grant ECR repository actions on every repository ("Resource": "*"):
 * AmazonEC2ContainerRegistryReadOnly, ...PullOnly, ...PowerUser, ...FullAccess, and the service
 * roles' ECR policies.
 */
const ACCOUNT_WIDE_ECR_MANAGED = new RegExp(
    "^arn:aws[a-z-]*:iam::aws:policy/(service-role/)?" +
        "(AmazonEC2ContainerRegistry[A-Za-z]*|EC2InstanceProfileForImageBuilderECRContainerBuilds|AWSAppRunnerServicePolicyForECRAccess)$",
);

export function isAccountWideEcrManagedPolicy(policyArn: string): boolean {
    return ACCOUNT_WIDE_ECR_MANAGED.test(policyArn);
}

/** A resource pattern that names more than one repository: "*", or any IAM wildcard (* or ?). */
export function isWildcardResource(resource: string): boolean {
    return /[*?]/.test(resource);
}

function asList(value: unknown): string[] {
    if (typeof value === "string") return [value];
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** An IAM action pattern (case-insensitive, with * and ?) that covers any ECR action but the login. */
function coversRepositoryAction(pattern: string): boolean {
    const p = pattern.toLowerCase();
    if (p === "*" || p === "ecr:*") return true;
    if (!p.startsWith("ecr:")) return false;
    if (!/[*?]/.test(p)) return p !== ECR_LOGIN_ACTION.toLowerCase();
    // A wildcard within ecr: (ecr:Get*, ecr:Batch*): does it cover a known repository action?
    const re = new RegExp(
        `^${p
            .replace(/[.+^${}()|[\]\\]/g, "\\$&")
            .replace(/\*/g, ".*")
            .replace(/\?/g, ".")}$`,
    );
    return [...ECR_PULL_ACTIONS, "ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:BatchDeleteImage", "ecr:DescribeImages"].some((a) =>
        re.test(a.toLowerCase()),
    );
}

export interface BroadEcrGrant {
    /** The statement's index in the document's Statement list. */
    statement: number;
    actions: string[];
    resources: string[];
}

/**
 * The Allow statements of an IAM policy document (JSON text or object) that grant an ECR
 * repository action (a pull, a push, anything but ecr:GetAuthorizationToken) on a wildcard
 * resource, i.e. on more than this stack's repository. NotAction and NotResource count as
 * wildcards. A document that is not JSON yields nothing (IAM refuses it anyway).
 */
export function broadEcrGrants(document: unknown): BroadEcrGrant[] {
    let doc = document;
    if (typeof doc === "string") {
        try {
            doc = JSON.parse(doc);
        } catch {
            return [];
        }
    }
    if (typeof doc !== "object" || doc === null) return [];
    const raw = (doc as { Statement?: unknown }).Statement;
    const statements = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
    const grants: BroadEcrGrant[] = [];
    statements.forEach((s: Record<string, unknown>, statement) => {
        if (typeof s !== "object" || s === null || s.Effect !== "Allow") return;
        const actions = s.NotAction !== undefined ? ["*"] : asList(s.Action).filter(coversRepositoryAction);
        const resources = s.NotResource !== undefined ? ["*"] : asList(s.Resource).filter(isWildcardResource);
        if (actions.length > 0 && resources.length > 0) grants.push({ statement, actions, resources });
    });
    return grants;
}
