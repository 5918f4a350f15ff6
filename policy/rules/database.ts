// Prod talks to its database over TLS (S12): no DB_SSLMODE=disable, and no connection string
// with sslmode=disable, wherever the app's settings reach a host: the env file a release command
// gets on stdin, a Kubernetes container's env, a ConfigMap. The env file also holds the password
// (the pack sees secrets unwrapped), so a message names the key and the mode, never the file.
import { ResourceValidationPolicy } from "@pulumi/policy";

import { gatedResourcePolicy } from "../gatedPolicy";
import { podSpecOf } from "../kubernetesPodSpec";
import { Props } from "../resourceProps";

/** Settings as KEY -> value, from an env file's text (KEY=VALUE or KEY="VALUE" lines). */
function envFileEntries(text: string): [string, string][] {
    return text.split(/\r?\n/).flatMap((line): [string, string][] => {
        const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
        if (!m) {
            return [];
        }
        const value = m[2]
            .trim()
            .replace(/^"(.*)"$/, "$1")
            .replace(/^'(.*)'$/, "$1");
        return [[m[1], value]];
    });
}

/** The app settings a resource hands over, each with where it was found. */
export function settingsOf(type: string, props: Props): { where: string; key: string; value: string }[] {
    if ((type === "command:remote:Command" || type === "command:local:Command") && typeof props.stdin === "string") {
        return envFileEntries(props.stdin).map(([key, value]) => ({ where: "stdin env file", key, value }));
    }
    if (type === "kubernetes:core/v1:ConfigMap") {
        return Object.entries((props.data ?? {}) as Record<string, unknown>).map(([key, value]) => ({
            where: "data",
            key,
            value: String(value),
        }));
    }
    const spec = podSpecOf(type, props);
    if (spec) {
        return [...(spec.initContainers ?? []), ...(spec.containers ?? [])].flatMap((c, i) =>
            (c.env ?? [])
                .filter((e) => typeof e.value === "string")
                .map((e) => ({ where: `container ${c.name ?? i} env`, key: String(e.name), value: String(e.value) })),
        );
    }
    return [];
}

export const databaseTls: ResourceValidationPolicy = gatedResourcePolicy({
    name: "prod-database-tls",
    description: "In prod, the database connection must use TLS: no DB_SSLMODE=disable, no sslmode=disable in a connection string.",
    prodOnly: true,
    validate: (args, report) => {
        for (const { where, key, value } of settingsOf(args.type, args.props)) {
            if (key === "DB_SSLMODE" && value.toLowerCase() === "disable") {
                report(
                    `${args.name}: ${where} sets DB_SSLMODE=disable; prod must reach the database over TLS. ` +
                        "Fix: pulumi config set gin-deploy:dbSslMode require (or verify-full)",
                );
            } else if (/[?&\s]sslmode=disable\b/i.test(value)) {
                report(
                    `${args.name}: ${where} ${key} is a connection string with sslmode=disable; prod must use sslmode=require or verify-full`,
                );
            }
        }
    },
});
