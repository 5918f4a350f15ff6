// Reads a systemd unit file's text into sections of key/value lists, as systemd does: `#` and `;`
// comment lines, a trailing backslash continues the line, a key may repeat (an empty value resets
// the list). Pure, so the rules that judge units stay small.

export type UnitSections = Map<string, Map<string, string[]>>;

export function parseUnit(text: string): UnitSections {
    const sections: UnitSections = new Map();
    let current: Map<string, string[]> | undefined;
    const lines = text.replace(/\\\r?\n/g, " ").split(/\r?\n/);
    for (const raw of lines) {
        const line = raw.trim();
        if (line === "" || line.startsWith("#") || line.startsWith(";")) {
            continue;
        }
        const header = /^\[([^\]]+)\]$/.exec(line);
        if (header) {
            current = sections.get(header[1]) ?? new Map();
            sections.set(header[1], current);
            continue;
        }
        const eq = line.indexOf("=");
        if (eq < 0 || current === undefined) {
            continue;
        }
        const key = line.slice(0, eq).trim();
        const value = line.slice(eq + 1).trim();
        const values = current.get(key) ?? [];
        current.set(key, value === "" ? [] : [...values, value]);
    }
    return sections;
}

/** The last value of `key` in `section` (what systemd uses for single-valued settings). */
export function lastValue(unit: UnitSections, section: string, key: string): string | undefined {
    const values = unit.get(section)?.get(key);
    return values && values.length > 0 ? values[values.length - 1] : undefined;
}

/** systemd's boolean spelling. */
export function isTrue(value: string | undefined): boolean {
    return value !== undefined && ["1", "yes", "y", "true", "t", "on"].includes(value.toLowerCase());
}
