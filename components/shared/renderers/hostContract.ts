// The host contract a mode's scripts source: the paths and names from the mode's layout module
// (components/<mode>/layout.ts), the value rules of components/rules/ and the release defaults
// both modes share, rendered as shell assignments, so no path, rule or default is typed again in
// bash. Every pattern is a POSIX ERE that means the same to bash's =~ as to JavaScript.
// Pure: no Pulumi import.
import { CONTAINER_PATH_PATTERN, STATE_VOLUME_PATTERN, UID_GID_PATTERN } from "../../rules/containerValues";
import { PINNED_IMAGE_PATTERN, SHA256_PATTERN } from "../../rules/digest";
import { HEALTH_PATH_PATTERN } from "../../rules/healthPath";
import { PORT_MAX, PORT_MIN } from "../../rules/port";
import { RELEASE_VERSION } from "../../rules/releaseVersion";
import { DRAIN_TIMEOUT_MAX, DRAIN_TIMEOUT_MIN, HEALTH_TIMEOUT_MAX, HEALTH_TIMEOUT_MIN } from "../../rules/seconds";
import { SERVICE_NAME } from "../../rules/serviceName";
import { RELEASE_DEFAULTS } from "./releaseOptions";
import { shellQuote } from "./shellQuote";

/** The file name the scripts look for beside themselves. */
export const HOST_CONTRACT_FILE = "contract.sh";

/** The rules and shared defaults, by their shell names: the same lines in every mode's contract. */
export const HOST_RULES: Readonly<Record<string, string>> = {
    SERVICE_NAME_PATTERN: SERVICE_NAME.source,
    VERSION_PATTERN: RELEASE_VERSION.source,
    SHA256_PATTERN,
    PINNED_IMAGE_PATTERN,
    HEALTH_PATH_PATTERN,
    PORT_MIN: String(PORT_MIN),
    PORT_MAX: String(PORT_MAX),
    HEALTH_TIMEOUT_MIN: String(HEALTH_TIMEOUT_MIN),
    HEALTH_TIMEOUT_MAX: String(HEALTH_TIMEOUT_MAX),
    DRAIN_TIMEOUT_MIN: String(DRAIN_TIMEOUT_MIN),
    DRAIN_TIMEOUT_MAX: String(DRAIN_TIMEOUT_MAX),
    STATE_VOLUME_PATTERN,
    CONTAINER_PATH_PATTERN,
    UID_GID_PATTERN,
    DEFAULT_HEALTH_PATH: RELEASE_DEFAULTS.healthPath,
    DEFAULT_HEALTH_TIMEOUT_SECONDS: String(RELEASE_DEFAULTS.healthTimeoutSeconds),
    DEFAULT_DRAIN_TIMEOUT_SECONDS: String(RELEASE_DEFAULTS.drainTimeoutSeconds),
};

/** `NAME='value'` lines for the rules, then for every entry (names upper-cased from camelCase). */
export function renderHostContract(mode: string, values: Readonly<Record<string, string>>): string {
    const lines = [`# The ${mode} host contract, rendered by the components (components/${mode}/layout.ts); sourced by the host scripts.`];
    for (const [name, value] of Object.entries(HOST_RULES)) lines.push(`${name}=${shellQuote(value)}`);
    for (const [name, value] of Object.entries(values)) {
        const shellName = name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
        if (shellName in HOST_RULES) throw new Error(`the ${mode} layout's ${name} would overwrite the contract's rule ${shellName}`);
        lines.push(`${shellName}=${shellQuote(value)}`);
    }
    return lines.join("\n") + "\n";
}
