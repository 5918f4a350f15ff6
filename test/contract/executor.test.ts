// The executor's own rules (the engine's order and diff), with recording handlers and no host.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { changedInputs, ContractExecutor, dependencyOrder, ResourceHandler } from "./executor";
import type { RecordedResource } from "../support/programRecorder";

function res(name: string, inputs: Record<string, unknown>, extra: Partial<RecordedResource> = {}): RecordedResource {
    return {
        urn: `urn:pulumi:t::p::test:index:Thing::${name}`,
        type: "test:index:Thing",
        name,
        custom: true,
        parent: "",
        dependencies: [],
        inputs,
        secretPaths: [],
        options: { deleteBeforeReplace: false, replaceOnChanges: [], ignoreChanges: [], retainOnDelete: false },
        ...extra,
    };
}
const urn = (name: string) => `urn:pulumi:t::p::test:index:Thing::${name}`;

function recordingExecutor(journal: string[]): ContractExecutor {
    const handler: ResourceHandler = {
        replaceOnChanges: ["triggers"],
        async create(r) {
            journal.push(`create ${r.name}`);
            return {};
        },
        async update(_old, r) {
            journal.push(`update ${r.name}`);
            return {};
        },
        async delete(old) {
            journal.push(`delete ${old.resource.name}`);
        },
    };
    return new ContractExecutor({ projectDir: process.cwd() }).handle("test:index:Thing", handler);
}

describe("contract executor: the engine's order and diff", function () {
    it("orders resources after their dependencies and parents, keeping registration order otherwise", function () {
        const order = dependencyOrder([
            res("c", {}, { dependencies: [urn("b")] }),
            res("a", {}),
            res("b", {}, { parent: urn("a") }),
            res("d", {}),
        ]).map((r) => r.name);
        assert.deepStrictEqual(order, ["a", "b", "c", "d"]);
    });

    it("refuses a dependency cycle", function () {
        assert.throws(
            () => dependencyOrder([res("a", {}, { dependencies: [urn("b")] }), res("b", {}, { dependencies: [urn("a")] })]),
            /cycle/,
        );
    });

    it("compares inputs deeply, ignoring key order and ignored inputs", function () {
        assert.deepStrictEqual(changedInputs({ a: { x: 1, y: 2 }, b: 1 }, { a: { y: 2, x: 1 }, b: 1 }, []), []);
        assert.deepStrictEqual(changedInputs({ a: 1, b: 1 }, { a: 2, b: 2 }, ["b"]), ["a"]);
    });

    it("creates in order, updates on a plain change, replaces on triggers (create first, old deleted last)", async function () {
        const journal: string[] = [];
        const ex = recordingExecutor(journal);
        await ex.apply([res("a", { v: 1 }), res("b", { triggers: [1] }, { dependencies: [urn("a")] }), res("c", { v: 1 })]);
        assert.deepStrictEqual(journal, ["create a", "create b", "create c"]);
        journal.length = 0;
        const steps = await ex.apply([res("a", { v: 2 }), res("b", { triggers: [2] }, { dependencies: [urn("a")] }), res("c", { v: 1 })]);
        assert.deepStrictEqual(journal, ["update a", "create b", "delete b"]);
        assert.deepStrictEqual(
            steps.map((s) => `${s.op} ${s.name}`),
            ["update a", "replace b"],
        );
    });

    it("deletes the old resource first when deleteBeforeReplace is set", async function () {
        const journal: string[] = [];
        const ex = recordingExecutor(journal);
        const dbr = { options: { deleteBeforeReplace: true, replaceOnChanges: [], ignoreChanges: [], retainOnDelete: false } };
        await ex.apply([res("a", { triggers: [1] }, dbr)]);
        await ex.apply([res("a", { triggers: [2] }, dbr)]);
        assert.deepStrictEqual(journal, ["create a", "delete a", "create a"]);
    });

    it("deletes resources gone from the program after the others, newest first; destroy deletes the rest newest first", async function () {
        const journal: string[] = [];
        const ex = recordingExecutor(journal);
        await ex.apply([res("a", {}), res("b", {}), res("c", {})]);
        journal.length = 0;
        await ex.apply([res("a", {}), res("d", {})]);
        assert.deepStrictEqual(journal, ["create d", "delete c", "delete b"]);
        journal.length = 0;
        await ex.destroy();
        assert.deepStrictEqual(journal, ["delete d", "delete a"]);
    });

    it("sees a changed file behind the same FileAsset path as a change", async function () {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "executor-"));
        const file = path.join(dir, "bin");
        const journal: string[] = [];
        const ex = recordingExecutor(journal);
        const asset = { source: { kind: "asset", path: file } };
        fs.writeFileSync(file, "one");
        await ex.apply([res("copy", asset)]);
        await ex.apply([res("copy", asset)]);
        fs.writeFileSync(file, "two");
        await ex.apply([res("copy", asset)]);
        assert.deepStrictEqual(journal, ["create copy", "update copy"]);
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("keeps what was done before a failure, as the engine records completed steps", async function () {
        const journal: string[] = [];
        const ex = recordingExecutor(journal);
        await ex.apply([res("a", { v: 1 }), res("b", { v: 1 })]);
        ex.handle("test:index:Broken", {
            replaceOnChanges: [],
            async create() {
                throw new Error("exit 1");
            },
        });
        const broken = res("c", {}, { type: "test:index:Broken", urn: "urn:pulumi:t::p::test:index:Broken::c" });
        await assert.rejects(ex.apply([res("a", { v: 2 }), res("b", { v: 1 }), broken]), /create of test:index:Broken c failed: exit 1/);
        journal.length = 0;
        await ex.apply([res("a", { v: 2 }), res("b", { v: 1 })]);
        assert.deepStrictEqual(journal, [], "the update done before the failure was carried out again");
    });

    it("names the resource type it has no handler for", async function () {
        const ex = new ContractExecutor({ projectDir: process.cwd() });
        await assert.rejects(ex.apply([res("a", {})]), /no handler for resource type test:index:Thing/);
    });
});
