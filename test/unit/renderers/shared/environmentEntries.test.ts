import * as assert from "assert";
import { environmentEntries } from "../../../../components/shared/renderers/environmentEntries";

describe("environment entries (shared by every env file)", () => {
    it("lists settings then secrets, each sorted by key", () => {
        assert.deepStrictEqual(environmentEntries({ B: "2", A: "1" }, { Z: "s", C: "t" }, "a test file"), [
            ["A", "1"],
            ["B", "2"],
            ["C", "t"],
            ["Z", "s"],
        ]);
    });

    it("names the file's reader in the line-break message, and never the value", () => {
        assert.throws(
            () => environmentEntries({}, { DB_PASSWORD: "top\nsecret" }, "a test file"),
            (e: Error) =>
                /DB_PASSWORD holds a line break or NUL, which a test file cannot carry/.test(e.message) && !e.message.includes("top"),
        );
    });
});
