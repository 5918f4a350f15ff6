// The env file systemd reads (EnvironmentFile=) for the service: non-secret settings and secrets
// together, written on the host as a 0600 root file from stdin. Pure: no Pulumi import.
//
// Every value is double-quoted with ", \, ` and $ backslash-escaped, which is how systemd itself
// writes env files and what its parser reads back literally. A line break or NUL cannot be carried
// by EnvironmentFile= and is refused (environmentEntries.ts).

import { environmentEntries } from "../../shared/renderers/environmentEntries";

export function quoteEnvValue(value: string): string {
    return `"${value.replace(/["\\`$]/g, (c) => `\\${c}`)}"`;
}

export function renderEnvFile(environment: Readonly<Record<string, string>>, secretEnvironment: Readonly<Record<string, string>>): string {
    return environmentEntries(environment, secretEnvironment, "a systemd EnvironmentFile")
        .map(([key, value]) => `${key}=${quoteEnvValue(value)}\n`)
        .join("");
}
