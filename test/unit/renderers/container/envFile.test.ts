import * as assert from "assert";

import { renderContainerEnvFile } from "../../../../components/container/renderers/envFile";

describe("container env file", () => {
    it("writes KEY=VALUE lines, settings then secrets, sorted, values literal", () => {
        const text = renderContainerEnvFile({ LOG_LEVEL: "info", APP_ENV: "prod" }, { DB_PASSWORD: `p"a ss'#` });
        assert.strictEqual(text, `APP_ENV=prod\nLOG_LEVEL=info\nDB_PASSWORD=p"a ss'#\n`);
    });

    it("leaves HOST and PORT to the slot", () => {
        assert.strictEqual(renderContainerEnvFile({ HOST: "0.0.0.0", PORT: "8080", APP_ENV: "dev" }, {}), "APP_ENV=dev\n");
    });

    it("refuses a line break without echoing the value, a bad name and a key given twice", () => {
        assert.throws(
            () => renderContainerEnvFile({}, { DB_PASSWORD: "top\nsecret" }),
            (e: Error) => /secretEnvironment\.DB_PASSWORD holds a line break/.test(e.message) && !e.message.includes("top"),
        );
        assert.throws(() => renderContainerEnvFile({ "1X": "a" }, {}), /key "1X" is not an environment variable name/);
        assert.throws(
            () => renderContainerEnvFile({ DB_PASSWORD: "a" }, { DB_PASSWORD: "b" }),
            /given in both environment and secretEnvironment/,
        );
    });
});
