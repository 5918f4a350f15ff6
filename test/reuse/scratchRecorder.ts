// Records what a consumer's program registers, in the consumer's own project: the program runs in a
// child process whose cwd is the scratch project, under the mocks of the scratch project's own
// @pulumi/pulumi (the one the installed package's components register with). The recorder is
// test/support/programRecorder.ts, transpiled into the scratch project so that its
// `require("@pulumi/pulumi")` finds that copy, not this repository's.
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

import type { Evaluation, RecordedResource } from "../support/programRecorder";

const RECORDER_SOURCE = path.join(__dirname, "..", "support", "programRecorder.ts");

export interface ScratchEvaluation {
    project: string;
    stack: string;
    /** Config keys with their namespace, values as in a stack's config file. */
    config: Record<string, string>;
    secretKeys: string[];
    /** Outputs a resource type reports besides its inputs (the engine's state of an earlier step). */
    providerOutputs?: Record<string, Record<string, unknown>>;
}

const RUNNER = `
const fs = require("fs");
const { evaluateProgram } = require("./programRecorder.js");
const [programFile, optionsFile, outFile] = process.argv.slice(2);
const options = JSON.parse(fs.readFileSync(optionsFile, "utf8"));
const providerOutputs = options.providerOutputs || {};
evaluateProgram(() => require(programFile).main(), {
    project: options.project,
    stack: options.stack,
    config: options.config,
    secretKeys: options.secretKeys,
    providerState: (type) => providerOutputs[type],
}).then(
    (evaluation) => fs.writeFileSync(outFile, JSON.stringify(evaluation)),
    (err) => {
        console.error(err && err.stack ? err.stack : String(err));
        process.exit(1);
    },
);
`;

/** Writes the recorder and its runner into `projectDir/.recorder/` (once per project). */
function installRecorder(projectDir: string): string {
    const dir = path.join(projectDir, ".recorder");
    fs.mkdirSync(dir, { recursive: true });
    const source = fs.readFileSync(RECORDER_SOURCE, "utf8");
    const js = ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    }).outputText;
    fs.writeFileSync(path.join(dir, "programRecorder.js"), js);
    fs.writeFileSync(path.join(dir, "run.js"), RUNNER);
    return dir;
}

/** Runs `programFile` (a CommonJS module exporting `main()`) of the scratch project under mocks. */
export async function evaluateInProject<T>(projectDir: string, programFile: string, opts: ScratchEvaluation): Promise<Evaluation<T>> {
    const dir = installRecorder(projectDir);
    const optionsFile = path.join(dir, "options.json");
    const outFile = path.join(dir, "evaluation.json");
    fs.writeFileSync(optionsFile, JSON.stringify(opts), { mode: 0o600 });
    fs.rmSync(outFile, { force: true });
    try {
        await new Promise<void>((resolve, reject) =>
            execFile(
                process.execPath,
                [path.join(dir, "run.js"), programFile, optionsFile, outFile],
                { cwd: projectDir, maxBuffer: 64 * 1024 * 1024, timeout: 15 * 60 * 1000 },
                (err, _stdout, stderr) =>
                    err ? reject(new Error(`the consumer's program failed under mocks:\n${stderr.trim()}`)) : resolve(),
            ),
        );
        const evaluation = JSON.parse(fs.readFileSync(outFile, "utf8")) as { resources: RecordedResource[]; result: T };
        return evaluation as Evaluation<T>;
    } finally {
        // Both hold the SSH key (a secret config value, and the inputs it went into): not left behind.
        fs.rmSync(optionsFile, { force: true });
        fs.rmSync(outFile, { force: true });
    }
}
