// The env file systemd reads (EnvironmentFile=) for the service: non-secret settings and secrets
// together, written on the host as a 0600 root file from stdin. Pure: no Pulumi import.
//
// Every value is double-quoted with ", \, ` and $ backslash-escaped, which is how systemd itself
// writes env files and what its parser reads back literally. A line break or NUL cannot be carried
// by EnvironmentFile= and is refused (naming the key, never the value: it may be a secret).

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function quoteEnvValue(value: string): string {
    return `"${value.replace(/["\\`$]/g, (c) => `\\${c}`)}"`;
}

export function renderEnvFile(
    environment: Readonly<Record<string, string>>,
    secretEnvironment: Readonly<Record<string, string>>,
): string {
    const lines: string[] = [];
    const seen = new Set<string>();
    const add = (source: string, env: Readonly<Record<string, string>>) => {
        for (const key of Object.keys(env).sort()) {
            const value = env[key];
            if (!KEY.test(key)) {
                throw new Error(
                    `${source} key "${key}" is not an environment variable name: ` +
                    `use letters, digits and _, not starting with a digit`);
            }
            if (seen.has(key)) {
                throw new Error(`${key} is given in both environment and secretEnvironment: keep it in one (secrets in secretEnvironment)`);
            }
            seen.add(key);
            if (typeof value !== "string") {
                throw new Error(`${source}.${key} must be a string, got ${typeof value}`);
            }
            if (/[\n\r\0]/.test(value)) {
                throw new Error(
                    `${source}.${key} holds a line break or NUL, which a systemd EnvironmentFile cannot carry: ` +
                    `remove it (for a multi-line secret, store it base64-encoded)`);
            }
            lines.push(`${key}=${quoteEnvValue(value)}`);
        }
    };
    add("environment", environment);
    add("secretEnvironment", secretEnvironment);
    return lines.map((line) => `${line}\n`).join("");
}
