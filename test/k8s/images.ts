// The images the suite deploys, built here from app/Dockerfile on the stand-in base images (no
// image can be pulled on this kind of machine) with the engine's BuildKit, pushed to the local
// registry on 127.0.0.1:5000, which the cluster's containerd pulls from, and named by the digest
// the registry reports. Also a release that can never get ready: the stand-in runtime image alone,
// which holds no /gin-app to run.
import { docker } from "../contract/dockerImageHandler";
import { repoRoot } from "../../scripts/localHost";

export const REGISTRY = "127.0.0.1:5000";
export const REPOSITORY = `${REGISTRY}/gin-app-k8s`;

async function pushed(tag: string): Promise<string> {
    await docker(["push", tag]);
    const digests = JSON.parse(await docker(["image", "inspect", "--format", "{{json .RepoDigests}}", tag])) as string[];
    const ref = digests.find((d) => d.startsWith(`${REPOSITORY}@sha256:`));
    if (!ref) throw new Error(`pushed ${tag} but the engine reports no digest in ${REPOSITORY}: ${JSON.stringify(digests)}`);
    return ref;
}

export async function buildAppImage(
    version: string,
    standIns: { builderImage: string; runtimeImage: string },
    platform: string,
): Promise<string> {
    const tag = `${REPOSITORY}:${version}`;
    await docker(
        [
            "build",
            "--file",
            "app/Dockerfile",
            "--tag",
            tag,
            "--platform",
            platform,
            "--build-arg",
            `BUILDER_IMAGE=${standIns.builderImage}`,
            "--build-arg",
            `RUNTIME_IMAGE=${standIns.runtimeImage}`,
            "--build-arg",
            `VERSION=${version}`,
            "--build-arg",
            "COMMIT=0123456789abcdef0123456789abcdef01234567",
            "--build-arg",
            "DATE=2026-01-01T00:00:00Z",
            "app",
        ],
        { cwd: repoRoot },
    );
    return pushed(tag);
}

/** An image whose container cannot start: the runtime base without the app. */
export async function buildBrokenImage(runtimeImage: string, tag: string): Promise<string> {
    const name = `${REPOSITORY}:${tag}`;
    await docker(["tag", runtimeImage, name]);
    return pushed(name);
}

export async function removeImages(tags: string[]): Promise<void> {
    for (const tag of tags) await docker(["image", "rm", tag]).catch(() => undefined);
}

export async function hostPlatform(): Promise<string> {
    const arch = await docker(["info", "--format", "{{.Architecture}}"]);
    return arch === "aarch64" || arch === "arm64" ? "linux/arm64" : "linux/amd64";
}
