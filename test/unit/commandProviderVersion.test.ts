// The contract suite carries out the command provider's resources the way its Go code does, for
// one version: when the SDK in package.json moves, the handlers must be read against the new one.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

import { COMMAND_PROVIDER_VERSION } from "../contract/commandHandlers";

const ROOT = path.join(__dirname, "..", "..");

describe("the contract suite's copy of the command provider", () => {
    it("is of the @pulumi/command version package.json pins and npm installed", () => {
        const pinned = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).dependencies["@pulumi/command"];
        const installed = JSON.parse(
            fs.readFileSync(path.join(ROOT, "node_modules", "@pulumi", "command", "package.json"), "utf8"),
        ).version;
        assert.deepStrictEqual(
            { pinned, installed },
            { pinned: COMMAND_PROVIDER_VERSION, installed: COMMAND_PROVIDER_VERSION },
            "test/contract/commandHandlers.ts copies @pulumi/command " +
                COMMAND_PROVIDER_VERSION +
                ": read the provider's changes since then, bring the handlers along and update COMMAND_PROVIDER_VERSION",
        );
    });
});
