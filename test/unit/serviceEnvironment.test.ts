import * as assert from "assert";

import { secretEnvironmentNames, serviceEnvironment } from "../../components/renderers/shared/serviceEnvironment";

const settings = {
    appEnv: "prod", logLevel: "info", port: 8080,
    db: { host: "db.internal", port: 5432, name: "gin_app", user: "gin_app", sslMode: "require", poolSize: 20 },
};

describe("service environment", () => {
    it("sets the app's variables, binding every interface, with the database settings", () => {
        assert.deepStrictEqual(serviceEnvironment(settings), {
            APP_ENV: "prod", LOG_LEVEL: "info", GIN_MODE: "release", HOST: "0.0.0.0", PORT: "8080",
            DB_HOST: "db.internal", DB_PORT: "5432", DB_NAME: "gin_app", DB_USER: "gin_app",
            DB_SSLMODE: "require", DB_POOL_SIZE: "20",
        });
        assert.deepStrictEqual(secretEnvironmentNames(settings), ["DB_PASSWORD"]);
    });

    it("leaves the database out when there is none", () => {
        const env = serviceEnvironment({ ...settings, db: { ...settings.db, host: "" } });
        assert.deepStrictEqual(Object.keys(env).filter((k) => k.startsWith("DB_")), []);
        assert.deepStrictEqual(secretEnvironmentNames({ ...settings, db: { ...settings.db, host: "" } }), []);
    });

    it("never carries the password", () => {
        assert.ok(!("DB_PASSWORD" in serviceEnvironment(settings)));
    });
});
