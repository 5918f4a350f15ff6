import * as assert from "assert";

import { serviceEnvironment } from "../../components/shared/appEnvironment";

const PASSWORD = "pw-that-must-stay-apart";
const settings = {
    appEnv: "prod",
    logLevel: "info",
    port: 8080,
    db: { host: "db.internal", port: 5432, name: "gin_app", user: "gin_app", password: PASSWORD, sslMode: "require", poolSize: 20 },
};

describe("service environment", () => {
    it("sets the app's variables, binding every interface, with the database settings", () => {
        assert.deepStrictEqual(serviceEnvironment(settings).environment, {
            APP_ENV: "prod",
            LOG_LEVEL: "info",
            GIN_MODE: "release",
            HOST: "0.0.0.0",
            PORT: "8080",
            DB_HOST: "db.internal",
            DB_PORT: "5432",
            DB_NAME: "gin_app",
            DB_USER: "gin_app",
            DB_SSLMODE: "require",
            DB_POOL_SIZE: "20",
        });
    });

    it("puts the password only among the secret variables", () => {
        const { environment, secretEnvironment } = serviceEnvironment(settings);
        assert.deepStrictEqual(secretEnvironment, { DB_PASSWORD: PASSWORD });
        assert.ok(!Object.values(environment).includes(PASSWORD), "the password is among the plain variables");
    });

    it("leaves the database out, password included, when there is none", () => {
        const { environment, secretEnvironment } = serviceEnvironment({ ...settings, db: undefined });
        assert.deepStrictEqual(
            Object.keys(environment).filter((k) => k.startsWith("DB_")),
            [],
        );
        assert.deepStrictEqual(secretEnvironment, {});
    });
});
