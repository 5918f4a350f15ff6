// The one config module (S10, S12): reads the stack's settings, applies defaults, validates them and
// returns one frozen, typed StackConfig. Every bad value is refused here, before any resource is
// registered, with a message that names the key, the value and the fix.
//
// parseConfig() is pure (testable without the Pulumi runtime); loadConfig() gathers its input from
// the running stack and git.
//
// Which stacks are prod: the key gin-deploy:environment (dev | prod) decides. Its default "auto"
// makes the stack named `prod`, `production` or `prod-<anything>` a prod stack and every other
// stack a dev stack. Prod gets the stricter rules (TLS to the database, SSH never open to the world).
//
// "auto" defaults: Pulumi's project schema applies one default to every stack, and a key without
// a default is required by the engine. Values that depend on the environment or on other keys
// therefore default to "auto" in Pulumi.yaml and are worked out here.

import { spawnSync } from "child_process";
import * as net from "net";
import * as pulumi from "@pulumi/pulumi";
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";

import { CpuArchitecture, instanceArchitecture } from "./components/aws/instanceArchitecture";

export const CONFIG_NAMESPACE = "gin-deploy";

export type Environment = "dev" | "prod";
export type DeployTarget = "aws" | "ssh";
export type DeployMode = "systemd" | "container";
export type LogLevel = "debug" | "info" | "warn" | "error";
// The modes the service accepts (app/internal/config).
export type SslMode = "disable" | "require" | "verify-full";

const ENVIRONMENTS: readonly Environment[] = ["dev", "prod"];
const TARGETS: readonly DeployTarget[] = ["aws", "ssh"];
const MODES: readonly DeployMode[] = ["systemd", "container"];
const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];
const SSL_MODES: readonly SslMode[] = ["disable", "require", "verify-full"];
const ARCHITECTURES: readonly CpuArchitecture[] = ["amd64", "arm64"];
const PROD_SSL_MODES: readonly SslMode[] = ["require", "verify-full"];
// APP_ENV values the service accepts; the production ones make it insist on TLS to the database.
const APP_ENVS = ["development", "dev", "local", "test", "staging", "production", "prod"] as const;
const PRODUCTION_APP_ENVS: readonly string[] = ["production", "prod"];

/** Per-environment database defaults, as the article gives them (S12). */
export const ENVIRONMENT_DEFAULTS: Readonly<Record<Environment, { dbSslMode: SslMode; dbPoolSize: number }>> = {
    dev: { dbSslMode: "disable", dbPoolSize: 5 },
    prod: { dbSslMode: "require", dbPoolSize: 20 },
};

/**
 * Defaults of the non-secret keys, exactly as Pulumi.yaml declares them (a unit test holds the
 * two together: mocks do not see the project schema). "auto" is worked out by parseConfig.
 */
export const CONFIG_DEFAULTS = {
    environment: "auto",
    target: "aws",
    mode: "systemd",
    appPort: 8080,
    appEnv: "auto",
    logLevel: "info",
    hostFirewall: false,
    release: "auto",
    sshHost: "",
    sshPort: 22,
    sshUser: "auto",
    hostArch: "amd64",
    publicUrl: "auto",
    instanceType: "t4g.micro",
    amiId: "auto",
    appCidrs: ["0.0.0.0/0", "::/0"],
    sshCidrs: [] as string[],
    sshPublicKey: "",
    dbHost: "",
    dbPort: 5432,
    dbName: "gin_app",
    dbUser: "gin_app",
    dbSslMode: "auto",
    dbPoolSize: "auto",
} as const;

/** Keys whose values must be Pulumi secrets; they have no default (the engine requires them). */
export const SECRET_KEYS = ["dbPassword", "sshPrivateKey"] as const;

export type ConfigKey = keyof typeof CONFIG_DEFAULTS | (typeof SECRET_KEYS)[number];
const KNOWN_KEYS: ReadonlySet<string> = new Set([...Object.keys(CONFIG_DEFAULTS), ...SECRET_KEYS]);

export interface Release {
    /** `git describe --tags --always --dirty`, or gin-deploy:release. */
    version: string;
    /** `git rev-parse HEAD`. */
    commit: string;
    /** The commit date (`git log -1 --format=%cI`), never the time of the build. */
    date: string;
}

export interface DatabaseConfig {
    /** Empty when the service runs without a database. */
    host: string;
    port: number;
    name: string;
    user: string;
    password: pulumi.Output<string>;
    sslMode: SslMode;
    poolSize: number;
}

/** Any host reachable over SSH (the local stack uses one on 127.0.0.1). */
export interface SshTargetConfig {
    kind: "ssh";
    host: string;
    port: number;
    user: string;
    privateKey: pulumi.Output<string>;
    arch: CpuArchitecture;
    /** Where the app answers from the machine running Pulumi. */
    publicUrl: string;
}

/** An EC2 instance created by the stack. */
export interface AwsTargetConfig {
    kind: "aws";
    region: string;
    instanceType: string;
    /** Follows the instance type (Graviton families are arm64). */
    arch: CpuArchitecture;
    /** A pinned AMI, or undefined for the newest Debian 12 image of the architecture. */
    amiId: string | undefined;
    appCidrs: string[];
    sshCidrs: string[];
    sshPort: number;
    user: string;
    sshPublicKey: string;
    privateKey: pulumi.Output<string>;
}

export interface StackConfig {
    stack: string;
    environment: Environment;
    mode: DeployMode;
    appPort: number;
    /** APP_ENV for the service. */
    appEnv: string;
    logLevel: LogLevel;
    /** Open the app port in the host's ufw when ufw exists (SSH targets). */
    hostFirewall: boolean;
    target: SshTargetConfig | AwsTargetConfig;
    db: DatabaseConfig;
    release: Release;
}

/** What git says about the checkout, or why it could not say. */
export type GitFacts = { describe: string; commit: string; date: string } | { error: string };

export interface RawConfig {
    /** The gin-deploy:* values by short key, as the engine hands them over (arrays as JSON text). */
    values: Readonly<Record<string, string | undefined>>;
    /** Short keys whose values are Pulumi secrets. */
    secretKeys: readonly string[];
    /** aws:region. */
    awsRegion?: string;
    git: GitFacts;
}

export interface ConfigProblem {
    key: string;
    message: string;
}

/**
 * Every problem found in the stack's config, one a line, each naming key, value and fix. A
 * RunError, so that Pulumi shows the message alone, without a stack trace.
 */
export class ConfigError extends pulumi.RunError {
    constructor(readonly stackName: string, readonly problems: readonly ConfigProblem[]) {
        super(`stack "${stackName}" has ${problems.length} config problem${problems.length === 1 ? "" : "s"}; ` +
            `nothing was deployed:\n` + problems.map((p) => `  - ${p.message}`).join("\n"));
        this.name = "ConfigError";
    }
}

/** Whether a stack of this name is prod when gin-deploy:environment is "auto". */
export function environmentOfStack(stackName: string): Environment {
    return stackName === "prod" || stackName === "production" || stackName.startsWith("prod-") ? "prod" : "dev";
}

// ---------------------------------------------------------------------------------------------
// CIDR checks

function ipv4ToNumber(address: string): number {
    return address.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
}

function ipv6ToBigInt(address: string): bigint {
    const [head, tail] = address.includes("::") ? address.split("::") : [address, undefined];
    const headGroups = head ? head.split(":") : [];
    const tailGroups = tail ? tail.split(":") : [];
    const missing = 8 - headGroups.length - tailGroups.length;
    const groups = tail === undefined ? headGroups : [...headGroups, ...Array(missing).fill("0"), ...tailGroups];
    return groups.reduce((n, group) => (n << 16n) + BigInt(parseInt(group, 16)), 0n);
}

/** Why a CIDR is malformed (undefined when it is fine); suggests the network address when host bits are set. */
export function cidrProblem(cidr: string): string | undefined {
    const match = /^([^/\s]+)\/(\d{1,3})$/.exec(cidr);
    if (!match) {
        return "is not a CIDR block of the form address/prefix (e.g. 203.0.113.7/32 or 2001:db8::/64)";
    }
    const [, address, prefixText] = match;
    const prefix = Number(prefixText);
    if (net.isIPv4(address)) {
        if (prefix > 32) {
            return `has prefix /${prefix}; an IPv4 prefix is 0 to 32`;
        }
        const value = ipv4ToNumber(address);
        const size = 2 ** (32 - prefix);
        const network = value - (value % size);
        if (network !== value) {
            const text = [24, 16, 8, 0].map((s) => Math.floor(network / 2 ** s) % 256).join(".");
            return `has host bits set; the network is ${text}/${prefix}`;
        }
        return undefined;
    }
    if (net.isIPv6(address) && !address.includes(".")) {
        if (prefix > 128) {
            return `has prefix /${prefix}; an IPv6 prefix is 0 to 128`;
        }
        const value = ipv6ToBigInt(address);
        const hostBits = (1n << BigInt(128 - prefix)) - 1n;
        if ((value & hostBits) !== 0n) {
            return "has host bits set; use the network address of the block";
        }
        return undefined;
    }
    return `has "${address}", which is not an IPv4 or IPv6 address`;
}

/** True for a block that contains every address (0.0.0.0/0, ::/0). */
export function isWholeInternet(cidr: string): boolean {
    return /\/0+$/.test(cidr);
}

// ---------------------------------------------------------------------------------------------
// parseConfig

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** Validates and types the raw stack config; throws ConfigError listing every problem. */
export function parseConfig(raw: RawConfig, stackName: string): Readonly<StackConfig> {
    const problems: ConfigProblem[] = [];
    const secretKeys = new Set(raw.secretKeys);
    const refuse = (key: string, message: string): void => {
        problems.push({ key, message: `${key.includes(":") ? key : `${CONFIG_NAMESPACE}:${key}`} ${message}` });
    };
    const shown = (value: string): string => `= ${JSON.stringify(value)}`;
    const setCommand = (key: string, example: string | number): string =>
        `pulumi config set ${CONFIG_NAMESPACE}:${key} ${example}`;

    for (const key of Object.keys(raw.values)) {
        if (!KNOWN_KEYS.has(key)) {
            refuse(key, `is not a known key (typo?). Fix: pulumi config rm ${CONFIG_NAMESPACE}:${key}; ` +
                `the known keys are ${[...KNOWN_KEYS].join(", ")}`);
        }
    }

    const text = (key: keyof typeof CONFIG_DEFAULTS): string => {
        const value = raw.values[key] ?? String(CONFIG_DEFAULTS[key]);
        if (CONTROL_CHARACTERS.test(value)) {
            refuse(key, `${shown(value)} contains a control character (newline?). Fix: ${setCommand(key, "<one-line value>")}`);
        }
        return value;
    };
    const oneOf = <T extends string>(key: keyof typeof CONFIG_DEFAULTS, allowed: readonly T[], example: T): T => {
        const value = text(key);
        if (!(allowed as readonly string[]).includes(value)) {
            refuse(key, `${shown(value)} is not one of ${allowed.join(", ")}. Fix: ${setCommand(key, example)}`);
            return example;
        }
        return value as T;
    };
    const port = (key: "appPort" | "sshPort" | "dbPort"): number => {
        const value = text(key);
        const n = Number(value);
        if (!/^\d+$/.test(value) || n < 1 || n > 65535) {
            refuse(key, `${shown(value)} is not a port: use a whole number from 1 to 65535. ` +
                `Fix: ${setCommand(key, CONFIG_DEFAULTS[key])}`);
            return CONFIG_DEFAULTS[key];
        }
        return n;
    };
    const bool = (key: "hostFirewall"): boolean => {
        const value = text(key);
        if (value !== "true" && value !== "false") {
            refuse(key, `${shown(value)} is not true or false. Fix: ${setCommand(key, "false")}`);
            return false;
        }
        return value === "true";
    };
    const cidrList = (key: "appCidrs" | "sshCidrs", example: string): string[] => {
        const value = raw.values[key];
        const fix = `Fix: pulumi config set --path '${CONFIG_NAMESPACE}:${key}[0]' ${example}`;
        let list: unknown = CONFIG_DEFAULTS[key];
        if (value !== undefined) {
            try {
                list = JSON.parse(value);
            } catch {
                list = undefined;
            }
        }
        if (!Array.isArray(list) || !list.every((c) => typeof c === "string")) {
            refuse(key, `${shown(value ?? "")} is not a list of CIDR blocks. ${fix}`);
            return [];
        }
        for (const [index, cidr] of (list as string[]).entries()) {
            const problem = cidrProblem(cidr);
            if (problem) {
                refuse(`${key}[${index}]`, `= ${JSON.stringify(cidr)} ${problem}. ` +
                    `Fix: pulumi config set --path '${CONFIG_NAMESPACE}:${key}[${index}]' ${example}`);
            }
        }
        return [...(list as string[])];
    };
    const secret = (key: (typeof SECRET_KEYS)[number], what: string): pulumi.Output<string> => {
        const value = raw.values[key];
        // Never suggest the value on the command line (shell history): pulumi prompts, or reads stdin.
        const fix = key === "sshPrivateKey"
            ? `Fix: pulumi config set --secret ${CONFIG_NAMESPACE}:${key} < ~/.ssh/id_ed25519`
            : `Fix: pulumi config set --secret ${CONFIG_NAMESPACE}:${key} (it prompts for the ${what})`;
        if (value === undefined || value === "") {
            refuse(key, `is not set. ${fix}`);
        } else if (!secretKeys.has(key)) {
            // Never echo the value: it is a password or a key, sitting in plaintext in the stack file.
            refuse(key, `is stored in plaintext (${value.length} character${value.length === 1 ? "" : "s"}, not shown); it must be a Pulumi secret. ` +
                `Fix: pulumi config rm ${CONFIG_NAMESPACE}:${key} && ${fix.slice(5)}`);
        } else if (key === "dbPassword" && CONTROL_CHARACTERS.test(value)) {
            refuse(key, `(secret, not shown) contains a control character (newline?), which an env file cannot hold. ${fix}`);
        } else if (key === "sshPrivateKey" && !/^-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(value.trim())) {
            refuse(key, `(secret, not shown) is not a PEM/OpenSSH private key (no "-----BEGIN ... PRIVATE KEY-----" line). ${fix}`);
        }
        return pulumi.secret(value ?? "");
    };

    // Environment: explicit, or from the stack's name.
    const environmentValue = text("environment");
    let environment: Environment = environmentOfStack(stackName);
    if (environmentValue !== "auto") {
        if ((ENVIRONMENTS as readonly string[]).includes(environmentValue)) {
            environment = environmentValue as Environment;
        } else {
            refuse("environment", `${shown(environmentValue)} is not one of auto, dev, prod. ` +
                `Fix: ${setCommand("environment", "prod")}`);
        }
    }
    const prod = environment === "prod";

    const targetKind = oneOf("target", TARGETS, "aws");
    const mode = oneOf("mode", MODES, "systemd");
    const appPort = port("appPort");
    const sshPort = port("sshPort");
    if (appPort === sshPort) {
        refuse("appPort", `= ${appPort} is also the SSH port (gin-deploy:sshPort): the service would take SSH's place ` +
            `or fail to bind. Fix: ${setCommand("appPort", sshPort === 8080 ? 8081 : 8080)}`);
    }

    if (mode === "container" && appPort !== sshPort) {
        // Container mode's two release slots listen on the host's loopback at appPort+1 and +2
        // (stack.ts), so those must be free ports too.
        for (const slotPort of [appPort + 1, appPort + 2]) {
            if (slotPort === sshPort || slotPort > 65535) {
                refuse("appPort", `= ${appPort}: container mode also uses ${appPort + 1} and ${appPort + 2} for its two ` +
                    `release slots, and ${slotPort} ${slotPort > 65535 ? "is not a port" : "is the SSH port"}. ` +
                    `Fix: ${setCommand("appPort", 8080)}`);
            }
        }
    }

    const appEnvValue = text("appEnv");
    let appEnv: string = environment;
    if (appEnvValue !== "auto") {
        if (!(APP_ENVS as readonly string[]).includes(appEnvValue)) {
            refuse("appEnv", `${shown(appEnvValue)} is not one of auto, ${APP_ENVS.join(", ")} (what the service accepts). ` +
                `Fix: ${setCommand("appEnv", environment)}`);
        } else if (PRODUCTION_APP_ENVS.includes(appEnvValue) !== prod) {
            refuse("appEnv", `${shown(appEnvValue)} contradicts the stack's environment (${environment}): the service ` +
                `would apply ${prod ? "dev" : "prod"} rules. Fix: ${setCommand("appEnv", environment)}` +
                ` (or set gin-deploy:environment)`);
        } else {
            appEnv = appEnvValue;
        }
    }
    const logLevel = oneOf("logLevel", LOG_LEVELS, "info");
    const hostFirewall = bool("hostFirewall");

    // Database (S12).
    // Empty: no database (the service then runs without one).
    const dbHost = text("dbHost");
    if (dbHost !== "" && !/^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/.test(dbHost)) {
        refuse("dbHost", `${shown(dbHost)} is not a host name or IPv4 address (no scheme, port or spaces). ` +
            `Fix: ${setCommand("dbHost", "db.internal.example")}`);
    }
    const dbPort = port("dbPort");
    const identifier = (key: "dbName" | "dbUser"): string => {
        const value = text(key);
        if (!/^[A-Za-z_][A-Za-z0-9_-]{0,62}$/.test(value)) {
            refuse(key, `${shown(value)} is not a PostgreSQL name (a letter or _, then letters, digits, _ or -; at most 63). ` +
                `Fix: ${setCommand(key, CONFIG_DEFAULTS[key])}`);
        }
        return value;
    };
    const dbName = identifier("dbName");
    const dbUser = identifier("dbUser");
    const dbPassword = secret("dbPassword", "password");

    const sslModeValue = text("dbSslMode");
    let dbSslMode: SslMode = ENVIRONMENT_DEFAULTS[environment].dbSslMode;
    if (sslModeValue !== "auto") {
        if (!(SSL_MODES as readonly string[]).includes(sslModeValue)) {
            refuse("dbSslMode", `${shown(sslModeValue)} is not one of auto, ${SSL_MODES.join(", ")}. ` +
                `Fix: ${setCommand("dbSslMode", prod ? "require" : "disable")}`);
        } else if (prod && !(PROD_SSL_MODES as readonly string[]).includes(sslModeValue)) {
            refuse("dbSslMode", `${shown(sslModeValue)} is refused in prod: the database connection ` +
                `must use TLS (${PROD_SSL_MODES.join(", ")}). Fix: ${setCommand("dbSslMode", "require")}`);
        } else {
            dbSslMode = sslModeValue as SslMode;
        }
    }

    const poolValue = text("dbPoolSize");
    let dbPoolSize = ENVIRONMENT_DEFAULTS[environment].dbPoolSize;
    if (poolValue !== "auto") {
        const n = Number(poolValue);
        if (!/^-?\d+$/.test(poolValue) || n < 1 || n > 1000) {
            refuse("dbPoolSize", `${shown(poolValue)} is not a pool size: use a whole number from 1 to 1000 ` +
                `(or auto: ${ENVIRONMENT_DEFAULTS.dev.dbPoolSize} in dev, ${ENVIRONMENT_DEFAULTS.prod.dbPoolSize} in prod). ` +
                `Fix: ${setCommand("dbPoolSize", ENVIRONMENT_DEFAULTS[environment].dbPoolSize)}`);
        } else {
            dbPoolSize = n;
        }
    }

    // Release (S7): from git unless pinned.
    const releaseValue = text("release");
    const git = raw.git;
    const release: Release = "error" in git
        ? { version: releaseValue, commit: "unknown", date: "unknown" }
        : { version: releaseValue === "auto" ? git.describe : releaseValue, commit: git.commit, date: git.date };
    if (releaseValue === "auto" && "error" in git) {
        refuse("release", `= "auto" needs git to name the release, and git failed (${git.error}). ` +
            `Fix: run pulumi from a git checkout, or ${setCommand("release", "v1.2.3")}`);
    } else if (releaseValue !== "auto" && (!/^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/.test(releaseValue) || releaseValue === "latest")) {
        refuse("release", `${shown(releaseValue)} does not name a version (letters, digits, . _ + -; ` +
            `not "latest"). Fix: ${setCommand("release", "v1.2.3")}`);
    }

    // Target.
    const userValue = text("sshUser");
    const userProblem = userValue !== "auto" && !/^[a-z_][a-z0-9_-]{0,31}$/.test(userValue);
    if (userProblem) {
        refuse("sshUser", `${shown(userValue)} is not a user name. Fix: ${setCommand("sshUser", "admin")}`);
    }
    const privateKey = secret("sshPrivateKey", "private key");
    let target: SshTargetConfig | AwsTargetConfig;
    if (targetKind === "ssh") {
        const host = text("sshHost");
        if (!/^[A-Za-z0-9][A-Za-z0-9.:-]*$/.test(host)) {
            refuse("sshHost", `${shown(host)} is not a host name or address; the ssh target needs one. ` +
                `Fix: ${setCommand("sshHost", "127.0.0.1")}`);
        }
        const arch = oneOf("hostArch", ARCHITECTURES, "amd64");
        const publicUrlValue = text("publicUrl");
        const publicUrl = publicUrlValue === "auto"
            ? `http://${host.includes(":") ? `[${host}]` : host}:${appPort}`
            : publicUrlValue.replace(/\/+$/, "");
        if (publicUrlValue !== "auto" && !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(publicUrlValue)) {
            refuse("publicUrl", `${shown(publicUrlValue)} is not an http(s) URL. ` +
                `Fix: ${setCommand("publicUrl", "http://127.0.0.1:18080")}`);
        }
        target = {
            kind: "ssh", host, port: sshPort, user: userValue === "auto" ? "root" : userValue,
            privateKey, arch, publicUrl,
        };
    } else {
        const region = raw.awsRegion ?? "";
        if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
            refuse("aws:region", `${shown(region)} is not an AWS region; the aws target needs one. ` +
                `Fix: pulumi config set aws:region eu-central-1`);
        }
        const instanceType = text("instanceType");
        const lookup = instanceArchitecture(instanceType);
        if (!lookup.ok) {
            refuse("instanceType", `${shown(instanceType)}: ${lookup.reason}. ` +
                `Fix: ${setCommand("instanceType", "t4g.small")} (arm64) or ${setCommand("instanceType", "t3.small")} (amd64)`);
        }
        const amiValue = text("amiId");
        if (amiValue !== "auto" && !/^ami-[0-9a-f]{8,17}$/.test(amiValue)) {
            refuse("amiId", `${shown(amiValue)} is not an AMI id (ami-<hex>). Fix: ${setCommand("amiId", "auto")}`);
        }
        const appCidrs = cidrList("appCidrs", "0.0.0.0/0");
        if (raw.values.appCidrs !== undefined && appCidrs.length === 0) {
            refuse("appCidrs", `= [] lets nobody reach the app. Fix: pulumi config set --path '${CONFIG_NAMESPACE}:appCidrs[0]' 0.0.0.0/0`);
        }
        const sshCidrs = cidrList("sshCidrs", "203.0.113.7/32");
        if (sshCidrs.length === 0) {
            refuse("sshCidrs", `${shown(raw.values.sshCidrs ?? "[]")} lets nobody deploy over SSH: list the ` +
                `address of the machine running pulumi. Fix: pulumi config set --path '${CONFIG_NAMESPACE}:sshCidrs[0]' <your IP>/32`);
        }
        if (prod) {
            for (const [index, cidr] of sshCidrs.entries()) {
                if (isWholeInternet(cidr)) {
                    refuse(`sshCidrs[${index}]`, `= ${JSON.stringify(cidr)} opens SSH to the whole internet, which prod refuses. ` +
                        `Fix: pulumi config set --path '${CONFIG_NAMESPACE}:sshCidrs[${index}]' <your IP>/32`);
                }
            }
        }
        const sshPublicKey = text("sshPublicKey").trim();
        if (!/^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+={0,3}( \S.*)?$/.test(sshPublicKey)) {
            refuse("sshPublicKey", `${shown(sshPublicKey)} is not an OpenSSH public key; the aws target ` +
                `needs the public half of gin-deploy:sshPrivateKey. Fix: pulumi config set ${CONFIG_NAMESPACE}:sshPublicKey ` +
                `"$(cat ~/.ssh/id_ed25519.pub)"`);
        }
        target = {
            kind: "aws", region, instanceType, arch: lookup.ok ? lookup.architecture : "amd64",
            amiId: amiValue === "auto" ? undefined : amiValue,
            appCidrs, sshCidrs, sshPort, user: userValue === "auto" ? "admin" : userValue,
            sshPublicKey, privateKey,
        };
    }

    if (problems.length > 0) {
        throw new ConfigError(stackName, problems);
    }
    const db: DatabaseConfig = {
        host: dbHost, port: dbPort, name: dbName, user: dbUser, password: dbPassword, sslMode: dbSslMode, poolSize: dbPoolSize,
    };
    return deepFreeze({
        stack: stackName, environment, mode, appPort, appEnv, logLevel, hostFirewall, target, db, release,
    });
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

// ---------------------------------------------------------------------------------------------
// loadConfig

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
 * The release comes from the checkout holding this file, whatever the working directory (the
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
    return parseConfig(
        { values, secretKeys, awsRegion: all["aws:region"], git: readGitFacts(projectDir) },
        pulumi.getStack());
}
