// The ECR lifecycle policy that keeps a repository from growing without bound: every image but
// the newest `keep` expires. Rollbacks reach back that many releases. Pure: no Pulumi here.

export function renderEcrLifecyclePolicy(keep: number): string {
    if (!Number.isInteger(keep) || keep < 1 || keep > 1000) {
        throw new Error(`keepImages=${keep} must be a whole number from 1 to 1000 (the releases a rollback can reach)`);
    }
    return JSON.stringify({
        rules: [
            {
                rulePriority: 1,
                description: `keep the last ${keep} images`,
                selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: keep },
                action: { type: "expire" },
            },
        ],
    });
}
