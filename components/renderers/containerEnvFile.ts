// The env file a container reads with `docker run --env-file` (container mode). Docker takes each
// line as KEY=VALUE literally (no quotes, no escapes, no continuation), so a value that holds a
// newline cannot be written and is refused. HOST and PORT belong to the slot the container runs
// in (see containerUnits.ts) and are left out. Pure: no Pulumi here.

/** Settings the slot sets itself; a value given for them here would be a second, ignored copy. */
export const SLOT_OWNED_KEYS: readonly string[] = ["HOST", "PORT"];

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function renderContainerEnvFile(
  environment: Readonly<Record<string, string>>,
  secretEnvironment: Readonly<Record<string, string>>,
): string {
  const lines: string[] = [];
  const seen = new Set<string>();
  const add = (source: string, env: Readonly<Record<string, string>>) => {
    for (const key of Object.keys(env).sort()) {
      const value = env[key];
      if (!KEY.test(key)) {
        throw new Error(`${source} key "${key}" is not an environment variable name: use letters, digits and _, not starting with a digit`);
      }
      if (seen.has(key)) {
        throw new Error(`${key} is given both in environment and secretEnvironment: keep it in one (secrets in secretEnvironment)`);
      }
      seen.add(key);
      if (typeof value !== "string") {
        throw new Error(`${source}.${key} must be a string, got ${typeof value}`);
      }
      if (/[\n\r\0]/.test(value)) {
        // Never echo the value: it may be a secret.
        throw new Error(`${source}.${key} holds a line break or NUL, which docker's --env-file cannot carry: remove it`);
      }
      if (SLOT_OWNED_KEYS.includes(key)) continue;
      lines.push(`${key}=${value}`);
    }
  };
  add("environment", environment);
  add("secretEnvironment", secretEnvironment);
  return lines.map((l) => `${l}\n`).join("");
}
