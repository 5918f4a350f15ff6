// Where a systemd-mode release lives on a host: the one place that the unit renderers, the
// install command, the component, the host scripts (through the rendered contract) and the host
// suite read, so the paths cannot drift apart. Pure: no Pulumi import.
import { validateServiceName } from "../rules/serviceName";

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
    /** The folder of the 0600 root env file systemd reads before it drops privileges. */
    envDir: string;
    envFile: string;
    /** Where uploads wait for the install script (root only). */
    stagingDir: string;
    /** Where the install script keeps the previous units and env file for a rollback. */
    stateDir: string;
    /** Where systemd reads the units from. */
    unitDir: string;
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
        envDir: `/etc/${serviceName}`,
        envFile: `/etc/${serviceName}/${serviceName}.env`,
        stagingDir: `${stateDir}/staging`,
        stateDir,
        unitDir: "/etc/systemd/system",
    };
}
