// Where a systemd-mode release lives on a host: one place that the unit renderer, the install
// command, the component and the host suite all read, so the paths cannot drift apart.
// Pure: no Pulumi import.

/** Service names become unit names, directory names and the DynamicUser's name. */
const SERVICE_NAME = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;

export function validateServiceName(serviceName: string): string {
    if (!SERVICE_NAME.test(serviceName)) {
        throw new Error(
            `serviceName "${serviceName}" is not usable as a unit and user name: ` +
            `use 2-32 lowercase letters, digits and "-", starting with a letter (e.g. "gin-app")`);
    }
    return serviceName;
}

export interface ReleaseLayout {
    serviceName: string;
    /** gin-app.service / gin-app.socket */
    serviceUnitName: string;
    socketUnitName: string;
    /** /opt/gin-app: releases/<version>-<sha12>/gin-app, and the `current` link to one of them. */
    appDir: string;
    releasesDir: string;
    currentLink: string;
    /** What the unit executes: always through `current`, so switching the link switches the release. */
    currentBinary: string;
    /** The 0600 root env file systemd reads before it drops privileges. */
    envFile: string;
    /** Where uploads wait for the install script (root only). */
    stagingDir: string;
    /** Where the install script keeps the previous units and env file for a rollback. */
    stateDir: string;
}

export function releaseLayout(serviceName: string): ReleaseLayout {
    validateServiceName(serviceName);
    const appDir = `/opt/${serviceName}`;
    // Apart from container mode's /var/lib/gin-deploy/<name>, so the two modes never share files.
    const stateDir = `/var/lib/gin-deploy/systemd/${serviceName}`;
    return {
        serviceName,
        serviceUnitName: `${serviceName}.service`,
        socketUnitName: `${serviceName}.socket`,
        appDir,
        releasesDir: `${appDir}/releases`,
        currentLink: `${appDir}/current`,
        currentBinary: `${appDir}/current/${serviceName}`,
        envFile: `/etc/${serviceName}/${serviceName}.env`,
        stagingDir: `${stateDir}/staging`,
        stateDir,
    };
}
