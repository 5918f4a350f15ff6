// The benchmark figures README.md quotes, rendered from the committed report files
// (reports/bench-app.json, reports/bench-preview.json), so the README cannot say what the committed
// report does not. `npm run figures:sync` writes the README's blocks; `--check` (and a unit test)
// fails when they differ.
//
// A benchmark run is a measurement, not a publication: npm run bench:app and npm run bench:preview
// write their new report beside the committed one, in the git-ignored reports/latest/, so a run
// changes no file a test reads and leaves every suite green. `npm run figures:sync -- --from-latest`
// publishes it: it copies each report of reports/latest/ over the committed one and renders the
// README from it; the two files are then committed together, as one reviewed change.
import * as fs from "fs";
import * as path from "path";

const root = path.join(__dirname, "..");

/** Where the benchmarks write a new run of a committed report (git-ignored). */
export const LATEST_DIR = "reports/latest";

/** reports/bench-app.json -> reports/latest/bench-app.json */
export function latestOf(file: string): string {
    return path.posix.join(LATEST_DIR, path.posix.basename(file));
}

/** Copies each report the benchmarks wrote to reports/latest/ over its committed file; returns those copied. */
export function publishLatest(rootDir: string = root): string[] {
    const taken: string[] = [];
    for (const file of Object.keys(RENDERERS)) {
        const latest = path.join(rootDir, latestOf(file));
        if (!fs.existsSync(latest)) continue;
        JSON.parse(fs.readFileSync(latest, "utf8")); // a report cut short is not published
        fs.copyFileSync(latest, path.join(rootDir, file));
        taken.push(file);
    }
    return taken;
}

interface Server {
    requestsPerSecondMedian: number;
    cpuMicrosecondsPerRequestMedian: number;
}
interface BenchApp {
    measuredAt: string;
    machine: { cpus: number; cpuModel: string; loadAverageBefore: number[] };
    load: { tool: string; connections: number; secondsPerRound: number; rounds: number };
    ginApp: Server;
    ginAppWithoutRequestLog: Server;
    bareNetHTTP: Server;
    ratio: number;
    cpuEfficiencyRatio: number;
    ratioWithoutRequestLog: number;
    targetRatio: number;
}
interface BenchPreview {
    date: string;
    machine: { cpus: number; cpuModel: string; loadAverageAtStart: number[] };
    source: { commit: string };
    rounds: number;
    localStack: { medianSeconds: number };
    oneResource: { medianSeconds: number };
    ratio: number;
    goalRatio: number;
}

const n = (x: number) => x.toLocaleString("en-US").replace(/,/g, " ");
const day = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(", ");

export const RENDERERS: Record<string, (report: never) => string> = {
    "reports/bench-app.json": (r: BenchApp) =>
        [
            `Measured ${day(r.measuredAt)} on ${r.machine.cpus} cores (${r.machine.cpuModel}, load average ${load(r.machine.loadAverageBefore)} ` +
                `at the start), ${r.load.rounds} alternating rounds of ${r.load.secondsPerRound} s, ${r.load.connections} connections (${r.load.tool}):`,
            "",
            "| | requests/s (median) | server CPU per request |",
            "|---|---|---|",
            `| gin-app, JSON request log on | ${n(r.ginApp.requestsPerSecondMedian)} | ${r.ginApp.cpuMicrosecondsPerRequestMedian} µs |`,
            `| gin-app, request log off | ${n(r.ginAppWithoutRequestLog.requestsPerSecondMedian)} | ${r.ginAppWithoutRequestLog.cpuMicrosecondsPerRequestMedian} µs |`,
            `| bare net/http | ${n(r.bareNetHTTP.requestsPerSecondMedian)} | ${r.bareNetHTTP.cpuMicrosecondsPerRequestMedian} µs |`,
            `| **ratio gin-app / bare** (median of per-round ratios; target ≥ ${r.targetRatio}) | **${r.ratio}** (${r.ratioWithoutRequestLog} without the request log) | CPU ratio ${r.cpuEfficiencyRatio} |`,
        ].join("\n"),
    "reports/bench-preview.json": (r: BenchPreview) =>
        [
            `Measured ${day(r.date)} on ${r.machine.cpus} cores (${r.machine.cpuModel}, load average ${load(r.machine.loadAverageAtStart)} ` +
                `at the start), commit ${r.source.commit.slice(0, 7)}, ${r.rounds} alternating rounds:`,
            "",
            "| no-op `pulumi preview` | seconds (median) |",
            "|---|---|",
            `| the local stack | ${r.localStack.medianSeconds} |`,
            `| a one-resource program (\`@pulumi/command\` only) | ${r.oneResource.medianSeconds} |`,
            `| **ratio** (goal ≤ ${r.goalRatio}) | **${r.ratio}** |`,
        ].join("\n"),
};

const begin = (file: string) => `<!-- figures from ${file} (npm run figures:sync) -->`;
const END = "<!-- end of figures -->";

/** README.md with every figures block re-rendered from its report file. */
export function syncedReadme(readme: string, readReport: (file: string) => unknown): string {
    let out = readme;
    for (const [file, render] of Object.entries(RENDERERS)) {
        const start = out.indexOf(begin(file));
        if (start < 0) continue;
        const end = out.indexOf(END, start);
        if (end < 0) throw new Error(`README.md: "${begin(file)}" has no "${END}" after it`);
        out = out.slice(0, start + begin(file).length) + "\n" + render(readReport(file) as never) + "\n" + out.slice(end);
    }
    return out;
}

export function readReport(file: string): unknown {
    const full = path.join(root, file);
    if (!fs.existsSync(full)) throw new Error(`${file} does not exist: run the benchmark that writes it (see README.md)`);
    return JSON.parse(fs.readFileSync(full, "utf8"));
}

if (require.main === module) {
    if (process.argv.includes("--from-latest")) {
        const taken = publishLatest();
        if (taken.length === 0) console.log(`nothing in ${LATEST_DIR}/: run npm run bench:app or npm run bench:preview first`);
        for (const f of taken) console.log(`took ${latestOf(f)} as ${f}`);
    }
    const file = path.join(root, "README.md");
    const current = fs.readFileSync(file, "utf8");
    const wanted = syncedReadme(current, readReport);
    if (process.argv.includes("--check")) {
        if (wanted !== current) {
            console.error("README.md's figures are not the latest reports': run npm run figures:sync");
            process.exit(1);
        }
    } else if (wanted !== current) {
        fs.writeFileSync(file, wanted);
        console.log("wrote README.md's figures from the reports");
    }
}
