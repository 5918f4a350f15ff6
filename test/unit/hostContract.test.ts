// The host scripts read their paths, names and rules from the contract the components render:
// every name a script reads is in its mode's contract, and bash reads back the layout's values.
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";

import { containerLayout } from "../../components/container/layout";
import { releaseLayout } from "../../components/systemd/layout";
import { renderContainerContract } from "../../components/container/renderers/contract";
import { renderSystemdContract } from "../../components/systemd/renderers/contract";
import { RELEASE_VERSION } from "../../components/rules/releaseVersion";
import { SERVICE_NAME } from "../../components/rules/serviceName";
import { hostScript } from "../support/hostScripts";

const BASH_VARIABLES = new Set(["SECONDS", "BASH_SOURCE"]);

function namesRead(script: string): string[] {
    const text = fs.readFileSync(hostScript(script), "utf8");
    return [...new Set([...text.matchAll(/\$\{?([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]))].filter((n) => !BASH_VARIABLES.has(n));
}

function sourced(contract: string, names: string[]): Record<string, string> {
    const out = execFileSync("bash", ["-c", `eval "$(cat)"; for n in ${names.join(" ")}; do printf '%s=%s\\n' "$n" "\${!n}"; done`], {
        input: contract,
        encoding: "utf8",
    });
    return Object.fromEntries(
        out
            .trim()
            .split("\n")
            .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
}

const modes = [
    {
        mode: "systemd",
        contract: renderSystemdContract("gin-app"),
        layout: releaseLayout("gin-app"),
        scripts: ["install-release.sh", "uninstall.sh", "lib.sh"],
    },
    {
        mode: "container",
        contract: renderContainerContract("gin-app"),
        layout: containerLayout("gin-app"),
        scripts: ["install-container.sh", "uninstall-container.sh", "lib.sh"],
    },
];

describe("host contract", () => {
    for (const { mode, contract, layout, scripts } of modes) {
        it(`${mode}: defines every name the mode's scripts read from it`, () => {
            const defined = new Set([...contract.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]));
            for (const script of scripts) {
                for (const name of namesRead(script)) {
                    assert.ok(defined.has(name), `${script} reads $${name}, which the ${mode} contract does not define`);
                }
            }
        });

        it(`${mode}: gives bash the layout's paths and the rules' patterns, unchanged`, () => {
            const values = sourced(contract, ["SERVICE_NAME", "STATE_DIR", "STAGING_DIR", "SERVICE_NAME_PATTERN", "VERSION_PATTERN"]);
            assert.strictEqual(values.SERVICE_NAME, layout.serviceName);
            assert.strictEqual(values.STATE_DIR, layout.stateDir);
            assert.strictEqual(values.STAGING_DIR, layout.stagingDir);
            assert.strictEqual(values.SERVICE_NAME_PATTERN, SERVICE_NAME.source);
            assert.strictEqual(values.VERSION_PATTERN, RELEASE_VERSION.source);
        });
    }

    it("bash's =~ and the TypeScript rules agree on names and versions", () => {
        const cases = ["gin-app", "a", "Gin", "x".repeat(33), "v1.2.3-4-gabc", "v1;reboot", "latest-", "-v1"];
        for (const value of cases) {
            const bash = (pattern: RegExp) =>
                execFileSync("bash", ["-c", `[[ "$1" =~ $2 ]] && echo yes || echo no`, "_", value, pattern.source], {
                    encoding: "utf8",
                }).trim() === "yes";
            assert.strictEqual(bash(SERVICE_NAME), SERVICE_NAME.test(value), `service name ${value}`);
            assert.strictEqual(bash(RELEASE_VERSION), RELEASE_VERSION.test(value), `version ${value}`);
        }
    });
});
