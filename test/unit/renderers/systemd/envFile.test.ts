import * as assert from "assert";
import { quoteEnvValue, renderEnvFile } from "../../../../components/systemd/renderers/envFile";

describe("renderEnvFile", () => {
    it('writes sorted KEY="value" lines, settings then secrets', () => {
        assert.strictEqual(
            renderEnvFile({ LOG_LEVEL: "info", APP_ENV: "prod" }, { DB_PASSWORD: "pw" }),
            'APP_ENV="prod"\nLOG_LEVEL="info"\nDB_PASSWORD="pw"\n',
        );
    });

    it("escapes the characters systemd's parser treats specially inside double quotes", () => {
        assert.strictEqual(quoteEnvValue('a"b\\c`d$e'), '"a\\"b\\\\c\\`d\\$e"');
        assert.strictEqual(quoteEnvValue("it's # not a comment"), `"it's # not a comment"`);
        assert.strictEqual(quoteEnvValue("  spaced  "), '"  spaced  "');
        assert.strictEqual(quoteEnvValue(""), '""');
    });

    it("refuses a line break or NUL, naming the key but not the value", () => {
        let message = "";
        try {
            renderEnvFile({}, { DB_PASSWORD: "top\nsecret" });
        } catch (err) {
            message = (err as Error).message;
        }
        assert.match(message, /secretEnvironment\.DB_PASSWORD holds a line break or NUL/);
        assert.doesNotMatch(message, /secret$|top/);
        assert.throws(() => renderEnvFile({ A: "x\0y" }, {}), /environment\.A holds a line break or NUL/);
        assert.throws(() => renderEnvFile({ A: "x\ry" }, {}), /line break/);
    });

    it("refuses keys that are not variable names", () => {
        assert.throws(() => renderEnvFile({ "1X": "v" }, {}), /key "1X" is not an environment variable name/);
        assert.throws(() => renderEnvFile({ "A-B": "v" }, {}), /not an environment variable name/);
    });

    it("refuses a key given as both a setting and a secret", () => {
        assert.throws(() => renderEnvFile({ DB_PASSWORD: "a" }, { DB_PASSWORD: "b" }), /DB_PASSWORD is given in both/);
    });
});
