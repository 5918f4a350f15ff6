// The env file a container reads with `docker run --env-file` (container mode). Docker takes each
// line as KEY=VALUE literally (no quotes, no escapes, no continuation), so a value that holds a
// newline cannot be written and is refused. HOST and PORT belong to the slot the container runs
// in (see containerUnits.ts) and are left out. Pure: no Pulumi here.

import { environmentEntries } from "../../shared/renderers/environmentEntries";

/** Settings the slot sets itself; a value given for them here would be a second, ignored copy. */
export const SLOT_OWNED_KEYS: readonly string[] = ["HOST", "PORT"];

export function renderContainerEnvFile(
    environment: Readonly<Record<string, string>>,
    secretEnvironment: Readonly<Record<string, string>>,
): string {
    return environmentEntries(environment, secretEnvironment, "docker's --env-file")
        .filter(([key]) => !SLOT_OWNED_KEYS.includes(key))
        .map(([key, value]) => `${key}=${value}\n`)
        .join("");
}
