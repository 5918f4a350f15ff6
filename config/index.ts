// The one config module (S10, S12): reads the stack's settings, applies defaults, validates them
// and returns one frozen, typed StackConfig. Every bad value is refused here, before any resource
// is registered, with a message that names the key, the value and the fix; every problem is
// listed at once. The keys are in keys.ts (the table Pulumi.yaml and the README are made from),
// and each section of the config is parsed in a file of its own under sections/.
//
// Which stacks are prod: gin-deploy:environment (dev | prod) decides; its default "auto" makes a
// stack whose name's first word (split at -, _ or .; any case) is `prod` or `production` a prod
// stack (prod, Prod, production-eu, prod_eu) and every other stack a dev stack (preprod, staging).
// Prod gets the stricter rules (TLS to the database, SSH never open to the world). The program
// logs which it chose and why once at the start of every run (environmentNotice).
//
// parseConfig() is pure (testable without the Pulumi runtime); loadConfig() gathers its input
// from the running stack and git.

import { spawnSync } from "child_process";
import * as pulumi from "@pulumi/pulumi";
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";

import { CONFIG_NAMESPACE } from "./keys";
import { ConfigProblem, ConfigReader } from "./reader";
import { parseAwsTarget } from "./sections/aws";
import { parseDatabase } from "./sections/database";
import { parseEnvironment } from "./sections/environment";
import { parseKubernetesTarget } from "./sections/kubernetes";
import { parseRelease } from "./sections/release";
import { parseService } from "./sections/service";
import { parseSshTarget } from "./sections/ssh";
import type { GitFacts, RawConfig, StackConfig, TargetConfig } from "./types";

export { cidrProblem, isWholeInternet, isWorldOpen, worldOpenFamilies } from "./cidr";
export { CONFIG_KEYS, CONFIG_NAMESPACE, ConfigKey, SECRET_KEYS } from "./keys";
export type { ConfigProblem } from "./reader";
export { ENVIRONMENT_DEFAULTS } from "./sections/database";
export { environmentOfStack } from "./sections/environment";
export * from "./types";

/**
 * Every problem found in the stack's config, one a line, each naming key, value and fix. A
 * RunError, so that Pulumi shows the message alone, without a stack trace.
 */
export class ConfigError extends pulumi.RunError {
    constructor(
        readonly stackName: string,
        readonly problems: readonly ConfigProblem[],
    ) {
        super(
            `stack "${stackName}" has ${problems.length} config problem${problems.length === 1 ? "" : "s"}; ` +
                `nothing was deployed:\n` +
                problems.map((p) => `  - ${p.message}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

/** Validates and types the raw stack config; throws ConfigError listing every problem. */
export function parseConfig(raw: RawConfig, stackName: string): Readonly<StackConfig> {
    const read = new ConfigReader(raw.values, raw.secretKeys);
    const { environment, environmentReason, appEnv, logLevel } = parseEnvironment(read, stackName);
    const { target: targetKind, mode, appPort, image, reachabilityCheck } = parseService(read, environment);
    const db = parseDatabase(read, environment);
    const release = parseRelease(read, raw.git);
    const targets: Record<typeof targetKind, () => TargetConfig> = {
        ssh: () => parseSshTarget(read, appPort),
        aws: () => parseAwsTarget(read, environment, raw.awsRegion),
        kubernetes: () => parseKubernetesTarget(read, environment, image !== undefined),
    };
    const target = targets[targetKind]();

    if (read.problems.length > 0) {
        throw new ConfigError(stackName, read.problems);
    }
    return deepFreeze({
        stack: stackName,
        environment,
        environmentReason,
        mode,
        appPort,
        appEnv,
        logLevel,
        target,
        image,
        reachabilityCheck,
        db,
        release,
    });
}

/** The line the stack program logs once at the start of every run: which environment, and why. */
export function environmentNotice(cfg: Pick<StackConfig, "stack" | "environment" | "environmentReason">): string {
    return (
        `stack "${cfg.stack}" is ${cfg.environment} (${cfg.environmentReason})` +
        (cfg.environment === "prod"
            ? "; prod's rules apply: TLS to the database, SSH never open to the world, images by digest"
            : "; dev's rules apply. For prod's: pulumi config set gin-deploy:environment prod")
    );
}

function deepFreeze<T>(value: T): Readonly<T> {
    if (value && typeof value === "object" && !pulumi.Output.isInstance(value)) {
        for (const child of Object.values(value as Record<string, unknown>)) {
            deepFreeze(child);
        }
        Object.freeze(value);
    }
    return value;
}

function git(args: string[], cwd: string): string {
    const result = spawnSync("git", args, { cwd, encoding: "utf8" });
    if (result.error || result.status !== 0) {
        throw new Error(`git ${args.join(" ")}: ${result.error?.message ?? result.stderr.trim()}`);
    }
    return result.stdout.trim();
}

/** The release as git describes the checkout at `cwd`; the date is the commit's, never "now". */
export function readGitFacts(cwd: string): GitFacts {
    try {
        return {
            describe: git(["describe", "--tags", "--always", "--dirty"], cwd),
            commit: git(["rev-parse", "HEAD"], cwd),
            date: git(["log", "-1", "--format=%cI"], cwd),
        };
    } catch (error) {
        return { error: (error as Error).message };
    }
}

// The SDK knows which config keys hold secrets (the CLI passes their names); it does not declare
// the accessor in its typings, so reach it through the module with a guard.
function isSecretConfigKey(fullKey: string): boolean {
    const accessor = (runtimeConfig as unknown as { isConfigSecret?: (key: string) => boolean }).isConfigSecret;
    if (typeof accessor !== "function") {
        throw new Error("this @pulumi/pulumi version does not expose which config keys are secret; pin @pulumi/pulumi 3.x");
    }
    return accessor(fullKey);
}

/**
 * Reads the running stack's config (gin-deploy:* and aws:region) into a validated StackConfig.
 * The release comes from the checkout holding this module, whatever the working directory (the
 * Automation API runs the program from elsewhere).
 */
export function loadConfig(projectDir: string = __dirname): Readonly<StackConfig> {
    const all = pulumi.runtime.allConfig();
    const values: Record<string, string> = {};
    const secretKeys: string[] = [];
    const prefix = `${CONFIG_NAMESPACE}:`;
    for (const [fullKey, value] of Object.entries(all)) {
        if (fullKey.startsWith(prefix)) {
            const key = fullKey.slice(prefix.length);
            values[key] = value;
            if (isSecretConfigKey(fullKey)) {
                secretKeys.push(key);
            }
        }
    }
    return parseConfig({ values, secretKeys, awsRegion: all["aws:region"], git: readGitFacts(projectDir) }, pulumi.getStack());
}
