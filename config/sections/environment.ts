// Which environment the stack is (dev or prod), and the service's APP_ENV and LOG_LEVEL.
import type { ConfigReader } from "../reader";
import { setCommand, shown } from "../reader";
import type { Environment, LogLevel } from "../types";

const ENVIRONMENTS: readonly Environment[] = ["dev", "prod"];
const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];
// APP_ENV values the service accepts; the production ones make it insist on TLS to the database.
const APP_ENVS = ["development", "dev", "local", "test", "staging", "production", "prod"] as const;
const PRODUCTION_APP_ENVS: readonly string[] = ["production", "prod"];

/**
 * Whether a stack of this name is prod when gin-deploy:environment is "auto": its name's first
 * word, in any case, is `prod` or `production`, words being split by `-`, `_` or `.` (prod, Prod,
 * production-eu, prod_eu, PROD.2 are prod; preprod, product, non-prod, staging are dev).
 * policy/environment.ts applies the same rule (test/policy/rules.test.ts checks that they agree).
 */
export function environmentOfStack(stackName: string): Environment {
    const firstWord = stackName.split(/[-_.]/)[0].toLowerCase();
    return firstWord === "prod" || firstWord === "production" ? "prod" : "dev";
}

/** Why the stack is dev or prod, in a sentence the program logs once at the start of every run. */
function reasonFromName(stackName: string, environment: Environment): string {
    return environment === "prod"
        ? `the stack name "${stackName}" starts with the word prod or production and gin-deploy:environment is auto`
        : `the stack name "${stackName}" does not start with the word prod or production and gin-deploy:environment is auto`;
}

export interface EnvironmentSection {
    environment: Environment;
    /** Why: the key, or the stack name's rule. */
    environmentReason: string;
    appEnv: string;
    logLevel: LogLevel;
}

export function parseEnvironment(read: ConfigReader, stackName: string): EnvironmentSection {
    const value = read.text("environment");
    const fromName = environmentOfStack(stackName);
    let environment: Environment = fromName;
    let environmentReason = reasonFromName(stackName, fromName);
    if (value !== "auto") {
        if ((ENVIRONMENTS as readonly string[]).includes(value)) {
            environment = value as Environment;
            environmentReason = `gin-deploy:environment is ${value}`;
        } else {
            read.refuse("environment", `${shown(value)} is not one of auto, dev, prod. Fix: ${environmentFix(value, stackName, fromName)}`);
        }
    }
    const prod = environment === "prod";

    const appEnvValue = read.text("appEnv");
    let appEnv: string = environment;
    if (appEnvValue !== "auto") {
        if (!(APP_ENVS as readonly string[]).includes(appEnvValue)) {
            read.refuse(
                "appEnv",
                `${shown(appEnvValue)} is not one of auto, ${APP_ENVS.join(", ")} (what the service accepts). ` +
                    `Fix: ${setCommand("appEnv", environment)}`,
            );
        } else if (PRODUCTION_APP_ENVS.includes(appEnvValue) !== prod) {
            read.refuse(
                "appEnv",
                `${shown(appEnvValue)} contradicts the stack's environment (${environment}): the service ` +
                    `would apply ${prod ? "dev" : "prod"} rules. Fix: ${setCommand("appEnv", environment)}` +
                    ` (or set gin-deploy:environment)`,
            );
        } else {
            appEnv = appEnvValue;
        }
    }
    return { environment, environmentReason, appEnv, logLevel: read.oneOf("logLevel", LOG_LEVELS, "info") };
}

/**
 * The fix for an environment that is not auto, dev or prod: the value the user most likely meant
 * (prod for "Production", dev for "development"), else what the stack name gives; never prod for a
 * value that does not say prod. APP_ENV's own names (staging, test, ...) belong to gin-deploy:appEnv.
 */
function environmentFix(value: string, stackName: string, fromName: Environment): string {
    const word = value.trim().toLowerCase();
    if (word === "prod" || word === "production") {
        return setCommand("environment", "prod");
    }
    if (word === "dev" || word === "development") {
        return setCommand("environment", "dev");
    }
    const appEnvHint = (APP_ENVS as readonly string[]).includes(word)
        ? `; for APP_ENV=${word} on the service, ${setCommand("appEnv", word)}`
        : "";
    return (
        `${setCommand("environment", "dev")} (dev's rules; prod's are stricter), or pulumi config rm ` +
        `gin-deploy:environment to let the stack name decide (stack "${stackName}" would be ${fromName})${appEnvHint}`
    );
}
