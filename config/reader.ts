// Reads raw config values by key and records every problem, each naming the key, the value and
// the fix; the sections use it so that all problems are reported at once, not the first only.
// One problem per key: the first one recorded is the cause, and a later check of a value already
// refused (two sections reading sshPort, "no CIDR at all" after "not a list") would only repeat it
// or mislead.
import * as pulumi from "@pulumi/pulumi";

import { cidrProblem } from "./cidr";
import { isPort, PORT_RULE } from "../components/rules/port";
import { CONFIG_KEYS, CONFIG_NAMESPACE, ConfigKey, defaultOf, PlainKey, SecretKey } from "./keys";

export interface ConfigProblem {
    key: string;
    message: string;
}

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

export function hasControlCharacter(value: string): boolean {
    return CONTROL_CHARACTERS.test(value);
}

export function setCommand(key: ConfigKey, example: string | number): string {
    return `pulumi config set ${CONFIG_NAMESPACE}:${key} ${example}`;
}

export function shown(value: string): string {
    return `= ${JSON.stringify(value)}`;
}

export class ConfigReader {
    readonly problems: ConfigProblem[] = [];
    private readonly secretKeys: ReadonlySet<string>;

    constructor(
        private readonly values: Readonly<Record<string, string | undefined>>,
        secretKeys: readonly string[],
    ) {
        this.secretKeys = new Set(secretKeys);
        for (const key of Object.keys(values)) {
            if (!(key in CONFIG_KEYS)) {
                this.refuse(
                    key,
                    `is not a known key (typo?). Fix: pulumi config rm ${CONFIG_NAMESPACE}:${key}; ` +
                        `the known keys are ${Object.keys(CONFIG_KEYS).join(", ")}`,
                );
            }
        }
    }

    refuse(key: string, message: string): void {
        if (this.hasProblem(key)) {
            return;
        }
        this.problems.push({ key, message: `${key.includes(":") ? key : `${CONFIG_NAMESPACE}:${key}`} ${message}` });
    }

    /** Whether a problem was already recorded for the key. */
    hasProblem(key: string): boolean {
        return this.problems.some((p) => p.key === key);
    }

    /** Whether the stack sets the key (rather than taking the schema default). */
    isSet(key: ConfigKey): boolean {
        return this.values[key] !== undefined;
    }

    text(key: PlainKey): string {
        const value = this.values[key] ?? String(defaultOf(key));
        if (hasControlCharacter(value)) {
            this.refuse(key, `${shown(value)} contains a control character (newline?). Fix: ${setCommand(key, "<one-line value>")}`);
        }
        return value;
    }

    oneOf<T extends string>(key: PlainKey, allowed: readonly T[], example: T): T {
        const value = this.text(key);
        if (!(allowed as readonly string[]).includes(value)) {
            this.refuse(key, `${shown(value)} is not one of ${allowed.join(", ")}. Fix: ${setCommand(key, example)}`);
            return example;
        }
        return value as T;
    }

    port(key: "appPort" | "sshPort" | "dbPort"): number {
        const value = this.text(key);
        const n = Number(value);
        if (!/^\d+$/.test(value) || !isPort(n)) {
            this.refuse(key, `${shown(value)} is not a port: use ${PORT_RULE}. ` + `Fix: ${setCommand(key, defaultOf(key))}`);
            return defaultOf(key);
        }
        return n;
    }

    bool(key: "hostFirewall" | "reachabilityCheck"): boolean {
        const value = this.text(key);
        if (value !== "true" && value !== "false") {
            this.refuse(key, `${shown(value)} is not true or false. Fix: ${setCommand(key, String(defaultOf(key)))}`);
            return false;
        }
        return value === "true";
    }

    /** A list of CIDR blocks; appCidrs' ["auto"] is returned as is, for the caller to resolve per environment. */
    cidrList(key: "appCidrs" | "sshCidrs" | "loadBalancerSourceRanges", example: string): string[] {
        const value = this.values[key];
        let list: unknown = defaultOf(key);
        if (value !== undefined) {
            try {
                list = JSON.parse(value);
            } catch {
                list = undefined;
            }
        }
        if (!Array.isArray(list) || !list.every((c) => typeof c === "string")) {
            // Typically `pulumi config set KEY 198.51.100.7/32` without --path: a plain string.
            const single = value !== undefined && cidrProblem(value.trim()) === undefined ? value.trim() : undefined;
            this.refuse(
                key,
                `${shown(value ?? "")} is not a list of CIDR blocks (set without --path?). ` +
                    (single
                        ? `Fix: pulumi config rm ${CONFIG_NAMESPACE}:${key} && pulumi config set --path '${CONFIG_NAMESPACE}:${key}[0]' ${single}`
                        : `Fix: pulumi config rm ${CONFIG_NAMESPACE}:${key}, then for each block: ` +
                          `pulumi config set --path '${CONFIG_NAMESPACE}:${key}[0]' ${example} ([1] for the next, ...)`),
            );
            return [];
        }
        if (key === "appCidrs" && list.length === 1 && list[0] === "auto") {
            return ["auto"];
        }
        for (const [index, cidr] of (list as string[]).entries()) {
            const problem = cidrProblem(cidr);
            if (problem) {
                this.refuse(
                    `${key}[${index}]`,
                    `= ${JSON.stringify(cidr)} ${problem}. ` +
                        `Fix: pulumi config set --path '${CONFIG_NAMESPACE}:${key}[${index}]' ${example}`,
                );
            }
        }
        return [...(list as string[])];
    }

    /**
     * A required secret: refused when missing or stored in plaintext. Never echoes the value, and
     * never suggests it on a command line (shell history): pulumi prompts, or reads stdin.
     */
    secret(key: SecretKey, check: (value: string) => string | undefined, fix: string): pulumi.Output<string> {
        const value = this.values[key];
        if (value === undefined || value === "") {
            this.refuse(key, `is not set. Fix: ${fix}`);
        } else if (!this.secretKeys.has(key)) {
            this.refuse(
                key,
                `is stored in plaintext (${value.length} character${value.length === 1 ? "" : "s"}, not shown); ` +
                    `it must be a Pulumi secret. Fix: pulumi config rm ${CONFIG_NAMESPACE}:${key} && ${fix}`,
            );
        } else {
            const problem = check(value);
            if (problem) {
                this.refuse(key, `(secret, not shown) ${problem}. Fix: ${fix}`);
            }
        }
        return pulumi.secret(value ?? "");
    }
}
