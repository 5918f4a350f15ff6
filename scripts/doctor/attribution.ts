// Which failed checks are causes and which are symptoms of another: a crash loop makes the URL
// fail from outside, a binary for the wrong CPU makes the service crash-loop. Doctor names the
// root causes only, so one planted fault gives one cause. Pure.

import { CauseId } from "../../components/reachability/causes";
import { CheckResult } from "./check";

export interface Attribution {
    checks: CheckResult[];
    /** The distinct root causes, in table order. */
    causes: CauseId[];
}

export function attribute(checks: CheckResult[]): Attribution {
    const failing = checks.filter((c) => c.status === "fail" && c.cause !== undefined);
    const present = (except: CheckResult) => new Set(failing.filter((c) => c !== except).map((c) => c.cause as CauseId));
    // A check is explained when another failing check names one of the causes it lists, and
    // that check is not itself explained by this one (no cycles: the lists only point "down").
    const explainer = (c: CheckResult): CauseId | undefined => {
        const others = present(c);
        return (c.explainedBy ?? []).find((id) => others.has(id) && id !== c.cause);
    };
    const out = checks.map((c) => {
        if (c.status !== "fail") return c;
        let by = explainer(c);
        // Follow the chain to its root (a symptom of a symptom).
        const seen = new Set<CauseId>();
        while (by !== undefined && !seen.has(by)) {
            seen.add(by);
            const next = failing.find((f) => f.cause === by);
            const deeper = next ? explainer(next) : undefined;
            if (deeper === undefined) break;
            by = deeper;
        }
        return by === undefined ? c : { ...c, attributedTo: by };
    });
    const causes: CauseId[] = [];
    for (const c of out) {
        if (c.status === "fail" && c.attributedTo === undefined && c.cause && !causes.includes(c.cause)) causes.push(c.cause);
    }
    return { checks: out, causes };
}
