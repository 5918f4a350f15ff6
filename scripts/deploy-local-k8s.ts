// `npm run deploy:local-k8s` / `npm run destroy:local-k8s`: the `local-k8s` stack (target
// kubernetes) on the local cluster, with the real Pulumi engine and the kubernetes provider built
// from the Go module proxy. No SSH, no command or docker provider: the image is built here with the
// Docker engine (app/Dockerfile on the stand-in bases, as nothing can be pulled), pushed to the
// local registry on 127.0.0.1:5000, and deployed by digest through gin-deploy:image.
//
// up:      starts the registry and the cluster (if not running), builds and pushes the image, opens
//          the stack in its own workspace (.gin-deploy/workspace-k8s) with this checkout's
//          kubeconfig as a secret, runs the update with the engine's progress, and fetches /version.
// destroy: destroys the stack, then stops the cluster and the registry, each only if `up` started it.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

import { readGitFacts } from "../config";
import { clusterStatus, providerBinDir, startCluster, stopCluster } from "../local/cluster/cluster";
import { repoRoot } from "./localHost";
import { registryRunning, startRegistry, stopRegistry } from "./localRegistry";
import { committedConfig, CONFIG_NAMESPACE } from "./localStackConfig";
import { engineFailureText } from "./engineFailure";
import { servedVersion } from "./servedVersion";
import { engineEnv, openStack } from "./localWorkspace";

const STACK = "local-k8s";
const stateDir = path.join(repoRoot, ".gin-deploy");
const workDir = path.join(stateDir, "workspace-k8s");
const startedMarker = path.join(stateDir, "local-cluster.started-by-deploy-local-k8s");
const registryStartedMarker = path.join(stateDir, "local-registry.started-by-deploy-local-k8s");
const REPOSITORY = "127.0.0.1:5000/gin-app";
// The Kubernetes provider writes the kubeconfig it is given (client key included) to a temporary
// file at every start and never removes it: the CLI and its plugins get a folder of this
// workspace's as TMPDIR, emptied when the command ends.
const pluginTmp = path.join(workDir, "tmp");
// Debian's docker client drives the engine's own BuildKit (the Dockerfile's cache mounts need
// it); a newer client without buildx refuses DOCKER_BUILDKIT=1.
const DOCKER = fs.existsSync("/usr/bin/docker") ? "/usr/bin/docker" : "docker";

function sh(cmd: string, args: string[]): string {
    return execFileSync(cmd, args, { cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
}

/** Builds app/Dockerfile for this machine's platform, pushes it and returns REPOSITORY@sha256:... */
function buildAndPushImage(version: string, commit: string, date: string): string {
    const builderImage = sh("bash", ["local/standin-images/standin-golang.sh"]);
    const runtimeImage = sh("bash", ["local/standin-images/standin-alpine.sh"]);
    const tag = `${REPOSITORY}:${version.replace(/[^A-Za-z0-9_.-]/g, "-")}`;
    const platform = `linux/${process.arch === "arm64" ? "arm64" : "amd64"}`;
    execFileSync(
        DOCKER,
        [
            "build",
            "--file",
            "app/Dockerfile",
            "--tag",
            tag,
            "--platform",
            platform,
            "--build-arg",
            `BUILDER_IMAGE=${builderImage}`,
            "--build-arg",
            `RUNTIME_IMAGE=${runtimeImage}`,
            "--build-arg",
            `VERSION=${version}`,
            "--build-arg",
            `COMMIT=${commit}`,
            "--build-arg",
            `DATE=${date}`,
            "app",
        ],
        { cwd: repoRoot, stdio: "inherit", env: { ...process.env, DOCKER_BUILDKIT: "1" } },
    );
    execFileSync(DOCKER, ["push", tag], { cwd: repoRoot, stdio: ["ignore", "ignore", "inherit"] });
    const digests = JSON.parse(sh(DOCKER, ["image", "inspect", "--format", "{{json .RepoDigests}}", tag])) as string[];
    const ref = digests.find((d) => d.startsWith(`${REPOSITORY}@sha256:`));
    if (!ref) throw new Error(`pushed ${tag}, but Docker reports no digest in ${REPOSITORY}: ${JSON.stringify(digests)}`);
    return ref;
}

/** The stack in its workspace; `image` is set when given (destroy does not run the program, so needs none). */
/** Whether the engine's own lines were shown already (a failure is then not printed again). */
let streamed = false;
function printEngine(out: string): void {
    streamed = true;
    process.stdout.write(out);
}

async function stackFor(kubeconfigPath: string, image?: string) {
    const env = engineEnv();
    // The engine takes pulumi-resource-kubernetes from PATH (built from the Go module proxy, cached).
    process.env.PATH = `${providerBinDir()}${path.delimiter}${process.env.PATH ?? ""}`;
    const config: Record<string, string> = {
        ...committedConfig(path.join(repoRoot, `Pulumi.${STACK}.yaml`)),
        [`${CONFIG_NAMESPACE}:kubeconfig`]: fs.readFileSync(kubeconfigPath, "utf8"),
    };
    if (image) config[`${CONFIG_NAMESPACE}:image`] = image;
    return openStack({ stackName: STACK, workDir, env, settings: { config, secretKeys: [`${CONFIG_NAMESPACE}:kubeconfig`] } });
}

async function up(): Promise<number> {
    const git = readGitFacts(repoRoot);
    if ("error" in git) {
        console.error(`deploy:local-k8s: the release is named by git, and git failed: ${git.error}`);
        return 1;
    }
    if (!registryRunning()) fs.writeFileSync(registryStartedMarker, "local registry\n");
    startRegistry();
    const wasRunning = clusterStatus().running;
    const cluster = await startCluster();
    if (!wasRunning) fs.writeFileSync(startedMarker, "local cluster\n");
    const image = buildAndPushImage(git.describe, git.commit, git.date);
    console.log(`image: ${image}`);

    const stack = await stackFor(cluster.kubeconfigPath, image);
    const result = await stack.up({ onOutput: printEngine, color: "auto" });
    const served = await servedVersion(result.outputs);
    if ("error" in served) {
        console.error(served.error);
        return 1;
    }
    const { url, version } = served;
    console.log(
        `\nThe service answers at ${url}\nversion: ${version} (exported: ${String(result.outputs.version?.value)}), ` +
            `Deployment ${String(result.outputs.deploymentName?.value)} in namespace ${String(result.outputs.namespace?.value)}`,
    );
    return 0;
}

async function destroy(): Promise<number> {
    if (fs.existsSync(path.join(workDir, `Pulumi.${STACK}.yaml`))) {
        const cluster = await startCluster();
        const stack = await stackFor(cluster.kubeconfigPath);
        await stack.destroy({ onOutput: printEngine, color: "auto" });
    } else {
        console.log(`destroy:local-k8s: the ${STACK} stack was never deployed from this checkout; nothing to destroy`);
    }
    if (fs.existsSync(startedMarker)) {
        await stopCluster();
        fs.rmSync(startedMarker);
    }
    if (fs.existsSync(registryStartedMarker)) {
        stopRegistry();
        fs.rmSync(registryStartedMarker);
    }
    return 0;
}

function usePluginTmp(): void {
    fs.mkdirSync(pluginTmp, { recursive: true, mode: 0o700 });
    process.env.TMPDIR = pluginTmp;
}

function emptyPluginTmp(): void {
    fs.rmSync(pluginTmp, { recursive: true, force: true });
}

const action = process.argv[2];
usePluginTmp();
(action === "up" ? up() : action === "destroy" ? destroy() : Promise.resolve(2)).then(
    (code) => {
        emptyPluginTmp();
        if (code === 2 && action !== "up" && action !== "destroy") console.error("usage: deploy-local-k8s.ts up|destroy");
        process.exit(code);
    },
    (error: Error) => {
        emptyPluginTmp();
        console.error(`deploy:local-k8s ${action} failed:\n${engineFailureText(error, streamed)}`);
        process.exit(1);
    },
);
