// The gates the workflows hold (issue #20), read from the YAML itself: prod's preview runs only in
// the reviewer-gated `prod-preview` environment, and preview, up and drift all run the policy pack
// with the stack's config file (mandatory on prod). actionlint's own check is test/e2e/workflows.test.ts.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

const ROOT = path.join(__dirname, "..", "..");
const WORKFLOWS = path.join(ROOT, ".github", "workflows");

interface Step {
    name?: string;
    uses?: string;
    run?: string;
    env?: Record<string, string>;
    with?: Record<string, unknown>;
}
interface Job {
    environment?: string;
    env?: Record<string, string>;
    strategy?: { matrix?: { stack?: string[]; include?: Array<Record<string, string>> } };
    steps: Step[];
}
interface Workflow {
    env?: Record<string, string>;
    jobs: Record<string, Job>;
}

function workflow(file: string): Workflow {
    return yaml.load(fs.readFileSync(path.join(WORKFLOWS, file), "utf8")) as Workflow;
}

/** The run: scripts of a job that call `pulumi <command>`, joined across continuation lines. */
function pulumiRuns(job: Job, command: string): string[] {
    return job.steps
        .map((s) => (s.run ?? "").replace(/\\\n\s*/g, " "))
        .flatMap((run) => run.split("\n"))
        .filter((line) => new RegExp(`^\\s*pulumi ${command}\\b`).test(line));
}

/** The matrix rows of a job: stack -> the environment that row runs in ("" for none). */
function environments(job: Job): Record<string, string> {
    const rows = job.strategy?.matrix?.include ?? [];
    return Object.fromEntries(rows.map((r) => [r.stack, r.environment]));
}

const POLICY_ARGS = /--policy-pack policy --policy-pack-config "policy\/config\/\$STACK\.json"/;

describe("workflow gates (.github/workflows)", () => {
    describe("preview.yml", () => {
        const job = workflow("preview.yml").jobs.preview;

        it("runs prod's preview in the prod-preview environment, and dev's in none", () => {
            assert.strictEqual(job.environment, "${{ matrix.environment }}");
            assert.deepStrictEqual(environments(job), { dev: "", prod: "prod-preview" });
            assert.strictEqual(job.strategy?.matrix?.stack, undefined, "a plain stack list would bypass the environment");
        });

        it("reads the passphrase only inside the job (where the environment's secret overrides), never workflow-wide", () => {
            const wf = workflow("preview.yml");
            assert.ok(!JSON.stringify(wf.env ?? {}).includes("secrets."), "workflow-level env reads a secret");
            assert.ok(!JSON.stringify(job.env ?? {}).includes("secrets."), "job-level env reads a secret");
            for (const other of Object.keys(wf.jobs).filter((name) => name !== "preview")) {
                assert.ok(!JSON.stringify(wf.jobs[other]).includes("secrets."), `job ${other} reads a secret outside the gate`);
            }
        });

        it("previews with the policy pack and the stack's config, and keeps the engine's event log for the summary", () => {
            const runs = pulumiRuns(job, "preview");
            assert.strictEqual(runs.length, 1, runs.join("\n"));
            assert.match(runs[0], POLICY_ARGS);
            assert.match(runs[0], /--event-log events\.jsonl/);
        });

        it("starts the comment with the summary npm run review computes from that event log", () => {
            const summaryStep = job.steps.find((s) => (s.run ?? "").includes("npm run --silent review -- --events events.jsonl"));
            assert.ok(summaryStep, "no step runs npm run review on the event log");
            const comment = job.steps.find((s) => s.uses?.startsWith("actions/github-script@"));
            const script = String(comment?.with?.script ?? "");
            assert.ok(
                script.indexOf("summary,") > 0 && script.indexOf("summary,") < script.indexOf("<details>"),
                "summary is not above the fold",
            );
        });
    });

    describe("up.yml", () => {
        const job = workflow("up.yml").jobs.up;

        it("updates behind the stack's own environment (prod: required reviewers)", () => {
            assert.strictEqual(job.environment, "${{ inputs.stack || 'dev' }}");
        });

        it("runs the policy pack with the stack's config on the update itself", () => {
            const runs = pulumiRuns(job, "up");
            assert.strictEqual(runs.length, 1, runs.join("\n"));
            assert.match(runs[0], POLICY_ARGS);
            assert.ok(!job.steps.some((s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command === "up"), "an up without the pack");
        });
    });

    describe("drift.yml", () => {
        const job = workflow("drift.yml").jobs.drift;

        it("checks prod in the prod-drift environment, and dev in none", () => {
            assert.strictEqual(job.environment, "${{ matrix.environment }}");
            assert.deepStrictEqual(environments(job), { dev: "", prod: "prod-drift" });
        });

        it("runs the policy pack with the stack's config on the drift preview", () => {
            const runs = pulumiRuns(job, "preview");
            assert.strictEqual(runs.length, 1, runs.join("\n"));
            assert.match(runs[0], POLICY_ARGS);
            assert.match(runs[0], /--expect-no-changes/);
        });
    });

    describe("policy/config", () => {
        it("has a config file for every stack the workflows name, prod's making every rule prod (mandatory)", () => {
            const stacks = new Set<string>(["dev", "prod"]);
            for (const file of ["preview.yml", "drift.yml"]) {
                const job = Object.values(workflow(file).jobs)[0];
                Object.keys(environments(job)).forEach((s) => stacks.add(s));
            }
            for (const stack of stacks) {
                const file = path.join(ROOT, "policy", "config", `${stack}.json`);
                assert.ok(fs.existsSync(file), `policy/config/${stack}.json is missing`);
            }
            const prod = JSON.parse(fs.readFileSync(path.join(ROOT, "policy", "config", "prod.json"), "utf8")) as Record<
                string,
                { environment: string }
            >;
            const dev = JSON.parse(fs.readFileSync(path.join(ROOT, "policy", "config", "dev.json"), "utf8")) as Record<string, unknown>;
            assert.deepStrictEqual(Object.keys(prod).sort(), Object.keys(dev).sort());
            for (const [rule, config] of Object.entries(prod)) {
                assert.strictEqual(config.environment, "prod", `${rule} is not prod in policy/config/prod.json`);
            }
        });
    });
});
