// Delivery figures (S20) from a stack's update history, over a window of `days` that ends at the
// newest update (its end, or its start while it runs). Only updates of kind `update` whose start
// falls in the window count; previews, refreshes and destroys are not deliveries.
//
//   deployments         every such update, whatever its result
//   deploymentsPerWeek  the succeeded ones / (days / 7)
//   changeFailureRate   failed / (succeeded + failed); null when neither occurred
//   mttrHours           the mean, over each run of consecutive failures that a success ends, of the
//                       hours from the first failure's end to that success's end; null when none
//
// Pure: updates in, figures out (the CLI and the chart are elsewhere).
import { Update } from "./history";

const DAY_MS = 24 * 3600 * 1000;

export interface WeekBucket {
    start: Date;
    end: Date;
    succeeded: number;
    failed: number;
}

export interface DeliveryMetrics {
    days: number;
    /** null when there is no update of kind `update` at all. */
    windowStart: Date | null;
    windowEnd: Date | null;
    deployments: number;
    succeeded: number;
    failed: number;
    deploymentsPerWeek: number;
    changeFailureRate: number | null;
    mttrHours: number | null;
    /** The failure runs a success ended, in order: what mttrHours averages. */
    restores: { failedAt: Date; restoredAt: Date; hours: number }[];
    weeks: WeekBucket[];
}

function moment(u: Update): number {
    return (u.end ?? u.start).getTime();
}

export function deliveryMetrics(history: readonly Update[], days = 30): DeliveryMetrics {
    if (!Number.isFinite(days) || days <= 0) {
        throw new Error(`days must be a positive number, got ${days}`);
    }
    // In start order; the CLI records whole seconds (and the file backend numbers every entry 0),
    // so ties go by end time, then version.
    const updates = history
        .filter((u) => u.kind === "update")
        .sort((a, b) => a.start.getTime() - b.start.getTime() || moment(a) - moment(b) || a.version - b.version);
    if (updates.length === 0) {
        return {
            days,
            windowStart: null,
            windowEnd: null,
            deployments: 0,
            succeeded: 0,
            failed: 0,
            deploymentsPerWeek: 0,
            changeFailureRate: null,
            mttrHours: null,
            restores: [],
            weeks: [],
        };
    }
    const windowEnd = new Date(Math.max(...updates.map(moment)));
    const windowStart = new Date(windowEnd.getTime() - days * DAY_MS);
    const inWindow = updates.filter((u) => u.start.getTime() >= windowStart.getTime() && u.start.getTime() <= windowEnd.getTime());

    const succeeded = inWindow.filter((u) => u.result === "succeeded").length;
    const failed = inWindow.filter((u) => u.result === "failed").length;

    // Runs of failures ended by a success; an update still running or never started breaks nothing.
    const restores: DeliveryMetrics["restores"] = [];
    let firstFailure: Update | undefined;
    for (const u of inWindow) {
        if (u.result === "failed") {
            firstFailure = firstFailure ?? u;
        } else if (u.result === "succeeded" && firstFailure) {
            const failedAt = firstFailure.end as Date;
            const restoredAt = u.end as Date;
            restores.push({ failedAt, restoredAt, hours: (restoredAt.getTime() - failedAt.getTime()) / 3600_000 });
            firstFailure = undefined;
        }
    }

    // 7-day buckets counted back from the window's end, so the newest week is a whole one; the
    // oldest bucket is shorter when days is not a multiple of 7.
    const weekCount = Math.max(1, Math.ceil(days / 7));
    const weeks: WeekBucket[] = Array.from({ length: weekCount }, (_, i) => {
        const back = weekCount - i;
        return {
            start: new Date(Math.max(windowStart.getTime(), windowEnd.getTime() - back * 7 * DAY_MS)),
            end: new Date(windowEnd.getTime() - (back - 1) * 7 * DAY_MS),
            succeeded: 0,
            failed: 0,
        };
    });
    for (const u of inWindow) {
        const back = Math.min(weekCount - 1, Math.floor((windowEnd.getTime() - u.start.getTime()) / (7 * DAY_MS)));
        const week = weeks[weekCount - 1 - back];
        if (u.result === "succeeded") week.succeeded++;
        if (u.result === "failed") week.failed++;
    }

    return {
        days,
        windowStart,
        windowEnd,
        deployments: inWindow.length,
        succeeded,
        failed,
        deploymentsPerWeek: succeeded / (days / 7),
        changeFailureRate: succeeded + failed > 0 ? failed / (succeeded + failed) : null,
        mttrHours: restores.length > 0 ? restores.reduce((sum, r) => sum + r.hours, 0) / restores.length : null,
        restores,
        weeks,
    };
}
