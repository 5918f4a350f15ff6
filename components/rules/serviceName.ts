// The one rule for a service's name: it becomes unit names, folder names, container names and
// the systemd DynamicUser's name (at most 32 characters), in every mode.
export const SERVICE_NAME = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;
export const SERVICE_NAME_RULE = '2-32 lowercase letters, digits and "-", starting with a letter and not ending with "-"';

export function validateServiceName(serviceName: string): string {
    if (!SERVICE_NAME.test(serviceName)) {
        throw new Error(
            `serviceName "${serviceName}" is not usable as a unit, folder and user name: use ${SERVICE_NAME_RULE} (e.g. "gin-app")`,
        );
    }
    return serviceName;
}
