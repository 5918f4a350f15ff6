// The service's environment variables (the only way app/ is configured), from typed settings.
// Non-secret settings only: DB_PASSWORD travels separately as a Pulumi secret. Pure; no Pulumi.

export interface ServiceEnvironmentSettings {
    appEnv: string;
    logLevel: string;
    port: number;
    /** Empty: the service runs without a database and gets no DB_* variables. */
    db: { host: string; port: number; name: string; user: string; sslMode: string; poolSize: number };
}

/** APP_ENV, LOG_LEVEL, GIN_MODE, HOST, PORT and, with a database, DB_* (without the password). */
export function serviceEnvironment(s: ServiceEnvironmentSettings): Record<string, string> {
    const environment: Record<string, string> = {
        APP_ENV: s.appEnv,
        LOG_LEVEL: s.logLevel,
        GIN_MODE: "release",
        // Bind every interface (S2); under socket activation the service ignores HOST/PORT.
        HOST: "0.0.0.0",
        PORT: String(s.port),
    };
    if (s.db.host !== "") {
        Object.assign(environment, {
            DB_HOST: s.db.host,
            DB_PORT: String(s.db.port),
            DB_NAME: s.db.name,
            DB_USER: s.db.user,
            DB_SSLMODE: s.db.sslMode,
            DB_POOL_SIZE: String(s.db.poolSize),
        });
    }
    return environment;
}

/** The secret variables' names for the same settings (their values stay Pulumi secrets). */
export function secretEnvironmentNames(s: ServiceEnvironmentSettings): string[] {
    return s.db.host !== "" ? ["DB_PASSWORD"] : [];
}
