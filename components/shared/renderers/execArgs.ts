// ExecStart= arguments as systemd reads them (not a shell): each word double-quoted, with \ and "
// backslash-escaped, % doubled (specifiers) and $ doubled (systemd's own variable expansion),
// so the app receives exactly the strings given. Pure.

export function systemdExecWord(word: string, option = "args"): string {
    if (typeof word !== "string") {
        throw new Error(`${option} must be strings, got ${typeof word}: give each argument as a string`);
    }
    if (/[\0-\x1f\x7f]/.test(word)) {
        throw new Error(`${option} entry ${JSON.stringify(word)} holds a control character (line break, tab, NUL): remove it`);
    }
    const escaped = word
        .replace(/[\\"]/g, (c) => `\\${c}`)
        .replace(/%/g, "%%")
        .replace(/\$/g, () => "$$");
    return `"${escaped}"`;
}

export function systemdExecLine(executable: string, args: readonly string[] = []): string {
    return [executable, ...args.map((a) => systemdExecWord(a))].join(" ");
}
