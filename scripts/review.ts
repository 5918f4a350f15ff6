// `npm run review -- --stack NAME`: the reviewer's summary of a preview (scripts/review/summary.ts).
//
//   npm run review -- --stack dev                 runs `pulumi preview --json --event-log` through
//                                                 scripts/pulumi.sh and prints the summary
//   npm run review -- --file preview.json         a recorded `preview --json` document
//                     [--events events.jsonl]     (+ its event log, for the policy pack's findings)
//   npm run review -- --events events.jsonl       an event log alone (what preview.yml records)
//   --markdown                                    Markdown for a pull request comment (default: text)
//
// The policy pack runs with `--policy-pack policy --policy-pack-config policy/config/<stack>.json`
// when that file exists, as in the workflows. Exit status: 0 when the summary was printed (even for
// a preview the pack refused: the summary says so), 2 on a usage error or an unreadable input.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { digestFromEvents, parseEventLog, PreviewDigest, renderSummary, stackOf, summarize, violationsFromEvents } from "./review/summary";

const ROOT = path.join(__dirname, "..");

interface Options {
    stack?: string;
    file?: string;
    events?: string;
    markdown: boolean;
}

function parseArgs(argv: string[]): Options {
    const o: Options = { markdown: false };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const value = () => {
            const v = argv[++i];
            if (v === undefined || v.startsWith("--")) usage(`${a} needs a value`);
            return v;
        };
        if (a === "--stack" || a === "-s") o.stack = value();
        else if (a === "--file") o.file = value();
        else if (a === "--events") o.events = value();
        else if (a === "--markdown") o.markdown = true;
        else usage(`unknown argument ${JSON.stringify(a)}`);
    }
    if (!o.stack && !o.file && !o.events) usage("say which preview: --stack NAME, --file PATH or --events PATH");
    return o;
}

function usage(problem: string): never {
    console.error(
        `review: ${problem}\n  npm run review -- --stack NAME | --file preview.json [--events events.jsonl] | --events events.jsonl [--markdown]`,
    );
    process.exit(2);
}

function runPreview(stack: string): { digest: PreviewDigest; eventsText: string } {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "gin-deploy-review-"));
    try {
        const eventLog = path.join(tmp, "events.jsonl");
        const args = [
            "scripts/pulumi.sh",
            "preview",
            "--stack",
            stack,
            "--json",
            "--non-interactive",
            "--event-log",
            eventLog,
            "--policy-pack",
            "policy",
        ];
        const config = path.join("policy", "config", `${stack}.json`);
        if (fs.existsSync(path.join(ROOT, config))) args.push("--policy-pack-config", config);
        const res = spawnSync("bash", args, {
            cwd: ROOT,
            encoding: "utf8",
            stdio: ["ignore", "pipe", "inherit"],
            maxBuffer: 256 * 1024 * 1024,
        });
        const out = res.stdout.trim();
        // A preview the pack refused still prints its document; anything else is the CLI's failure.
        if (!out.startsWith("{")) {
            console.error(
                `review: pulumi preview --json --stack ${stack} printed no JSON document (exit ${res.status ?? res.signal}); its messages are above`,
            );
            process.exit(2);
        }
        return { digest: JSON.parse(out) as PreviewDigest, eventsText: fs.existsSync(eventLog) ? fs.readFileSync(eventLog, "utf8") : "" };
    } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
    }
}

function read(file: string): string {
    try {
        return fs.readFileSync(file, "utf8");
    } catch (e) {
        console.error(`review: cannot read ${file}: ${(e as Error).message}`);
        process.exit(2);
    }
}

function main(): void {
    const o = parseArgs(process.argv.slice(2));
    let digest: PreviewDigest;
    let eventsText = o.events ? read(o.events) : "";
    if (o.file) digest = JSON.parse(read(o.file)) as PreviewDigest;
    else if (o.events) digest = digestFromEvents(parseEventLog(eventsText));
    else ({ digest, eventsText } = runPreview(o.stack!));
    const events = eventsText ? parseEventLog(eventsText) : [];
    const stack = o.stack ?? stackOf(digest) ?? "(stack)";
    process.stdout.write(renderSummary(summarize(stack, digest, violationsFromEvents(events)), o.markdown ? "markdown" : "text"));
}

main();
