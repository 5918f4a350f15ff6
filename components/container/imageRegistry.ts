// Where a container-mode image goes: any registry (127.0.0.1:5000 for the local stack, ECR on AWS).

/** Where AppImage pushes and ContainerService pulls; `password` is a secret. */
export interface ImageRegistry {
    /** The registry host, e.g. 127.0.0.1:5000 or ACCOUNT.dkr.ecr.REGION.amazonaws.com. */
    server: string;
    /** SERVER/NAME, the repository images are pushed to. */
    repository: string;
    username?: string;
    password?: string;
    /**
     * The registry refuses to move a tag (ECR with IMMUTABLE tags): AppImage then pushes
     * VERSION-<12 hex of the build's content>, so a version rebuilt with other content gets a tag of its own.
     */
    immutableTags?: boolean;
}
