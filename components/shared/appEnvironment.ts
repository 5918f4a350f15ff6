// The reference service's (app/) environment variables, the only way it is configured, from typed
// settings: the plain ones, and apart from them the secret ones (DB_PASSWORD), which stay Pulumi
// secrets on their way to the host. Pure; no Pulumi (the password's type is the caller's).

export interface ServiceEnvironmentSettings<Secret> {
    appEnv: string;
    logLevel: string;
    port: number;
    /** Undefined: the service runs without a database and gets no DB_* variables. */
    db?: { host: string; port: number; name: string; user: string; password: Secret; sslMode: string; poolSize: number };
}

export interface ServiceEnvironment<Secret> {
    /** APP_ENV, LOG_LEVEL, GIN_MODE, HOST, PORT and, with a database, DB_* but the password. */
    environment: Record<string, string>;
    /** DB_PASSWORD with a database; nothing else. */
    secretEnvironment: Record<string, Secret>;
}

export function serviceEnvironment<Secret>(s: ServiceEnvironmentSettings<Secret>): ServiceEnvironment<Secret> {
    const environment: Record<string, string> = {
        APP_ENV: s.appEnv,
        LOG_LEVEL: s.logLevel,
        GIN_MODE: "release",
        // Bind every interface (S2); under socket activation the service ignores HOST/PORT.
        HOST: "0.0.0.0",
        PORT: String(s.port),
    };
    const secretEnvironment: Record<string, Secret> = {};
    if (s.db) {
        Object.assign(environment, {
            DB_HOST: s.db.host,
            DB_PORT: String(s.db.port),
            DB_NAME: s.db.name,
            DB_USER: s.db.user,
            DB_SSLMODE: s.db.sslMode,
            DB_POOL_SIZE: String(s.db.poolSize),
        });
        secretEnvironment.DB_PASSWORD = s.db.password;
    }
    return { environment, secretEnvironment };
}
