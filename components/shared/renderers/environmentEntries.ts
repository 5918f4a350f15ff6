// The checks every env file shares, whatever reads it (systemd's EnvironmentFile=, docker's
// --env-file): valid names, each key given once, string values, no line break or NUL (neither
// format can carry one). Errors name the key and never the value: it may be a secret. Pure.

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The settings and secrets as one list of [key, value], sorted by key within each source
 * (settings first), so the rendered file is stable and its hash changes only with its content.
 * `reader` names what will read the file, for the line-break message.
 */
export function environmentEntries(
    environment: Readonly<Record<string, string>>,
    secretEnvironment: Readonly<Record<string, string>>,
    reader: string,
): Array<[string, string]> {
    const entries: Array<[string, string]> = [];
    const seen = new Set<string>();
    const add = (source: string, env: Readonly<Record<string, string>>) => {
        for (const key of Object.keys(env).sort()) {
            const value = env[key];
            if (!KEY.test(key)) {
                throw new Error(
                    `${source} key "${key}" is not an environment variable name: ` + `use letters, digits and _, not starting with a digit`,
                );
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
                    `${source}.${key} holds a line break or NUL, which ${reader} cannot carry: ` +
                        `remove it (for a multi-line secret, store it base64-encoded)`,
                );
            }
            entries.push([key, value]);
        }
    };
    add("environment", environment);
    add("secretEnvironment", secretEnvironment);
    return entries;
}
