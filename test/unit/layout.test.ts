// The arrows of the layout: the composition (stack/) imports components, never a renderer, and a
// renderer imports no Pulumi and no component.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");

function files(dir: string): string[] {
    return fs
        .readdirSync(path.join(ROOT, dir), { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
}

function imports(file: string): string[] {
    const text = fs.readFileSync(path.join(ROOT, file), "utf8");
    return [...text.matchAll(/(?:from\s+|require\()\s*["']([^"']+)["']/g)].map((m) => m[1]);
}

describe("layout", () => {
    it("the composition (stack/) imports no renderer", () => {
        for (const file of files("stack")) {
            for (const spec of imports(file)) assert.ok(!spec.includes("/renderers/"), `${file} imports ${spec}`);
        }
    });

    it("a renderer imports no Pulumi and no component", () => {
        const renderers = files("components").filter((f) => /^components\/[a-z]+\/renderers\//.test(f));
        assert.ok(renderers.length >= 30, `only ${renderers.length} renderers found`);
        for (const file of renderers) {
            for (const spec of imports(file)) {
                assert.ok(!spec.startsWith("@pulumi/"), `${file} imports ${spec}`);
                const target = path.normalize(path.join(path.dirname(file), spec));
                assert.ok(
                    !spec.startsWith(".") ||
                        /^components\/[a-z]+\/renderers\//.test(target) ||
                        /^components\/[a-z]+\/layout$/.test(target) ||
                        target.startsWith("components/rules/"),
                    `${file} imports ${spec}, outside a renderers/ folder, a mode's layout and rules/`,
                );
            }
        }
    });
});
