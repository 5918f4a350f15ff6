// One line of doctor's table: a check, whether it passed, and when not, the cause it names and
// the one-line fix. Pure types plus the helper every check group builds its results with.

import { CauseContext, CauseId, describeCause } from "../../components/reachability/causes";

export type CheckGroup = "outside" | "network" | "binary" | "service" | "resources" | "stack";

export interface CheckResult {
    /** Stable id, e.g. "listen-address". */
    id: string;
    group: CheckGroup;
    /** What was checked, one line. */
    title: string;
    status: "pass" | "fail" | "skip";
    /** What was seen (one line or a few). */
    detail: string;
    /** When failed: the cause this check points to. */
    cause?: CauseId;
    /** The cause's explanation and fix (filled from components/reachability/causes.ts). */
    explanation?: string;
    fix?: string;
    /** Causes which, when found by another check, account for this failure (a symptom of theirs). */
    explainedBy?: CauseId[];
    /** Set by attribution: the root cause that accounts for this failure. */
    attributedTo?: CauseId;
    /** Extra lines printed under the check (e.g. the last journal lines). */
    evidence?: string[];
}

export function pass(id: string, group: CheckGroup, title: string, detail: string): CheckResult {
    return { id, group, title, status: "pass", detail };
}

export function skip(id: string, group: CheckGroup, title: string, detail: string): CheckResult {
    return { id, group, title, status: "skip", detail };
}

export function fail(
    id: string,
    group: CheckGroup,
    title: string,
    detail: string,
    cause: CauseId,
    ctx: CauseContext,
    more: { explainedBy?: CauseId[]; evidence?: string[]; fix?: string } = {},
): CheckResult {
    const c = describeCause(cause, ctx);
    return {
        id,
        group,
        title,
        status: "fail",
        detail,
        cause,
        explanation: c.title,
        fix: more.fix ?? c.fix,
        explainedBy: more.explainedBy,
        evidence: more.evidence,
    };
}
