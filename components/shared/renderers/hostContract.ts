// The host contract a mode's scripts source: the paths and names from the mode's layout module
// and the rules they check, rendered as shell assignments, so no path or rule is typed again in
// bash. Pure: no Pulumi import.
import { RELEASE_VERSION } from "../../rules/releaseVersion";
import { SERVICE_NAME } from "../../rules/serviceName";
import { shellQuote } from "./shellQuote";

/** The file name the scripts look for beside themselves. */
export const HOST_CONTRACT_FILE = "contract.sh";

/** `NAME='value'` lines for every entry (names upper-cased from camelCase), plus the rules. */
export function renderHostContract(mode: string, values: Readonly<Record<string, string>>): string {
    const lines = [
        `# The ${mode} host contract, rendered by the components (components/layout/); sourced by the host scripts.`,
        `SERVICE_NAME_PATTERN=${shellQuote(SERVICE_NAME.source)}`,
        `VERSION_PATTERN=${shellQuote(RELEASE_VERSION.source)}`,
    ];
    for (const [name, value] of Object.entries(values)) {
        lines.push(`${name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase()}=${shellQuote(value)}`);
    }
    return lines.join("\n") + "\n";
}
