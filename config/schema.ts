// Pulumi.yaml's config block and README.md's key table, both rendered from the key table
// (keys.ts). `npm run config:sync` writes them; a unit test fails when either has drifted.
import * as yaml from "js-yaml";

import { CONFIG_KEYS, CONFIG_NAMESPACE, ConfigKey, ConfigKeySpec, SECRET_KEYS } from "./keys";

/** The keys whose type the schema leaves to config/ (see the header). */
const NON_STRING_KEYS = (Object.keys(CONFIG_KEYS) as ConfigKey[]).filter((key) => {
    const spec: ConfigKeySpec = CONFIG_KEYS[key];
    return !spec.secret && spec.type !== "string";
});

const SCHEMA_HEADER = `# The config schema, generated from config/keys.ts by \`npm run config:sync\` (do not edit by
# hand). The engine applies a default to every stack that does not set a key; "auto" means
# config/ works the value out (from the environment or other keys). The secrets (${SECRET_KEYS.join(", ")})
# are not declared: a declared key without a default is required on every stack, and each is
# required only where it is used (config/ says so, with the \`pulumi config set --secret\` command).
# Only the string keys declare a type: the engine checks a declared type before the program runs
# and answers "must be of type 'integer'" with neither the value nor the fix, so the integer,
# boolean and list keys (${NON_STRING_KEYS.join(", ")})
# are declared by default and description, and config/ refuses a bad value with key, value and fix.
# Their types are in the key table (README.md).
`;

function schemaEntry(spec: ConfigKeySpec): Record<string, unknown> {
    const entry: Record<string, unknown> = spec.type === "string" ? { type: "string" } : {};
    entry.default = spec.default;
    entry.description = spec.description;
    return entry;
}

/** The `config:` block of Pulumi.yaml, with its header comment. */
export function renderSchemaBlock(): string {
    const config: Record<string, unknown> = {};
    for (const key of Object.keys(CONFIG_KEYS) as ConfigKey[]) {
        const spec: ConfigKeySpec = CONFIG_KEYS[key];
        if (!spec.secret) {
            config[key] = schemaEntry(spec);
        }
    }
    return SCHEMA_HEADER + yaml.dump({ config }, { lineWidth: -1, flowLevel: 3, quotingType: '"' });
}

function cell(value: unknown): string {
    if (value === undefined) {
        return "—";
    }
    return `\`${typeof value === "string" ? (value === "" ? '""' : value) : JSON.stringify(value)}\``;
}

/** The README's table of keys: key, type, default, where it is used, meaning. */
export function renderReadmeTable(): string {
    const rows = ["| key | type | default | used by | meaning |", "|---|---|---|---|---|"];
    for (const key of Object.keys(CONFIG_KEYS) as ConfigKey[]) {
        const spec: ConfigKeySpec = CONFIG_KEYS[key];
        const type = spec.secret ? `${spec.type}, **secret**` : spec.type;
        const fallback = spec.secret ? "required where used" : cell(spec.default);
        rows.push(`| \`${key}\` | ${type} | ${fallback} | ${spec.usedBy.join(", ")} | ${spec.description.replace(/\|/g, "\\|")} |`);
    }
    rows.push(`| \`aws:region\` | string | — | aws | the AWS provider's region; required on the aws target |`);
    return rows.join("\n") + "\n";
}

export const README_TABLE_BEGIN = `<!-- ${CONFIG_NAMESPACE} config keys: generated from config/keys.ts by npm run config:sync -->`;
export const README_TABLE_END = "<!-- end of config keys -->";

/** Pulumi.yaml with its config block replaced by the rendered one. */
export function syncedProjectFile(current: string): string {
    const start = current.search(/^# The (typed )?config schema|^config:/m);
    if (start < 0) {
        return current.trimEnd() + "\n" + renderSchemaBlock();
    }
    return current.slice(0, start) + renderSchemaBlock();
}

/** README.md with the text between the markers replaced by the rendered table. */
export function syncedReadme(current: string): string {
    const begin = current.indexOf(README_TABLE_BEGIN);
    const end = current.indexOf(README_TABLE_END);
    if (begin < 0 || end < begin) {
        throw new Error(`README.md has no "${README_TABLE_BEGIN}" ... "${README_TABLE_END}" markers around the config table`);
    }
    return current.slice(0, begin + README_TABLE_BEGIN.length) + "\n" + renderReadmeTable() + current.slice(end);
}
