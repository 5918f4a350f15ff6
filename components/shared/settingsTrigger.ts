// What a reviewer reads in a release's diff about the service's settings: each plain setting by
// name with its value (`LOG_LEVEL: "info" => "debug"`), each secret by name with a digest that is
// itself a secret, so a changed password shows as `DB_PASSWORD: [secret] => [secret]` and an
// unchanged one not at all. The env file, secrets included, still reaches the host only on stdin;
// this map is only what re-runs the release when a setting changes.
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";

function isPlainRecord(value: unknown): value is Record<string, pulumi.Input<string>> {
    return typeof value === "object" && value !== null && !pulumi.Output.isInstance(value) && !(value instanceof Promise);
}

const digest = (value: string) => `sha256:${createHash("sha256").update(value).digest("hex")}`;

/**
 * A trigger for the settings. Given records it is one map, key by key (the engine diffs it key by
 * key; only the secret keys' values are secret). Given an Output of a record, whose keys are not
 * known before it resolves, it is the one secret digest of everything.
 */
export function settingsTrigger(
    environment: pulumi.Input<Record<string, pulumi.Input<string>>>,
    secretEnvironment: pulumi.Input<Record<string, pulumi.Input<string>>> | undefined,
): pulumi.Input<Record<string, pulumi.Input<string>>> | pulumi.Output<string> {
    const secrets = secretEnvironment ?? {};
    if (isPlainRecord(environment) && isPlainRecord(secrets)) {
        const map: Record<string, pulumi.Input<string>> = {};
        for (const key of Object.keys(environment).sort()) map[key] = environment[key];
        for (const key of Object.keys(secrets).sort()) {
            if (key in map) throw new Error(`${key} is both a plain and a secret setting: give it once`);
            map[key] = pulumi.secret(pulumi.output(secrets[key]).apply(digest));
        }
        return map;
    }
    return pulumi.secret(
        pulumi
            .all([pulumi.output(environment), pulumi.output(secrets)])
            .apply(([plain, secret]) => digest(JSON.stringify([plain, secret]))),
    );
}
