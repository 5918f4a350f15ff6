// The instance role's ECR rights in container mode, as an inline role policy: log in (the one ECR
// action without a resource-level form, so on "*") and pull from this stack's repository only. A
// host then cannot read the account's other repositories, nor push anywhere. Pure: no Pulumi here.

import { ECR_LOGIN_ACTION, ECR_PULL_ACTIONS, isWildcardResource } from "../../rules/ecrPull";

export function renderEcrPullPolicy(repositoryArn: string): string {
    if (isWildcardResource(repositoryArn)) {
        throw new Error(
            `repositoryArn "${repositoryArn}" has a wildcard, so the host could pull from more than this stack's repository: pass the EcrRegistry's repositoryArn`,
        );
    }
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            { Sid: "EcrLogin", Effect: "Allow", Action: ECR_LOGIN_ACTION, Resource: "*" },
            { Sid: "PullThisRepository", Effect: "Allow", Action: [...ECR_PULL_ACTIONS], Resource: repositoryArn },
        ],
    });
}
