// What AppImage asks Docker to build: the build arguments, the platform and the tag, as data.
// AppImage passes them to @pulumi/docker's Image. Pure: no Pulumi.

export interface ImageBuildSettings {
    /** The build context, the app's folder (its Dockerfile is context/Dockerfile). */
    context: string;
    /** linux/amd64 or linux/arm64: the host's platform. */
    platform: string;
    version: string;
    commit: string;
    date: string;
    /** REGISTRY/REPOSITORY the image is pushed to. */
    repository: string;
    /** Base image overrides (the tests' stand-ins); unset keeps the Dockerfile's pinned defaults. */
    builderImage?: string;
    runtimeImage?: string;
    /**
     * 12 hex naming the build's content (contextDigest.ts), for a registry whose tags are immutable:
     * the tag becomes VERSION-<contentId>, so a version rebuilt with other content gets a new tag.
     */
    contentId?: string;
}

export interface ImageBuild {
    dockerfile: string;
    /** The tag pushed: REPOSITORY:VERSION, or REPOSITORY:VERSION-<contentId> (the deploy itself uses the digest). */
    imageName: string;
    args: Record<string, string>;
}

const PLATFORMS = ["linux/amd64", "linux/arm64"];
const REPOSITORY = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export function renderImageBuild(s: ImageBuildSettings): ImageBuild {
    if (!PLATFORMS.includes(s.platform)) {
        throw new Error(
            `platform "${s.platform}" is not one the app is built for: use ${PLATFORMS.join(" or ")} (the host's architecture)`,
        );
    }
    if (!REPOSITORY.test(s.repository)) {
        throw new Error(`repository "${s.repository}" must be REGISTRY/NAME in lower case, e.g. 127.0.0.1:5000/gin-app`);
    }
    // Docker tags allow fewer characters than versions do (no +): map the rest to -.
    const versionTag = s.version.replace(/[^A-Za-z0-9_.-]/g, "-");
    if (!TAG.test(versionTag)) {
        throw new Error(`version "${s.version}" cannot be an image tag: use letters, digits and . _ - (128 at most)`);
    }
    if (s.contentId !== undefined && !/^[0-9a-f]{12}$/.test(s.contentId)) {
        throw new Error(`contentId "${s.contentId}" must be 12 lower-case hex digits (contextDigest)`);
    }
    // A tag holds 128 characters at most: a long version gives way to the content id.
    const tag = s.contentId === undefined ? versionTag : `${versionTag.slice(0, 128 - 13)}-${s.contentId}`;
    const args: Record<string, string> = { VERSION: s.version, COMMIT: s.commit, DATE: s.date };
    if (s.builderImage) args.BUILDER_IMAGE = s.builderImage;
    if (s.runtimeImage) args.RUNTIME_IMAGE = s.runtimeImage;
    return { dockerfile: `${s.context.replace(/\/+$/, "")}/Dockerfile`, imageName: `${s.repository}:${tag}`, args };
}
