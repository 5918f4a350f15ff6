// README's "What a deploy may touch" names every path, unit and right the code uses, from the
// layouts and renderers that define them: a new folder or unit must be added there to pass.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

import { containerLayout, stateVolumeName } from "../../components/container/layout";
import { releaseLayout, slotLayout } from "../../components/systemd/layout";
import { ECR_LOGIN_SCRIPT } from "../../components/container/renderers/cloudInit";
import { renderContainerUnits } from "../../components/container/renderers/units";
import { ECR_LOGIN_ACTION, ECR_PULL_ACTIONS } from "../../components/rules/ecrPull";

const NAME = "gin-app";
const readme = fs.readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");
const start = readme.indexOf("## What a deploy may touch");
const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
const generic = (s: string) => s.split(NAME).join("<name>");

function assertListed(what: string, texts: string[]): void {
    const missing = texts.map(generic).filter((t) => !section.includes(`\`${t}`));
    assert.deepStrictEqual(missing, [], `${what} not in README's "What a deploy may touch"`);
}

describe("README's list of what a deploy may touch", () => {
    it("exists", () => assert.ok(start > 0 && section.length > 500));

    it("names systemd mode's folders, env file and units", () => {
        const l = releaseLayout(NAME);
        assertListed("systemd layout", [
            `${l.appDir}/`,
            l.envFile,
            `${l.stateDir}/`,
            `${l.stagingDir}/`,
            `${l.runDir}/`,
            l.serviceUnitName,
            l.socketUnitName,
        ]);
        const blue = slotLayout(NAME, "blue");
        assertListed(
            "slot units",
            [blue.appUnit, blue.bridgeSocketUnit].map((u) => u.replace("blue", "{blue,green}")),
        );
    });

    it("names container mode's folders, units, volume and first-boot files", () => {
        const l = containerLayout(NAME);
        assertListed("container layout", [`${l.configDir}/`, `${l.stateDir}/`, `${l.runDir}/`]);
        const units = renderContainerUnits({
            serviceName: NAME,
            port: 8080,
            slotPorts: { blue: 8081, green: 8082 },
            stopTimeoutSeconds: 30,
        });
        assertListed(
            "container units",
            units.map((u) => path.basename(u.path)),
        );
        assertListed("state volume", [stateVolumeName(NAME)]);
        assertListed("ECR login", [ECR_LOGIN_SCRIPT]);
    });

    it("names the instance role's every ECR right", () => {
        assertListed("ECR actions", [ECR_LOGIN_ACTION, ...ECR_PULL_ACTIONS]);
    });
});
