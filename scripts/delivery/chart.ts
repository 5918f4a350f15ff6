// The delivery figures as a small SVG bar chart: per week, the succeeded deployments and the
// failed ones side by side, with the window's figures as a subtitle. Hand-written SVG (no
// library): a few rectangles and labels, readable in a browser, on GitHub and in the README.
import { DeliveryMetrics } from "./metrics";

const WIDTH = 640;
const HEIGHT = 320;
const MARGIN = { top: 88, right: 20, bottom: 48, left: 44 };
const COLORS = { succeeded: "#2e7d32", failed: "#c62828", grid: "#e0e0e0", text: "#212121", muted: "#616161" };

function escapeXml(text: string): string {
    return text.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c] as string);
}

function day(date: Date): string {
    return date.toISOString().slice(5, 10);
}

/** "12 deployments, 2.6 per week, change failure rate 14 %, MTTR 1.3 h" */
export function summaryLine(m: DeliveryMetrics): string {
    const cfr = m.changeFailureRate === null ? "n/a" : `${(m.changeFailureRate * 100).toFixed(0)} %`;
    const mttr = m.mttrHours === null ? "n/a" : `${m.mttrHours.toFixed(1)} h`;
    return `${m.deployments} deployments, ${m.deploymentsPerWeek.toFixed(1)} per week, change failure rate ${cfr}, MTTR ${mttr}`;
}

export function renderChart(m: DeliveryMetrics, stack: string): string {
    const plotW = WIDTH - MARGIN.left - MARGIN.right;
    const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
    const max = Math.max(1, ...m.weeks.map((w) => Math.max(w.succeeded, w.failed)));
    // Integer gridlines: at most 5 of them.
    const step = Math.max(1, Math.ceil(max / 5));
    // One step of headroom above the tallest bar, for its label.
    const top = (Math.floor(max / step) + 1) * step;
    const y = (v: number) => MARGIN.top + plotH - (v / top) * plotH;
    const out: string[] = [];
    out.push(
        `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="Helvetica, Arial, sans-serif">`,
    );
    out.push(`<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`);
    const title = `Deliveries per week: stack ${stack}, last ${m.days} days`;
    out.push(`<text x="${MARGIN.left}" y="24" font-size="16" font-weight="bold" fill="${COLORS.text}">${escapeXml(title)}</text>`);
    out.push(`<text x="${MARGIN.left}" y="44" font-size="12" fill="${COLORS.text}">${escapeXml(summaryLine(m))}</text>`);
    const window =
        m.windowStart && m.windowEnd
            ? `${m.windowStart.toISOString().slice(0, 16).replace("T", " ")} to ${m.windowEnd.toISOString().slice(0, 16).replace("T", " ")} UTC`
            : "";
    out.push(`<text x="${MARGIN.left}" y="62" font-size="11" fill="${COLORS.muted}">${escapeXml(window)}</text>`);
    // Legend, right-aligned on the window's line.
    const legendX = WIDTH - MARGIN.right - 130;
    out.push(`<rect x="${legendX}" y="53" width="10" height="10" fill="${COLORS.succeeded}"/>`);
    out.push(`<text x="${legendX + 14}" y="62" font-size="11" fill="${COLORS.text}">succeeded</text>`);
    out.push(`<rect x="${legendX + 84}" y="53" width="10" height="10" fill="${COLORS.failed}"/>`);
    out.push(`<text x="${legendX + 98}" y="62" font-size="11" fill="${COLORS.text}">failed</text>`);
    for (let v = 0; v <= top; v += step) {
        out.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(v)}" y2="${y(v)}" stroke="${COLORS.grid}"/>`);
        out.push(`<text x="${MARGIN.left - 6}" y="${y(v) + 4}" font-size="11" text-anchor="end" fill="${COLORS.muted}">${v}</text>`);
    }
    if (m.weeks.length === 0) {
        out.push(
            `<text x="${MARGIN.left + plotW / 2}" y="${MARGIN.top + plotH / 2}" font-size="14" text-anchor="middle" fill="${COLORS.muted}">no updates in the history</text>`,
        );
    }
    const slot = plotW / Math.max(1, m.weeks.length);
    const bar = Math.min(36, slot / 3);
    m.weeks.forEach((w, i) => {
        const x0 = MARGIN.left + i * slot + slot / 2 - bar;
        for (const [k, value, color] of [
            [0, w.succeeded, COLORS.succeeded],
            [1, w.failed, COLORS.failed],
        ] as const) {
            const x = x0 + k * bar;
            const h = y(0) - y(value);
            out.push(
                `<rect x="${x.toFixed(1)}" y="${y(value).toFixed(1)}" width="${(bar - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${color}"/>`,
            );
            out.push(
                `<text x="${(x + (bar - 2) / 2).toFixed(1)}" y="${(y(value) - 4).toFixed(1)}" font-size="11" text-anchor="middle" fill="${COLORS.text}">${value}</text>`,
            );
        }
        const label = `${day(w.start)} to ${day(w.end)}`;
        out.push(
            `<text x="${(MARGIN.left + i * slot + slot / 2).toFixed(1)}" y="${HEIGHT - MARGIN.bottom + 18}" font-size="11" text-anchor="middle" fill="${COLORS.muted}">${escapeXml(label)}</text>`,
        );
    });
    out.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(0)}" y2="${y(0)}" stroke="${COLORS.muted}"/>`);
    out.push(
        `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 10}" font-size="11" text-anchor="middle" fill="${COLORS.muted}">week (UTC, the newest on the right); updates of kind "update" only</text>`,
    );
    out.push("</svg>");
    return `${out.join("\n")}\n`;
}
