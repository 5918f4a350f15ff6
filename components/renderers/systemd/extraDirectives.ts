// Extra [Service] directives a user adds to the app's unit (MemoryMax=, ReadWritePaths=, ...).
// Refused: a key the unit already sets (the sandbox, the identity, the release contract: one
// value would silently override or add to ours), keys that would move the app out of its
// sandbox or off the host's network, and anything that is not one line. Pure.

export type ExtraDirectives = Readonly<Record<string, string | readonly string[]>>;

const KEY = /^[A-Z][A-Za-z0-9]*$/;

/** Keys the rendered unit does not set but which would still break the hardening or the contract. */
const ALSO_REFUSED = [
    "User",
    "Group",
    "SupplementaryGroups",
    "PrivateNetwork",
    "NetworkNamespacePath",
    "JoinsNamespaceOf",
    "RootDirectory",
    "RootImage",
    "Sockets",
    "PAMName",
    "ExecStartPre",
    "ExecStartPost",
    "ExecStop",
    "ExecStopPost",
    "ExecReload",
    "ExecCondition",
    "PermissionsStartOnly",
    "ProtectKernelTunables",
    "ProtectControlGroups",
    "SecureBits",
    "Environment",
];

/** What to use instead, for the keys users reach for most. */
const INSTEAD: Record<string, string> = {
    ExecStart: "give the arguments in `args`",
    Type: 'choose `readiness` ("notify" or { httpPath })',
    NotifyAccess: "choose `readiness`",
    Environment: "put the variable in `environment` (or `secretEnvironment`)",
    EnvironmentFile: "put the variables in `environment` (or `secretEnvironment`)",
    WorkingDirectory: "use the `workingDirectory` option",
    StateDirectory: "use the `stateDirectory` option",
    User: "the app runs as a dynamic user (DynamicUser=yes); give files it must read mode o+r",
    DynamicUser: "the app always runs as a dynamic user",
};

export function validateExtraDirectives(extra: ExtraDirectives | undefined, setByUnit: ReadonlySet<string>): Array<[string, string]> {
    if (extra === undefined) return [];
    if (typeof extra !== "object" || extra === null || Array.isArray(extra)) {
        throw new Error(`extraDirectives must be an object of directive names to values, e.g. { MemoryMax: "512M" }`);
    }
    const lines: Array<[string, string]> = [];
    for (const key of Object.keys(extra).sort()) {
        if (!KEY.test(key)) {
            throw new Error(`extraDirectives key "${key}" is not a systemd directive name: use its exact spelling, e.g. MemoryMax`);
        }
        if (setByUnit.has(key) || ALSO_REFUSED.includes(key)) {
            const fix = INSTEAD[key] ?? "remove it from extraDirectives";
            throw new Error(
                `extraDirectives.${key} is refused: gin-deploy sets ${key} itself or relies on it for the sandbox or the release (${fix})`,
            );
        }
        const raw = extra[key];
        const values = typeof raw === "string" ? [raw] : raw;
        if (!Array.isArray(values) || values.length === 0) {
            throw new Error(`extraDirectives.${key} must be a string or a non-empty list of strings, got ${JSON.stringify(raw)}`);
        }
        for (const value of values) {
            if (typeof value !== "string") {
                throw new Error(`extraDirectives.${key} must be a string or a list of strings, got ${JSON.stringify(value)}`);
            }
            if (/[\0-\x1f\x7f]/.test(value) || value.endsWith("\\")) {
                throw new Error(
                    `extraDirectives.${key}=${JSON.stringify(value)} must be one line (no line break, control character or trailing \\): ` +
                        `give several values as a list`,
                );
            }
            lines.push([key, value]);
        }
    }
    return lines;
}
