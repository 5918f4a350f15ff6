// Extra [Service] directives a user adds to the app's unit (MemoryMax=, ReadWritePaths=, ...).
//
// An ALLOW-list: only the directives below, each with the shape of value it may take. systemd
// runs as root and acts on a unit's directives before it drops to the app's dynamic user, so a
// block-list always has holes (LoadCredential=shadow:/etc/shadow reads any file as root,
// StandardOutput=file:/etc/cron.d/x writes one, BindPaths=/root:/data mounts one, ExecStartPre=
// runs anything). What is allowed only limits the app's resources or narrows its sandbox, with one
// exception (ReadWritePaths=, under data folders only). A key the unit already sets stays refused
// even when listed (one value would silently override ours). docs/your-app.md lists them. Pure.

export type ExtraDirectives = Readonly<Record<string, string | readonly string[]>>;

const KEY = /^[A-Z][A-Za-z0-9]*$/;

const BYTES = /^(infinity|[1-9][0-9]{0,15}[KMGT]?|([1-9][0-9]?|100)%)$/;
const WHOLE_OR_INFINITY = /^(infinity|0|[1-9][0-9]{0,9})$/;
const RLIMIT = /^(infinity|0|[1-9][0-9]{0,9})(:(infinity|0|[1-9][0-9]{0,9}))?$/;

function integerIn(min: number, max: number): (value: string) => boolean {
    return (value) => /^-?(0|[1-9][0-9]*)$/.test(value) && Number(value) >= min && Number(value) <= max;
}

/** A plain absolute path: no whitespace (systemd would read a second path), no specifiers (%), no quotes, prefixes or "..". */
const PLAIN_PATH = /^(\/[A-Za-z0-9._@+,=:-]+)+\/?$/;
function plainPath(value: string): boolean {
    return PLAIN_PATH.test(value) && !value.split("/").some((part) => part === "." || part === "..");
}

/** Where ReadWritePaths= may point: data folders, never the system's own (/etc, /usr, /root, /home, /run, /proc, ...). */
const WRITABLE_ROOTS = ["/srv", "/var/lib", "/var/cache", "/var/log", "/mnt"];

interface Allowed {
    /** The value shape, as a user reads it in the refusal. */
    shape: string;
    check: (value: string) => boolean;
}

/** The directives an ordinary app may add; each one's reason is in docs/your-app.md. */
export const ALLOWED_DIRECTIVES: Readonly<Record<string, Allowed>> = {
    // Resource limits (cgroup): they only take from the app.
    MemoryMax: { shape: 'bytes with K/M/G/T, a percentage or "infinity" (e.g. 512M)', check: (v) => BYTES.test(v) },
    MemoryHigh: { shape: 'bytes with K/M/G/T, a percentage or "infinity" (e.g. 384M)', check: (v) => BYTES.test(v) },
    MemorySwapMax: { shape: 'bytes with K/M/G/T, a percentage or "infinity" (e.g. 0)', check: (v) => v === "0" || BYTES.test(v) },
    CPUQuota: { shape: "a percentage of one CPU from 1% (e.g. 50% or 200%)", check: (v) => /^[1-9][0-9]{0,5}%$/.test(v) },
    CPUWeight: { shape: "a whole number from 1 to 10000", check: integerIn(1, 10000) },
    IOWeight: { shape: "a whole number from 1 to 10000", check: integerIn(1, 10000) },
    TasksMax: {
        shape: 'a whole number, a percentage or "infinity" (e.g. 256)',
        check: (v) => WHOLE_OR_INFINITY.test(v) || /^([1-9][0-9]?|100)%$/.test(v),
    },
    // Per-process limits (setrlimit): LimitNOFILE is set by the unit itself.
    LimitNPROC: { shape: 'a whole number or "infinity", or SOFT:HARD', check: (v) => RLIMIT.test(v) },
    LimitCORE: { shape: 'a whole number of bytes or "infinity", or SOFT:HARD (0 turns core dumps off)', check: (v) => RLIMIT.test(v) },
    // Scheduling: only ever lower the app's priority against the host's own services.
    Nice: { shape: "a whole number from 0 to 19 (a lower priority; a negative one is refused)", check: integerIn(0, 19) },
    OOMScoreAdjust: {
        shape: "a whole number from 0 to 1000 (killed earlier under memory pressure; a negative one is refused)",
        check: integerIn(0, 1000),
    },
    // File system: hide more, or let the app write to a data folder (the rest stays read-only).
    InaccessiblePaths: { shape: "one absolute path per value, without spaces, %, quotes or ..", check: plainPath },
    ReadWritePaths: {
        shape: `one absolute path per value under ${WRITABLE_ROOTS.join(", ")}, without spaces, %, quotes or ..`,
        check: (v) => plainPath(v) && WRITABLE_ROOTS.some((root) => v.startsWith(`${root}/`)),
    },
};

/** What to use instead, for the keys users reach for most. */
const INSTEAD: Record<string, string> = {
    ExecStart: "give the arguments in `args`",
    Type: 'choose `readiness` ("notify" or { httpPath })',
    NotifyAccess: "choose `readiness`",
    Environment: "put the variable in `environment` (or `secretEnvironment`)",
    EnvironmentFile: "put the variables in `environment` (or `secretEnvironment`)",
    LoadCredential: "pass the secret in `secretEnvironment`",
    SetCredential: "pass the secret in `secretEnvironment`",
    WorkingDirectory: "use the `workingDirectory` option",
    StateDirectory: "use the `stateDirectory` option",
    User: "the app runs as a dynamic user (DynamicUser=yes); give files it must read mode o+r",
    Group: "the app runs as a dynamic user (DynamicUser=yes); give files it must read mode o+r",
    DynamicUser: "the app always runs as a dynamic user",
    StandardOutput: "the app's output goes to the journal (journalctl -u <name>)",
    StandardError: "the app's output goes to the journal (journalctl -u <name>)",
    BindPaths: "read data from a folder the app may read, or write to one listed in ReadWritePaths",
    BindReadOnlyPaths: "read data from a folder the app may read (ProtectSystem=strict leaves it readable)",
};

const allowedList = () => Object.keys(ALLOWED_DIRECTIVES).join(", ");

export function validateExtraDirectives(extra: ExtraDirectives | undefined, setByUnit: ReadonlySet<string>): Array<[string, string]> {
    if (extra === undefined) return [];
    if (typeof extra !== "object" || extra === null || Array.isArray(extra)) {
        throw new Error(`extraDirectives must be an object of directive names to values, e.g. { MemoryMax: "512M" }`);
    }
    const lines: Array<[string, string]> = [];
    for (const key of Object.keys(extra).sort()) {
        if (!KEY.test(key)) {
            const exact = Object.keys(ALLOWED_DIRECTIVES).find((k) => k.toLowerCase() === key.trim().toLowerCase());
            throw new Error(
                `extraDirectives key ${JSON.stringify(key)} is not a systemd directive name: ` +
                    (exact !== undefined ? `use its exact spelling, ${exact}` : `use one of ${allowedList()}`),
            );
        }
        if (setByUnit.has(key)) {
            throw new Error(
                `extraDirectives.${key} is refused: gin-deploy sets ${key} itself and relies on its value ` +
                    `(${INSTEAD[key] ?? "remove it from extraDirectives"})`,
            );
        }
        const allowed = Object.prototype.hasOwnProperty.call(ALLOWED_DIRECTIVES, key) ? ALLOWED_DIRECTIVES[key] : undefined;
        if (allowed === undefined) {
            const exact = Object.keys(ALLOWED_DIRECTIVES).find((k) => k.toLowerCase() === key.toLowerCase());
            throw new Error(
                `extraDirectives.${key} is refused: it is not one of the directives an app may add ` +
                    `(systemd acts on it as root, or it would change the sandbox or the release). ` +
                    `Fix: ${exact !== undefined ? `spell it ${exact}` : (INSTEAD[key] ?? "remove it from extraDirectives")}; ` +
                    `allowed: ${allowedList()} (docs/your-app.md)`,
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
            if (/[\0-\x1f\x7f\u0085\u2028\u2029]/.test(value) || value.endsWith("\\")) {
                throw new Error(
                    `extraDirectives.${key}=${JSON.stringify(value)} must be one line (no line break, control character or trailing \\): ` +
                        `give several values as a list`,
                );
            }
            if (!allowed.check(value)) {
                throw new Error(`extraDirectives.${key}=${JSON.stringify(value)} is refused: give ${allowed.shape}`);
            }
            lines.push([key, value]);
        }
    }
    return lines;
}
