// The service's database (S12): per-environment TLS and pool defaults, prod refuses no TLS. A
// stack without dbHost has no database, and then needs no password.
import { defaultOf } from "../keys";
import type { ConfigReader } from "../reader";
import { hasControlCharacter, setCommand, shown } from "../reader";
import type { DatabaseConfig, Environment, SslMode } from "../types";

const SSL_MODES: readonly SslMode[] = ["disable", "require", "verify-full"];
const PROD_SSL_MODES: readonly SslMode[] = ["require", "verify-full"];

/** Per-environment database defaults, as the article gives them (S12). */
export const ENVIRONMENT_DEFAULTS: Readonly<Record<Environment, { dbSslMode: SslMode; dbPoolSize: number }>> = {
    dev: { dbSslMode: "disable", dbPoolSize: 5 },
    prod: { dbSslMode: "require", dbPoolSize: 20 },
};

export function parseDatabase(read: ConfigReader, environment: Environment): DatabaseConfig | undefined {
    const prod = environment === "prod";
    const host = read.text("dbHost");
    if (host !== "" && !/^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/.test(host)) {
        read.refuse(
            "dbHost",
            `${shown(host)} is not a host name or IPv4 address (no scheme, port or spaces). ` +
                `Fix: ${setCommand("dbHost", "db.internal.example")}`,
        );
    }
    const port = read.port("dbPort");
    const identifier = (key: "dbName" | "dbUser"): string => {
        const value = read.text(key);
        if (!/^[A-Za-z_][A-Za-z0-9_-]{0,62}$/.test(value)) {
            read.refuse(
                key,
                `${shown(value)} is not a PostgreSQL name (a letter or _, then letters, digits, _ or -; at most 63). ` +
                    `Fix: ${setCommand(key, defaultOf(key))}`,
            );
        }
        return value;
    };
    const name = identifier("dbName");
    const user = identifier("dbUser");

    const sslModeValue = read.text("dbSslMode");
    let sslMode: SslMode = ENVIRONMENT_DEFAULTS[environment].dbSslMode;
    if (sslModeValue !== "auto") {
        if (!(SSL_MODES as readonly string[]).includes(sslModeValue)) {
            read.refuse(
                "dbSslMode",
                `${shown(sslModeValue)} is not one of auto, ${SSL_MODES.join(", ")}. ` +
                    `Fix: ${setCommand("dbSslMode", prod ? "require" : "disable")}`,
            );
        } else if (prod && !(PROD_SSL_MODES as readonly string[]).includes(sslModeValue)) {
            read.refuse(
                "dbSslMode",
                `${shown(sslModeValue)} is refused in prod: the database connection ` +
                    `must use TLS (${PROD_SSL_MODES.join(", ")}). Fix: ${setCommand("dbSslMode", "require")}`,
            );
        } else {
            sslMode = sslModeValue as SslMode;
        }
    }

    const poolValue = read.text("dbPoolSize");
    let poolSize = ENVIRONMENT_DEFAULTS[environment].dbPoolSize;
    if (poolValue !== "auto") {
        const n = Number(poolValue);
        if (!/^-?\d+$/.test(poolValue) || n < 1 || n > 1000) {
            read.refuse(
                "dbPoolSize",
                `${shown(poolValue)} is not a pool size: use a whole number from 1 to 1000 ` +
                    `(or auto: ${ENVIRONMENT_DEFAULTS.dev.dbPoolSize} in dev, ${ENVIRONMENT_DEFAULTS.prod.dbPoolSize} in prod). ` +
                    `Fix: ${setCommand("dbPoolSize", ENVIRONMENT_DEFAULTS[environment].dbPoolSize)}`,
            );
        } else {
            poolSize = n;
        }
    }

    if (host === "") {
        return undefined;
    }
    const password = read.secret(
        "dbPassword",
        (value) => (hasControlCharacter(value) ? "contains a control character (newline?), which an env file cannot hold" : undefined),
        "pulumi config set --secret gin-deploy:dbPassword (it prompts for the password)",
    );
    return { host, port, name, user, password, sslMode, poolSize };
}
