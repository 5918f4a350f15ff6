// `npm run delivery-report -- --stack prod [--days 30] [--json] [--history-file FILE] [--chart FILE]`
//
// Delivery figures (deployment frequency, change failure rate, mean time to restore) from the
// stack's update history: `pulumi stack history --json` through the project's CLI and backend
// (scripts/pulumi.sh), or a saved copy. Prints a table (or JSON with --json) and writes an SVG
// chart next to it, reports/delivery-<stack>.svg by default. Definitions: scripts/delivery/metrics.ts.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

import { renderChart } from "./delivery/chart";
import { HistoryError, parseHistory, Update } from "./delivery/history";
import { DeliveryMetrics, deliveryMetrics } from "./delivery/metrics";

const ROOT = path.join(__dirname, "..");
const USAGE = "usage: npm run delivery-report -- --stack STACK [--days N] [--json] [--history-file FILE] [--chart FILE]";

export interface ReportOptions {
    stack?: string;
    days: number;
    json: boolean;
    historyFile?: string;
    chart?: string;
}

export function parseArgs(argv: string[]): ReportOptions {
    const options: ReportOptions = { days: 30, json: false };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const value = (): string => {
            const v = argv[++i];
            if (v === undefined || v.startsWith("--")) {
                throw new UsageError(`${arg} needs a value`);
            }
            return v;
        };
        switch (arg) {
            case "--stack":
                options.stack = value();
                break;
            case "--history-file":
                options.historyFile = value();
                break;
            case "--chart":
                options.chart = value();
                break;
            case "--json":
                options.json = true;
                break;
            case "--days": {
                const text = value();
                const days = Number(text);
                if (!/^\d+$/.test(text) || days < 1) {
                    throw new UsageError(`--days ${text}: give a whole number of days, 1 or more`);
                }
                options.days = days;
                break;
            }
            default:
                throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
        }
    }
    if (!options.stack && !options.historyFile) {
        throw new UsageError("give --stack STACK (or --history-file FILE with a saved `pulumi stack history --json`)");
    }
    return options;
}

export class UsageError extends Error {}

/**
 * The project's CLI, built first when there is none (scripts/pulumi-env.sh): its notice and
 * progress go straight to the terminal, so that the error of the history command that follows
 * holds only that command's own message, not the build's output.
 */
function projectCli(): string {
    const res = spawnSync("bash", [path.join(ROOT, "scripts", "pulumi-env.sh"), "--json"], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
    });
    if (res.status !== 0) {
        throw new HistoryError("the Pulumi CLI", "is not available; the reason is above (or pass --history-file FILE)");
    }
    return (JSON.parse(res.stdout) as { pulumi: string }).pulumi;
}

function readHistory(options: ReportOptions): Update[] {
    if (options.historyFile) {
        let text: string;
        try {
            text = fs.readFileSync(options.historyFile, "utf8");
        } catch (e) {
            throw new HistoryError(options.historyFile, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
        }
        return parseHistory(text, options.historyFile);
    }
    // Never --show-secrets: the report needs no config value.
    const res = spawnSync(
        "bash",
        [path.join(ROOT, "scripts", "pulumi.sh"), "stack", "history", "--json", "--stack", options.stack as string],
        {
            encoding: "utf8",
            stdio: ["ignore", "pipe", "pipe"],
            maxBuffer: 256 * 1024 * 1024,
            env: { ...process.env, GIN_DEPLOY_PULUMI: projectCli() },
        },
    );
    if (res.status !== 0) {
        throw new HistoryError(
            `pulumi stack history --json --stack ${options.stack}`,
            `failed (exit ${res.status}): ${(res.stderr || res.error?.message || "").trim()}`,
        );
    }
    return parseHistory(res.stdout, `pulumi stack history --json --stack ${options.stack}`);
}

function formatRate(rate: number | null): string {
    return rate === null ? "n/a (no succeeded or failed update)" : `${(rate * 100).toFixed(1)} %`;
}

export function renderTable(m: DeliveryMetrics, stack: string): string {
    const window =
        m.windowStart && m.windowEnd
            ? `${m.windowStart.toISOString()} to ${m.windowEnd.toISOString()}`
            : 'no update of kind "update" in the history';
    const rows: [string, string][] = [
        ["stack", stack],
        ["window", `${m.days} days: ${window}`],
        ["deployments", `${m.deployments} (${m.succeeded} succeeded, ${m.failed} failed)`],
        ["deployments per week", `${m.deploymentsPerWeek.toFixed(2)} (succeeded / ${(m.days / 7).toFixed(2)} weeks)`],
        ["change failure rate", formatRate(m.changeFailureRate)],
        [
            "mean time to restore",
            m.mttrHours === null
                ? "n/a (no failure followed by a success)"
                : `${m.mttrHours.toFixed(2)} h over ${m.restores.length} restore${m.restores.length === 1 ? "" : "s"}`,
        ],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    const lines = rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
    lines.push("", `${"week".padEnd(25)}  succeeded  failed`);
    for (const w of m.weeks) {
        lines.push(
            `${`${w.start.toISOString().slice(0, 10)} to ${w.end.toISOString().slice(0, 10)}`.padEnd(25)}  ${String(w.succeeded).padStart(9)}  ${String(w.failed).padStart(6)}`,
        );
    }
    return `${lines.join("\n")}\n`;
}

export function metricsJson(m: DeliveryMetrics, stack: string): Record<string, unknown> {
    return {
        stack,
        days: m.days,
        windowStart: m.windowStart?.toISOString() ?? null,
        windowEnd: m.windowEnd?.toISOString() ?? null,
        deployments: m.deployments,
        deploymentsPerWeek: m.deploymentsPerWeek,
        changeFailureRate: m.changeFailureRate,
        mttrHours: m.mttrHours,
        succeeded: m.succeeded,
        failed: m.failed,
        weeks: m.weeks.map((w) => ({ start: w.start.toISOString(), end: w.end.toISOString(), succeeded: w.succeeded, failed: w.failed })),
    };
}

export function main(argv: string[]): number {
    let options: ReportOptions;
    try {
        options = parseArgs(argv);
    } catch (e) {
        process.stderr.write(`delivery-report: ${(e as Error).message}\n${USAGE}\n`);
        return 2;
    }
    const stack = options.stack ?? path.basename(options.historyFile as string).replace(/\.json$/, "");
    let metrics: DeliveryMetrics;
    try {
        metrics = deliveryMetrics(readHistory(options), options.days);
    } catch (e) {
        if (e instanceof HistoryError) {
            process.stderr.write(`delivery-report: ${e.message}\n`);
            return 1;
        }
        throw e;
    }
    const chart = options.chart ?? path.join(ROOT, "reports", `delivery-${stack.replace(/[^A-Za-z0-9._-]/g, "_")}.svg`);
    fs.mkdirSync(path.dirname(chart), { recursive: true });
    fs.writeFileSync(chart, renderChart(metrics, stack));
    if (options.json) {
        process.stdout.write(`${JSON.stringify(metricsJson(metrics, stack), null, 2)}\n`);
        process.stderr.write(`chart: ${chart}\n`);
    } else {
        process.stdout.write(renderTable(metrics, stack));
        process.stdout.write(`\nchart: ${chart}\n`);
    }
    return 0;
}

if (require.main === module) {
    process.exitCode = main(process.argv.slice(2));
}
