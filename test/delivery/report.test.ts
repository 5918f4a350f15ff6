// The delivery report on recorded history files (newest first, as `pulumi stack history --json`
// prints them): the figures by their definitions, the window, empty / all-failed / unsorted /
// still-running histories, malformed files, and the command line with its table, JSON and chart.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { renderChart } from "../../scripts/delivery/chart";
import { HistoryError, parseHistory } from "../../scripts/delivery/history";
import { deliveryMetrics } from "../../scripts/delivery/metrics";

const ROOT = path.join(__dirname, "..", "..");
const FIXTURES = path.join(__dirname, "fixtures");

function fixture(name: string) {
    const file = path.join(FIXTURES, name);
    return parseHistory(fs.readFileSync(file, "utf8"), file);
}

const close = (actual: number | null, expected: number) =>
    assert.ok(actual !== null && Math.abs(actual - expected) < 1e-9, `${actual} is not ${expected}`);

describe("delivery report", () => {
    describe("figures", () => {
        it("counts the updates of kind update in the last 30 days, ignoring previews, refreshes and destroys", () => {
            const m = deliveryMetrics(fixture("mixed.json"));
            // Window: 30 days back from version 12's end (2026-11-30T10:04Z); version 1 (Oct 1) is out.
            assert.strictEqual(m.windowEnd?.toISOString(), "2026-11-30T10:04:00.000Z");
            assert.strictEqual(m.windowStart?.toISOString(), "2026-10-31T10:04:00.000Z");
            assert.deepStrictEqual([m.deployments, m.succeeded, m.failed], [8, 5, 3]);
            close(m.deploymentsPerWeek, 5 / (30 / 7));
            close(m.changeFailureRate, 3 / 8);
            // Restores: failure at 16:10 -> success at 18:40 (2.5 h); 09:01 -> 12:05 (3 h 4 min).
            assert.deepStrictEqual(
                m.restores.map((r) => r.hours.toFixed(4)),
                ["2.5000", "3.0667"],
            );
            close(m.mttrHours, (2.5 + (3 * 60 + 4) / 60) / 2);
        });

        it("reads a history the CLI recorded (file backend: every version 0, whole seconds)", () => {
            // test/delivery/recordHistory.ts: five updates of one component, the 3rd and 4th failing
            // on purpose, and a refresh after the 2nd.
            const history = fixture("recorded-cli.json");
            assert.deepStrictEqual(
                history.map((u) => `${u.kind} ${u.result}`),
                ["update succeeded", "update failed", "update failed", "refresh succeeded", "update succeeded", "update succeeded"],
            );
            const m = deliveryMetrics(history);
            assert.deepStrictEqual([m.deployments, m.succeeded, m.failed], [5, 3, 2]);
            close(m.changeFailureRate, 0.4);
            close(m.deploymentsPerWeek, 3 / (30 / 7));
            // The first failure ended 22:52:29, the success after the second one ended 22:52:35.
            assert.deepStrictEqual(
                m.restores.map((r) => [r.failedAt.toISOString(), r.restoredAt.toISOString()]),
                [["2026-12-01T22:52:29.000Z", "2026-12-01T22:52:35.000Z"]],
            );
            close(m.mttrHours, 6 / 3600);
        });

        it("narrows to --days 7", () => {
            const m = deliveryMetrics(fixture("mixed.json"), 7);
            assert.deepStrictEqual([m.deployments, m.succeeded, m.failed], [4, 2, 2]);
            close(m.deploymentsPerWeek, 2);
            close(m.changeFailureRate, 0.5);
            close(m.mttrHours, (3 * 60 + 4) / 60);
            assert.strictEqual(m.weeks.length, 1);
        });

        it("gives the same figures for the same history in any order", () => {
            const sorted = deliveryMetrics(fixture("mixed.json"));
            const unsorted = deliveryMetrics(fixture("unsorted.json"));
            assert.notDeepStrictEqual(
                fixture("unsorted.json").map((u) => u.version),
                fixture("mixed.json").map((u) => u.version),
            );
            assert.deepStrictEqual(unsorted, sorted);
        });

        it("an empty history: no deployments, no rate, no restore time", () => {
            const m = deliveryMetrics(fixture("empty.json"));
            assert.deepStrictEqual(
                [m.deployments, m.deploymentsPerWeek, m.changeFailureRate, m.mttrHours, m.windowEnd],
                [0, 0, null, null, null],
            );
        });

        it("an all-failed history: rate 1, nothing delivered, no restore (no success ended the run)", () => {
            const m = deliveryMetrics(fixture("all-failed.json"));
            assert.deepStrictEqual(
                [m.deployments, m.succeeded, m.failed, m.deploymentsPerWeek, m.changeFailureRate, m.mttrHours],
                [2, 0, 2, 0, 1, null],
            );
        });

        it("an update still running counts as a deployment but neither succeeded nor failed", () => {
            const m = deliveryMetrics(fixture("in-progress.json"));
            assert.strictEqual(m.windowEnd?.toISOString(), "2026-11-30T12:00:00.000Z");
            assert.deepStrictEqual([m.deployments, m.succeeded, m.failed], [3, 1, 1]);
            close(m.changeFailureRate, 0.5);
            close(m.mttrHours, (2 * 60 + 27) / 60);
        });

        it("buckets weeks back from the window's end, newest last", () => {
            const m = deliveryMetrics(fixture("mixed.json"));
            assert.deepStrictEqual(
                m.weeks.map((w) => [w.start.toISOString().slice(0, 10), w.succeeded, w.failed]),
                [
                    ["2026-10-31", 0, 0], // the 2-day remainder of 30 days
                    ["2026-11-02", 1, 0],
                    ["2026-11-09", 1, 1],
                    ["2026-11-16", 1, 0],
                    ["2026-11-23", 2, 2],
                ],
            );
        });
    });

    describe("malformed files", () => {
        const refused = (name: string, pattern: RegExp) => {
            const file = path.join(FIXTURES, name);
            assert.throws(
                () => fixture(name),
                (e: unknown) => e instanceof HistoryError && e.message.startsWith(`${file}: `) && pattern.test(e.message),
            );
        };

        it("names the file and what is wrong", () => {
            refused("not-json.json", /is not JSON \(.*\); save it with: pulumi stack history --json --stack <stack> > FILE/);
            refused(
                "missing-start.json",
                /entry 2 \(version 1\): startTime is undefined, not a time string such as "2026-11-30T09:12:44\.000Z"/,
            );
        });

        it("refuses an object, an unknown kind or result, an end before the start, a finished update without an end", () => {
            const bad = (text: string) => () => parseHistory(text, "h.json");
            assert.throws(bad('{"updates": []}'), /^HistoryError: h\.json: holds object, not the array of updates/);
            const entry = {
                version: 1,
                kind: "update",
                result: "succeeded",
                startTime: "2026-11-01T10:00:00.000Z",
                endTime: "2026-11-01T10:01:00.000Z",
            };
            assert.throws(
                bad(JSON.stringify([{ ...entry, kind: "deploy" }])),
                /h\.json: entry 1 \(version 1\): kind is "deploy"; expected one of update, preview/,
            );
            assert.throws(
                bad(JSON.stringify([{ ...entry, result: "ok" }])),
                /result is "ok"; expected one of not-started, in-progress, succeeded, failed/,
            );
            assert.throws(
                bad(JSON.stringify([{ ...entry, endTime: "2026-11-01T09:00:00.000Z" }])),
                /endTime 2026-11-01T09:00:00\.000Z is before startTime/,
            );
            assert.throws(bad(JSON.stringify([{ ...entry, endTime: undefined }])), /result is succeeded but there is no endTime/);
            assert.throws(bad(JSON.stringify([{ ...entry, startTime: "yesterday" }])), /startTime "yesterday" is not a time/);
            assert.throws(bad(JSON.stringify([entry, 7])), /entry 2 is 7, not an update object/);
        });
    });

    describe("the chart", () => {
        it("draws one succeeded and one failed bar per week, with the figures, as well-formed SVG", () => {
            const m = deliveryMetrics(fixture("mixed.json"));
            const svg = renderChart(m, "prod");
            assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
            assert.strictEqual((svg.match(/<rect [^>]*fill="#2e7d32"/g) ?? []).length, 5 + 1); // 5 weeks + the legend
            assert.strictEqual((svg.match(/<rect [^>]*fill="#c62828"/g) ?? []).length, 5 + 1);
            assert.match(svg, /8 deployments, 1\.2 per week, change failure rate 38 %, MTTR 2\.8 h/);
            assert.match(svg, /stack prod, last 30 days/);
            // Balanced tags: every element is self-closed or closed.
            const opened = (svg.match(/<(svg|text)\b/g) ?? []).length;
            const closedTags = (svg.match(/<\/(svg|text)>/g) ?? []).length;
            assert.strictEqual(opened, closedTags);
        });

        it("says so when there is nothing to draw", () => {
            assert.match(renderChart(deliveryMetrics([]), "dev"), /no updates in the history/);
        });
    });

    describe("npm run delivery-report", () => {
        let dir: string;
        before(() => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "gd-delivery-"));
        });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        const report = (...args: string[]) =>
            spawnSync(process.execPath, ["-r", "ts-node/register", "scripts/delivery-report.ts", ...args], {
                cwd: ROOT,
                encoding: "utf8",
                env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
            });

        it("--json prints the four figures and writes the chart", () => {
            const chart = path.join(dir, "prod.svg");
            const res = report("--stack", "prod", "--history-file", path.join(FIXTURES, "mixed.json"), "--json", "--chart", chart);
            assert.strictEqual(res.status, 0, res.stderr);
            const json = JSON.parse(res.stdout);
            assert.deepStrictEqual(
                [json.deployments, json.deploymentsPerWeek.toFixed(4), json.changeFailureRate, json.mttrHours.toFixed(4)],
                [8, (5 / (30 / 7)).toFixed(4), 0.375, ((2.5 + 184 / 60) / 2).toFixed(4)],
            );
            assert.match(fs.readFileSync(chart, "utf8"), /^<svg/);
            assert.match(res.stderr, new RegExp(`chart: ${chart.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
        });

        it("prints a table by default, with --days", () => {
            const res = report(
                "--stack",
                "prod",
                "--history-file",
                path.join(FIXTURES, "mixed.json"),
                "--days",
                "7",
                "--chart",
                path.join(dir, "t.svg"),
            );
            assert.strictEqual(res.status, 0, res.stderr);
            assert.match(res.stdout, /^stack {17}prod$/m);
            assert.match(res.stdout, /^deployments {11}4 \(2 succeeded, 2 failed\)$/m);
            assert.match(res.stdout, /^change failure rate {3}50\.0 %$/m);
            assert.match(res.stdout, /^mean time to restore {2}3\.07 h over 1 restore$/m);
        });

        it("refuses a malformed file and bad arguments with a clear message", () => {
            const bad = report(
                "--stack",
                "prod",
                "--history-file",
                path.join(FIXTURES, "missing-start.json"),
                "--chart",
                path.join(dir, "x.svg"),
            );
            assert.strictEqual(bad.status, 1);
            assert.match(bad.stderr, /missing-start\.json: entry 2 \(version 1\): startTime is undefined/);
            const missing = report("--history-file", path.join(dir, "nope.json"));
            assert.strictEqual(missing.status, 1);
            assert.match(missing.stderr, /nope\.json: cannot be read \(ENOENT\)/);
            const days = report("--stack", "prod", "--days", "zero");
            assert.strictEqual(days.status, 2);
            assert.match(days.stderr, /--days zero: give a whole number of days, 1 or more/);
        });
    });
});
