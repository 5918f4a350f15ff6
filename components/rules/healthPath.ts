// The one rule for what a release's health check GETs, in both host modes: a URL path curl takes
// as is and the scripts pass unquoted (no spaces, quotes or #). A plain string, not a RegExp's
// .source (which writes "/" as "\/", a literal backslash inside a POSIX bracket), because bash's
// =~ reads the same text from the host contract.
export const HEALTH_PATH_PATTERN = "^/[A-Za-z0-9._~!$&'()*+,;=:@%/?-]{0,200}$";
export const HEALTH_PATH = new RegExp(HEALTH_PATH_PATTERN);
export const HEALTH_PATH_RULE = 'a URL path starting with "/", at most 201 characters, without spaces, quotes or "#"';

export function validateHealthPath(value: unknown, option = "healthCheck.path"): string {
    if (typeof value !== "string" || !HEALTH_PATH.test(value)) {
        throw new Error(
            `${option} ${JSON.stringify(value)} is not a usable health path: give ${HEALTH_PATH_RULE} (e.g. "/healthz", or "/" for an app without a health route)`,
        );
    }
    return value;
}
