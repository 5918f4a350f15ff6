// Which environment the stack is (dev or prod), and the service's APP_ENV and LOG_LEVEL.
import type { ConfigReader } from "../reader";
import { setCommand, shown } from "../reader";
import type { Environment, LogLevel } from "../types";

const ENVIRONMENTS: readonly Environment[] = ["dev", "prod"];
const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];
// APP_ENV values the service accepts; the production ones make it insist on TLS to the database.
const APP_ENVS = ["development", "dev", "local", "test", "staging", "production", "prod"] as const;
const PRODUCTION_APP_ENVS: readonly string[] = ["production", "prod"];

/** Whether a stack of this name is prod when gin-deploy:environment is "auto". */
export function environmentOfStack(stackName: string): Environment {
    return stackName === "prod" || stackName === "production" || stackName.startsWith("prod-") ? "prod" : "dev";
}

export interface EnvironmentSection {
    environment: Environment;
    appEnv: string;
    logLevel: LogLevel;
}

export function parseEnvironment(read: ConfigReader, stackName: string): EnvironmentSection {
    const value = read.text("environment");
    let environment: Environment = environmentOfStack(stackName);
    if (value !== "auto") {
        if ((ENVIRONMENTS as readonly string[]).includes(value)) {
            environment = value as Environment;
        } else {
            read.refuse("environment", `${shown(value)} is not one of auto, dev, prod. Fix: ${setCommand("environment", "prod")}`);
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
    return { environment, appEnv, logLevel: read.oneOf("logLevel", LOG_LEVELS, "info") };
}
