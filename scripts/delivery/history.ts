// Reads a stack's update history as `pulumi stack history --json` prints it (pulumi/pulumi
// pkg/cmd/pulumi/stack/stack_history.go, updateInfoJSON): an array, newest first, of
// { version, kind, startTime, result, endTime?, message, environment, config, resourceChanges? },
// times as RFC 5424 UTC strings ("2026-11-30T09:12:44.000Z"). A malformed file is refused with
// its name, the entry and what is wrong; nothing is guessed.

export type UpdateKind = "update" | "preview" | "refresh" | "rename" | "destroy" | "import";
export type UpdateResult = "not-started" | "in-progress" | "succeeded" | "failed";

const KINDS: readonly string[] = ["update", "preview", "refresh", "rename", "destroy", "import"];
const RESULTS: readonly string[] = ["not-started", "in-progress", "succeeded", "failed"];

export interface Update {
    version: number;
    kind: UpdateKind;
    result: UpdateResult;
    start: Date;
    /** Absent while the update runs. */
    end?: Date;
}

export class HistoryError extends Error {
    constructor(source: string, problem: string) {
        super(`${source}: ${problem}`);
        this.name = "HistoryError";
    }
}

function time(value: unknown, what: string, fail: (problem: string) => never): Date {
    if (typeof value !== "string") {
        fail(`${what} is ${JSON.stringify(value)}, not a time string such as "2026-11-30T09:12:44.000Z"`);
    }
    const date = new Date(value as string);
    if (Number.isNaN(date.getTime())) {
        fail(`${what} "${value}" is not a time such as "2026-11-30T09:12:44.000Z"`);
    }
    return date;
}

/** Parses the text of a history file; `source` names it in every error. */
export function parseHistory(text: string, source: string): Update[] {
    let doc: unknown;
    try {
        doc = JSON.parse(text);
    } catch (e) {
        throw new HistoryError(
            source,
            `is not JSON (${(e as Error).message}); save it with: pulumi stack history --json --stack <stack> > FILE`,
        );
    }
    if (!Array.isArray(doc)) {
        throw new HistoryError(
            source,
            `holds ${doc === null ? "null" : typeof doc}, not the array of updates \`pulumi stack history --json\` prints`,
        );
    }
    return doc.map((entry: unknown, i: number): Update => {
        const where = (e: Record<string, unknown>) => `entry ${i + 1}${typeof e.version === "number" ? ` (version ${e.version})` : ""}`;
        if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
            throw new HistoryError(source, `entry ${i + 1} is ${JSON.stringify(entry)}, not an update object`);
        }
        const e = entry as Record<string, unknown>;
        const fail = (problem: string): never => {
            throw new HistoryError(source, `${where(e)}: ${problem}`);
        };
        if (typeof e.version !== "number" || !Number.isInteger(e.version)) {
            fail(`version is ${JSON.stringify(e.version)}, not a whole number`);
        }
        if (typeof e.kind !== "string" || !KINDS.includes(e.kind)) {
            fail(`kind is ${JSON.stringify(e.kind)}; expected one of ${KINDS.join(", ")}`);
        }
        // The CLI omits result only for an update that never got one; treat it as not started.
        const result = e.result ?? "not-started";
        if (typeof result !== "string" || !RESULTS.includes(result)) {
            fail(`result is ${JSON.stringify(e.result)}; expected one of ${RESULTS.join(", ")}`);
        }
        const start = time(e.startTime, "startTime", fail);
        const end = e.endTime === undefined || e.endTime === null ? undefined : time(e.endTime, "endTime", fail);
        if (end && end.getTime() < start.getTime()) {
            fail(`endTime ${e.endTime} is before startTime ${e.startTime}`);
        }
        if ((result === "succeeded" || result === "failed") && end === undefined) {
            fail(`result is ${result} but there is no endTime`);
        }
        return { version: e.version as number, kind: e.kind as UpdateKind, result: result as UpdateResult, start, end };
    });
}
