// Carries out a @pulumi/docker Image (what AppImage registers) as the provider would: build the
// context for the requested platform with the engine's BuildKit, log in with the given
// credentials (password on stdin), push, and report the pushed digest as repoDigest.
// Debian's docker client (/usr/bin/docker) with DOCKER_BUILDKIT=1 drives the engine's own BuildKit
// (the Dockerfile's cache mounts need it); a newer client without buildx would fall back to the
// legacy builder, so that one is preferred when present.
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";

import type { HandlerContext, ResourceHandler } from "./executor";
import type { RecordedResource } from "../support/programRecorder";

interface ImageInputs {
    imageName: string;
    build?: { context?: string; dockerfile?: string; platform?: string; args?: Record<string, string> };
    registry?: { server?: string; username?: string; password?: string };
    skipPush?: boolean;
}

export const DOCKER_CLIENT = fs.existsSync("/usr/bin/docker") ? "/usr/bin/docker" : "docker";

/** Runs the docker client; rejects with its output when it fails. */
export function docker(args: string[], opts: { cwd?: string; stdin?: string; log?: (line: string) => void } = {}): Promise<string> {
    return new Promise((resolve, reject) => {
        const child = spawn(DOCKER_CLIENT, args, {
            cwd: opts.cwd,
            env: { ...process.env, DOCKER_BUILDKIT: "1", BUILDKIT_PROGRESS: "plain" },
            stdio: ["pipe", "pipe", "pipe"],
        });
        let out = "";
        let combined = "";
        const onData = (isOut: boolean) => (d: Buffer) => {
            if (isOut) out += d;
            combined += d;
            if (opts.log) for (const line of d.toString().split("\n")) if (line.trim()) opts.log(line);
        };
        child.stdout.on("data", onData(true));
        child.stderr.on("data", onData(false));
        child.on("error", reject);
        child.on("close", (code) => {
            if (code === 0) resolve(out.trim());
            else reject(new Error(`docker ${args[0]} failed (exit ${code}):\n${combined.split("\n").slice(-40).join("\n")}`));
        });
        child.stdin.end(opts.stdin ?? "");
    });
}

async function buildAndPush(res: RecordedResource, ctx: HandlerContext): Promise<Record<string, unknown>> {
    const inputs = res.inputs as unknown as ImageInputs;
    const build = inputs.build ?? {};
    const context = path.resolve(ctx.projectDir, build.context ?? ".");
    const dockerfile = path.resolve(ctx.projectDir, build.dockerfile ?? path.join(build.context ?? ".", "Dockerfile"));
    const argv = ["build", "--file", dockerfile, "--tag", inputs.imageName];
    if (build.platform) argv.push("--platform", build.platform);
    for (const [k, v] of Object.entries(build.args ?? {}).sort()) argv.push("--build-arg", `${k}=${v}`);
    argv.push(context);
    const log = (line: string) => ctx.log(`${res.name}: ${line}`);
    await docker(argv, {
        cwd: ctx.projectDir,
        log: (line) => {
            if (/^#\d+ (DONE|ERROR|CACHED)|error/i.test(line)) log(line);
        },
    });
    if (inputs.skipPush) {
        return { imageName: inputs.imageName, repoDigest: await docker(["image", "inspect", "--format", "{{.Id}}", inputs.imageName]) };
    }
    const reg = inputs.registry ?? {};
    if (reg.username) {
        await docker(["login", "--username", reg.username, "--password-stdin", reg.server ?? ""], { stdin: reg.password ?? "" });
    }
    await docker(["push", inputs.imageName]);
    const repository = inputs.imageName.replace(/:[^:/]+$/, "");
    const digests = JSON.parse(await docker(["image", "inspect", "--format", "{{json .RepoDigests}}", inputs.imageName])) as string[];
    const repoDigest = digests.find((d) => d.startsWith(`${repository}@`));
    if (!repoDigest) throw new Error(`${res.name}: pushed ${inputs.imageName} but the engine reports no digest for ${repository}`);
    log(`pushed ${repoDigest}`);
    return { imageName: inputs.imageName, repoDigest, registryServer: reg.server ?? "" };
}

export const dockerImage: ResourceHandler = {
    // The provider rebuilds on any input change (a new tag, arg or context hash): create again.
    replaceOnChanges: [],
    create: buildAndPush,
    update: (_old, res, ctx) => buildAndPush(res, ctx),
};

/** Handlers for the resource types AppImage registers. */
export const imageHandlers: Record<string, ResourceHandler> = {
    "docker:index/image:Image": dockerImage,
};
