// Carries out the resources a program registered (as recorded under mocks) the way the engine and
// the providers would, on a real host: the product's own commands, without the provider.
//
// The engine's part: resources in dependency order; for each, compare its inputs with what was
// carried out before (asset contents by hash) and create, update, replace or leave it; a replace
// creates the new resource first and deletes the old one with the other deletes at the end, unless
// deleteBeforeReplace is set; deletes run in reverse order of creation.
// The providers' part: one ResourceHandler per resource type (see commandHandlers.ts). Other suites
// register handlers for the types they add (executor.handle(type, handler)).
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

import type { RecordedResource, SourceValue } from "../support/programRecorder";

export type StepOp = "create" | "update" | "replace" | "delete" | "same";

export interface Step {
    op: StepOp;
    urn: string;
    type: string;
    name: string;
    /** Inputs whose change caused an update or replace. */
    changed: string[];
}

/** What the executor remembers about a resource it carried out (the engine's state for it). */
export interface ExecutedResource {
    resource: RecordedResource;
    /** Inputs as compared on the next run (assets replaced by the hash of their contents). */
    fingerprint: Record<string, unknown>;
    /** Provider outputs (e.g. a command's stdout and stderr). */
    outputs: Record<string, unknown>;
}

export interface HandlerContext {
    /** Prints a line of the provider's output (what `pulumi up` would show). */
    log(line: string): void;
    /** The directory the engine runs in (the project root): where local commands run by default. */
    projectDir: string;
}

export interface ResourceHandler {
    /** Inputs the provider itself replaces on (e.g. `triggers` for the command provider). */
    replaceOnChanges: string[];
    create(res: RecordedResource, ctx: HandlerContext): Promise<Record<string, unknown>>;
    /** Absent: an input change is carried out as create again. */
    update?(old: ExecutedResource, res: RecordedResource, ctx: HandlerContext): Promise<Record<string, unknown>>;
    /** Absent: deleting does nothing on the host (CopyToRemote leaves its files). */
    delete?(old: ExecutedResource, ctx: HandlerContext): Promise<void>;
}

/** Hex sha256 of a file, or of a directory's files (relative names and contents, in order). */
export function hashPath(p: string): string {
    const h = crypto.createHash("sha256");
    const walk = (dir: string, rel: string) => {
        for (const name of fs.readdirSync(dir).sort()) {
            const full = path.join(dir, name);
            const r = path.posix.join(rel, name);
            if (fs.statSync(full).isDirectory()) walk(full, r);
            else h.update(`${r}\0`).update(fs.readFileSync(full)).update("\0");
        }
    };
    if (fs.statSync(p).isDirectory()) walk(p, "");
    else h.update(fs.readFileSync(p));
    return h.digest("hex");
}

function isSource(v: unknown): v is SourceValue {
    return typeof v === "object" && v !== null && ((v as SourceValue).kind === "asset" || (v as SourceValue).kind === "archive");
}

/** Replaces every asset/archive in `value` by the hash of its contents, as the engine compares them. */
export function fingerprintOf(value: unknown, projectDir: string): unknown {
    if (isSource(value)) {
        if (value.kind === "asset" && value.text !== undefined)
            return { kind: "asset", sha256: crypto.createHash("sha256").update(value.text).digest("hex") };
        if (value.path !== undefined) return { kind: value.kind, sha256: hashPath(path.resolve(projectDir, value.path)) };
        if (value.kind === "archive" && value.assets) return { kind: "archive", assets: fingerprintOf(value.assets, projectDir) };
        return { kind: value.kind, uri: value.uri };
    }
    if (Array.isArray(value)) return value.map((v) => fingerprintOf(v, projectDir));
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fingerprintOf(v, projectDir)]));
    }
    return value;
}

function stableJson(v: unknown): string {
    if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
    if (typeof v === "object" && v !== null) {
        return `{${Object.keys(v)
            .sort()
            .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
            .join(",")}}`;
    }
    return JSON.stringify(v) ?? "null";
}

/** Top-level inputs that differ between two fingerprints, minus the ignored ones. */
export function changedInputs(oldFp: Record<string, unknown>, newFp: Record<string, unknown>, ignore: string[]): string[] {
    const keys = new Set([...Object.keys(oldFp), ...Object.keys(newFp)]);
    return [...keys].filter((k) => !ignore.includes(k) && stableJson(oldFp[k]) !== stableJson(newFp[k])).sort();
}

/**
 * Orders resources so that each comes after its parent and its dependencies; among resources
 * free to go, registration order is kept (the engine may run those in parallel; any order is valid).
 */
export function dependencyOrder(resources: RecordedResource[]): RecordedResource[] {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const done = new Set<string>();
    const visiting = new Set<string>();
    const out: RecordedResource[] = [];
    const visit = (r: RecordedResource) => {
        if (done.has(r.urn)) return;
        if (visiting.has(r.urn)) throw new Error(`dependency cycle through ${r.urn}`);
        visiting.add(r.urn);
        for (const dep of [r.parent, ...r.dependencies]) {
            const d = dep ? byUrn.get(dep) : undefined;
            if (d) visit(d);
        }
        visiting.delete(r.urn);
        done.add(r.urn);
        out.push(r);
    };
    resources.forEach(visit);
    return out;
}

export interface ExecutorOptions {
    projectDir: string;
    log?: (line: string) => void;
}

export class ContractExecutor {
    private readonly handlers = new Map<string, ResourceHandler>();
    /** The state: what was carried out, in the order it was carried out. */
    private state = new Map<string, ExecutedResource>();
    /** Every line the providers printed (to check that no secret was shown). */
    readonly printed: string[] = [];
    private readonly ctx: HandlerContext;

    constructor(private readonly opts: ExecutorOptions) {
        this.ctx = {
            projectDir: opts.projectDir,
            log: (line: string) => {
                this.printed.push(line);
                opts.log?.(line);
            },
        };
    }

    handle(type: string, handler: ResourceHandler): this {
        this.handlers.set(type, handler);
        return this;
    }

    /** Resources currently in the state, in the order they were carried out. */
    resources(): ExecutedResource[] {
        return [...this.state.values()];
    }

    private handlerFor(r: RecordedResource): ResourceHandler {
        const h = this.handlers.get(r.type);
        if (!h) {
            throw new Error(
                `no handler for resource type ${r.type} (${r.urn}); register one with executor.handle(${JSON.stringify(r.type)}, ...)`,
            );
        }
        return h;
    }

    /** `pulumi up`: brings the state from what was carried out before to `resources`. */
    async apply(resources: RecordedResource[]): Promise<Step[]> {
        const steps: Step[] = [];
        const next = new Map<string, ExecutedResource>();
        const pendingDeletes = new Set<string>();
        try {
            await this.applySteps(resources, steps, next, pendingDeletes);
        } catch (err) {
            // Like the engine, keep what was done before the failure; the rest stays as it was.
            this.state = new Map([...this.state, ...next]);
            throw err;
        }
        await this.deleteRemoved(steps, next, pendingDeletes);
        this.state = next;
        return steps;
    }

    private async applySteps(
        resources: RecordedResource[],
        steps: Step[],
        next: Map<string, ExecutedResource>,
        pendingDeletes: Set<string>,
    ): Promise<void> {
        for (const res of dependencyOrder(resources)) {
            const old = this.state.get(res.urn);
            const fingerprint = fingerprintOf(res.inputs, this.opts.projectDir) as Record<string, unknown>;
            const step: Step = { op: "same", urn: res.urn, type: res.type, name: res.name, changed: [] };

            if (!res.custom) {
                // Components have no provider: the engine only records them.
                step.op = old ? "same" : "create";
                next.set(res.urn, { resource: res, fingerprint, outputs: {} });
                if (step.op !== "same") steps.push(step);
                continue;
            }
            const handler = this.handlerFor(res);
            if (!old) {
                step.op = "create";
                this.ctx.log(`+ create ${res.type} ${res.name}`);
                const outputs = await this.run(step, () => handler.create(res, this.ctx));
                next.set(res.urn, { resource: res, fingerprint, outputs });
                steps.push(step);
                continue;
            }
            step.changed = changedInputs(old.fingerprint, fingerprint, res.options.ignoreChanges);
            if (step.changed.length === 0) {
                next.set(res.urn, { ...old, resource: res, fingerprint });
                continue;
            }
            const replaceKeys = [...handler.replaceOnChanges, ...res.options.replaceOnChanges];
            const replace = res.options.replaceOnChanges.includes("*") || step.changed.some((k) => replaceKeys.includes(k));
            if (replace) {
                step.op = "replace";
                this.ctx.log(`+- replace ${res.type} ${res.name} (changed: ${step.changed.join(", ")})`);
                if (res.options.deleteBeforeReplace) {
                    await this.run(step, () => this.deleteOne(old));
                } else {
                    pendingDeletes.add(res.urn);
                }
                const outputs = await this.run(step, () => handler.create(res, this.ctx));
                next.set(res.urn, { resource: res, fingerprint, outputs });
            } else {
                step.op = "update";
                this.ctx.log(`~ update ${res.type} ${res.name} (changed: ${step.changed.join(", ")})`);
                const outputs = await this.run(step, () =>
                    handler.update ? handler.update(old, res, this.ctx) : handler.create(res, this.ctx),
                );
                next.set(res.urn, { resource: res, fingerprint, outputs });
            }
            steps.push(step);
        }
    }

    /** Deletes last, newest first: resources gone from the program and the old halves of replacements. */
    private async deleteRemoved(steps: Step[], next: Map<string, ExecutedResource>, pendingDeletes: Set<string>): Promise<void> {
        const olds = [...this.state.values()].reverse();
        for (const old of olds) {
            const gone = !next.has(old.resource.urn);
            if (!gone && !pendingDeletes.has(old.resource.urn)) continue;
            const step: Step = { op: "delete", urn: old.resource.urn, type: old.resource.type, name: old.resource.name, changed: [] };
            if (gone) steps.push(step);
            await this.run(step, () => this.deleteOne(old));
        }
    }

    /** `pulumi destroy`: deletes everything in the state, newest first. */
    async destroy(): Promise<Step[]> {
        const steps: Step[] = [];
        for (const old of [...this.state.values()].reverse()) {
            const step: Step = { op: "delete", urn: old.resource.urn, type: old.resource.type, name: old.resource.name, changed: [] };
            await this.run(step, () => this.deleteOne(old));
            this.state.delete(old.resource.urn);
            steps.push(step);
        }
        return steps;
    }

    private async deleteOne(old: ExecutedResource): Promise<void> {
        if (!old.resource.custom || old.resource.options.retainOnDelete) return;
        const handler = this.handlerFor(old.resource);
        this.ctx.log(`- delete ${old.resource.type} ${old.resource.name}`);
        await handler.delete?.(old, this.ctx);
    }

    private async run<T>(step: Step, fn: () => Promise<T>): Promise<T> {
        try {
            return await fn();
        } catch (err) {
            const e = new Error(`${step.op} of ${step.type} ${step.name} failed: ${(err as Error).message ?? err}`);
            (e as Error & { step?: Step }).step = step;
            throw e;
        }
    }
}
