// Stack configs for the config suites (config.test.ts, configMessages.test.ts): valid ones a test
// changes one thing in, and the problems parseConfig reports for a config it refuses.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

import { ConfigError, parseConfig, RawConfig, SECRET_KEYS } from "../../config";

const ROOT = path.join(__dirname, "..", "..");
export const GIT = { describe: "v1.4.0-3-gabc1234", commit: "abc1234def5678", date: "2026-11-20T10:00:00+01:00" };
export const PRIVATE_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n";
export const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKvDsv1BMTbrpWx08odqoZi6lVOwDXhofoPPlHtnfxHC";
export const PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl deploy@example";

/** A valid aws-target config with a database; tests change one thing. */
export function awsRaw(values: Record<string, string | undefined> = {}, secretKeys: string[] = [...SECRET_KEYS]): RawConfig {
    return {
        values: {
            sshCidrs: JSON.stringify(["198.51.100.7/32"]),
            appCidrs: JSON.stringify(["203.0.113.0/24"]),
            sshPublicKey: PUBLIC_KEY,
            sshPrivateKey: PRIVATE_KEY,
            dbHost: "db.internal.example",
            dbPassword: "s3cret-pw",
            ...values,
        },
        secretKeys,
        awsRegion: "eu-central-1",
        git: GIT,
    };
}

/** A valid ssh-target config (a host of the user's, its key pinned). */
export function sshRaw(values: Record<string, string | undefined> = {}): RawConfig {
    return awsRaw({
        target: "ssh",
        sshHost: "127.0.0.1",
        sshPort: "2222",
        sshHostKey: HOST_KEY,
        sshCidrs: undefined,
        sshPublicKey: undefined,
        ...values,
    });
}

/** The committed local stack's values (Pulumi.local.yaml) plus what deploy:local adds (its host's key, the secret), as the engine hands them over. */
export function localRaw(values: Record<string, string | undefined> = {}): RawConfig {
    const doc = yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.local.yaml"), "utf8")) as { config: Record<string, unknown> };
    const committed = Object.fromEntries(
        Object.entries(doc.config)
            .filter(([key]) => key.startsWith("gin-deploy:"))
            .map(([key, value]) => [key.slice("gin-deploy:".length), String(value)]),
    );
    return {
        values: { ...committed, sshHostKey: HOST_KEY, sshPrivateKey: PRIVATE_KEY, ...values },
        secretKeys: ["sshPrivateKey"],
        git: GIT,
    };
}

/** The problems parseConfig reports, as their message lines; fails the test when the config is accepted. */
export function refusals(raw: RawConfig, stack = "dev"): string[] {
    try {
        parseConfig(raw, stack);
    } catch (error) {
        assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
        return error.problems.map((p) => p.message);
    }
    assert.fail("the config was accepted");
}
