// gindeploy:host:SystemdService — runs a Go binary as a hardened, socket-activated systemd service
// on any SSH host (S16, S17), one health-gated release at a time. The options of
// systemd/renderers/serviceOptions.ts fit it to an ordinary Gin app too (its own port, no READY=1,
// no /healthz or /version, data in a state directory): see SystemdServiceOptions.
//
// Over SSH it creates a root-only staging folder, uploads the binary, the two units and the
// install/uninstall scripts there, and runs host/install-release.sh with the env file on
// stdin. The script switches releases atomically, restarts behind the socket (no refused
// connection), checks /healthz and /version, and rolls back with the journal's last lines when a
// check fails, which fails this component's release command and so `pulumi up`.
//
// Every remote step is triggered by content hashes (binary, units, scripts, env file), so an
// unchanged release runs nothing. Secrets stay secret: the env file is a Pulumi secret passed on
// stdin, never in `environment` or a command line, and the script never prints it.

import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";

import { renderEnvFile } from "./renderers/envFile";
import { settingsTrigger } from "../shared/settingsTrigger";
import { hostLibraryPath } from "../shared/hostLibrary";
import { releaseLayout } from "./layout";
import { validateServiceName } from "../rules/serviceName";
import { binaryDigestVersion } from "../rules/releaseVersion";
import { shellQuote } from "../shared/renderers/shellQuote";
import {
    installReleaseCommand,
    prepareStagingCommand,
    releaseUploads,
    stagedUnitPath,
    uninstallCommand,
} from "./renderers/releaseCommands";
import { renderSystemdContract } from "./renderers/contract";
import { renderSocketUnit } from "./renderers/socketUnit";
import { renderServiceUnit } from "./renderers/serviceUnit";
import { checkEnvironmentForSlots, resolveSystemdOptions, SystemdServiceOptions } from "./renderers/serviceOptions";
import { renderFrontProxy, renderSlotUnits } from "./renderers/slotUnits";
import { appLogsCommand, appUnitNames, liveAppUnitCommand } from "./renderers/operatorCommands";
import { defaultSlotPorts, slotLayout, SLOTS } from "./layout";

export { SystemdServiceOptions };

export interface SystemdServiceArgs extends SystemdServiceOptions {
    connection: pulumi.Input<command.types.input.remote.ConnectionArgs>;
    /** The built binary on the machine running Pulumi (GoBinary.path). */
    binaryPath: pulumi.Input<string>;
    /** Hex sha256 of the binary (GoBinary.sha256): the release's identity and upload trigger. */
    binarySha256: pulumi.Input<string>;
    /**
     * What /version must report after the release. Optional with versionCheck: false; the release
     * is then named after the binary (rules/releaseVersion.ts: sha-<first 12 hex digits of binarySha256>).
     */
    version?: pulumi.Input<string>;
    /** The port the .socket unit owns on the host (bound on 0.0.0.0). */
    port: pulumi.Input<number>;
    /** Non-secret app settings (APP_ENV, LOG_LEVEL, DB_HOST, ...). */
    environment: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Secret app settings (DB_PASSWORD, ...): written only into the host's 0600 env file. Default {} (none). */
    secretEnvironment?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Default "gin-app": unit names, folders and the service's dynamic user derive from it. */
    serviceName?: string;
    /** Open the port in ufw when the host has ufw; default false. */
    hostFirewall?: pulumi.Input<boolean>;
}

const hostScriptsDir = path.join(__dirname, "host");

function sha256(text: string | Buffer): string {
    return createHash("sha256").update(text).digest("hex");
}

export class SystemdService extends pulumi.ComponentResource {
    readonly serviceName: pulumi.Output<string>;
    /** The service unit, e.g. "gin-app.service": the app when socket-activated, the front proxy in slot mode (see appUnits). */
    readonly unitName: pulumi.Output<string>;
    /** The version the host serves, known once the release passed its checks. */
    readonly version: pulumi.Output<string>;
    /** Where the app's state directory is on the host (pass it in `environment`, e.g. DATA_DIR), if it has one. */
    readonly stateDirectoryPath: pulumi.Output<string | undefined>;
    /**
     * The units the app itself runs in: [unitName] when socket-activated; in slot mode
     * (socketActivated: false) the two slot units, e.g. ["gin-app-slot-blue.service", "gin-app-slot-green.service"].
     */
    readonly appUnits: pulumi.Output<string[]>;
    /** A command for the host that prints the live app unit (in slot mode, the slot the last release switched to). */
    readonly liveUnitCommand: pulumi.Output<string>;
    /** A command for the host that shows the app's log from all of appUnits (`journalctl -u … -u …`; add -f or -n N). */
    readonly logsCommand: pulumi.Output<string>;

    constructor(name: string, args: SystemdServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("gindeploy:host:SystemdService", name, {}, opts);
        const serviceName = validateServiceName(args.serviceName ?? "gin-app");
        const layout = releaseLayout(serviceName);
        const connection = args.connection;
        // Every option is checked here, before the first child resource.
        const options = resolveSystemdOptions(serviceName, args);
        if (args.version === undefined && options.versionCheck) {
            throw new Error(
                "version is required while versionCheck is on (/version must report it): give version, or set versionCheck: false",
            );
        }
        if (!pulumi.Output.isInstance(args.environment) && typeof args.environment === "object") {
            checkEnvironmentForSlots(args.environment as Record<string, unknown>, options.socketActivated);
        }
        if (!options.socketActivated && options.slotPorts && typeof args.port === "number") {
            renderSlotUnits({ serviceName, port: args.port, slotPorts: options.slotPorts, app: options.app });
        }
        const version = pulumi.all([args.version, args.binarySha256]).apply(([v, sha]) => (v !== undefined ? v : binaryDigestVersion(sha)));

        // Socket-activated: the app's unit is <name>.service. Otherwise <name>.service is the front
        // proxy and the app runs in two slot units (slotUnits.ts).
        const serviceUnit = options.socketActivated ? renderServiceUnit({ serviceName, ...options.app }) : renderFrontProxy(serviceName);
        const socketUnit = pulumi.output(args.port).apply((port) => renderSocketUnit({ serviceName, port }));
        const slotPorts = pulumi.output(args.port).apply((port) => options.slotPorts ?? defaultSlotPorts(port));
        const slotUnits = options.socketActivated
            ? undefined
            : pulumi
                  .all([args.port, slotPorts])
                  .apply(([port, ports]) => renderSlotUnits({ serviceName, port, slotPorts: ports, app: options.app }));
        const envFile = pulumi.secret(
            pulumi
                .all([pulumi.output(args.environment), pulumi.output(args.secretEnvironment ?? {})])
                .apply(([environment, secretEnvironment]) => {
                    checkEnvironmentForSlots(environment, options.socketActivated);
                    return renderEnvFile(environment, secretEnvironment);
                }),
        );
        const uploads = pulumi.output(args.binarySha256).apply((sha) => releaseUploads(serviceName, sha));
        const installScriptPath = path.join(hostScriptsDir, "install-release.sh");
        const uninstallScriptPath = path.join(hostScriptsDir, "uninstall.sh");
        const libPath = hostLibraryPath;
        const installScriptSha = sha256(fs.readFileSync(installScriptPath));
        const uninstallScriptSha = sha256(fs.readFileSync(uninstallScriptPath));
        const libSha = sha256(fs.readFileSync(libPath));
        const contract = renderSystemdContract(
            serviceName,
            options.stateDirectory !== undefined
                ? { stateDirectory: options.stateDirectory, removeStateOnDestroy: options.removeStateOnDestroy }
                : {},
        );

        // CopyToRemote neither creates a folder with a mode nor is ordered by itself: make the
        // root-only staging folder first and make every upload wait for it.
        const staging = new command.remote.Command(
            `${name}-staging`,
            {
                connection,
                create: prepareStagingCommand(serviceName),
                addPreviousOutputInEnv: false,
            },
            { parent: this },
        );
        const afterStaging = { parent: this, dependsOn: [staging] };
        // A text upload's trigger is the text itself, not its hash: the engine elides a text asset
        // (`asset(text:…) { <contents elided> }`) but shows a changed multi-line string input as a
        // line diff, so a reviewer reads the unit's changed lines. No upload's text holds a secret.

        const installScript = new command.remote.CopyToRemote(
            `${name}-install-script`,
            {
                connection,
                source: new pulumi.asset.FileAsset(installScriptPath),
                remotePath: uploads.installScript,
                triggers: [installScriptSha],
            },
            afterStaging,
        );
        const uninstallScript = new command.remote.CopyToRemote(
            `${name}-uninstall-script`,
            {
                connection,
                source: new pulumi.asset.FileAsset(uninstallScriptPath),
                remotePath: uploads.uninstallScript,
                triggers: [uninstallScriptSha],
            },
            afterStaging,
        );
        // The scripts' shared helpers, and the host contract: the paths and rules they read.
        const lib = new command.remote.CopyToRemote(
            `${name}-script-lib`,
            {
                connection,
                source: new pulumi.asset.FileAsset(libPath),
                remotePath: uploads.lib,
                triggers: [libSha],
            },
            afterStaging,
        );
        const contractUpload = new command.remote.CopyToRemote(
            `${name}-contract`,
            {
                connection,
                source: new pulumi.asset.StringAsset(contract),
                remotePath: uploads.contract,
                triggers: [contract],
            },
            afterStaging,
        );
        // Removing the component uninstalls the service. This command has no triggers, so it is
        // never replaced (a replacement would run its delete, the uninstall, after every release),
        // and it depends on the uninstall script, so it is deleted while the script is still there.
        new command.remote.Command(
            `${name}-uninstall`,
            {
                connection,
                create: `test -f ${shellQuote(`${layout.stagingDir}/uninstall.sh`)}`,
                delete: uninstallCommand(serviceName),
                addPreviousOutputInEnv: false,
            },
            { parent: this, dependsOn: [uninstallScript, lib, contractUpload] },
        );

        const binary = new command.remote.CopyToRemote(
            `${name}-binary`,
            {
                connection,
                source: pulumi.output(args.binaryPath).apply((p) => new pulumi.asset.FileAsset(p)),
                remotePath: uploads.binary,
                triggers: [args.binarySha256],
            },
            afterStaging,
        );
        const serviceUnitUpload = new command.remote.CopyToRemote(
            `${name}-service-unit`,
            {
                connection,
                source: new pulumi.asset.StringAsset(serviceUnit),
                remotePath: uploads.serviceUnit,
                triggers: [serviceUnit],
            },
            afterStaging,
        );
        const socketUnitUpload = new command.remote.CopyToRemote(
            `${name}-socket-unit`,
            {
                connection,
                source: socketUnit.apply((text) => new pulumi.asset.StringAsset(text)),
                remotePath: uploads.socketUnit,
                triggers: [socketUnit],
            },
            afterStaging,
        );

        // The slots' units, one upload each (their names are fixed; only their contents vary).
        const slotUnitNames = options.socketActivated
            ? []
            : SLOTS.flatMap((slot) => {
                  const l = slotLayout(serviceName, slot);
                  return [l.bridgeSocketUnit, l.bridgeServiceUnit, l.appUnit];
              });
        const slotUnitUploads = slotUnitNames.map((unitName) => {
            const content = slotUnits!.apply((units) => units.find((u) => u.name === unitName)!.content);
            return new command.remote.CopyToRemote(
                `${name}-unit-${unitName.slice(serviceName.length + 1).replace(/\./g, "-")}`,
                {
                    connection,
                    source: content.apply((text) => new pulumi.asset.StringAsset(text)),
                    remotePath: stagedUnitPath(serviceName, unitName),
                    triggers: [content],
                },
                afterStaging,
            );
        });
        const slotUnitsSha = slotUnits?.apply((units) => sha256(units.map((u) => `${u.name}\n${u.content}`).join("\0")));

        const hostFirewall = pulumi.output(args.hostFirewall ?? false);
        const release = new command.remote.Command(
            `${name}-release`,
            {
                connection,
                create: pulumi
                    .all([version, args.binarySha256, args.port, hostFirewall, slotPorts])
                    .apply(([version, binarySha256, port, firewall, ports]) =>
                        installReleaseCommand({
                            serviceName,
                            version,
                            binarySha256,
                            port,
                            hostFirewall: firewall,
                            healthTimeoutSec: options.healthTimeoutSec,
                            healthPath: options.healthPath,
                            versionCheck: options.versionCheck,
                            ...(options.socketActivated
                                ? {}
                                : { slotPorts: ports, drainTimeoutSec: options.drainTimeoutSec, extraUnits: slotUnitNames }),
                        }),
                    ),
                // The whole env file, secrets included, reaches the host only through stdin.
                stdin: envFile,
                // Any change of what the host runs re-runs the release; nothing else does.
                triggers: [
                    args.binarySha256,
                    version,
                    sha256(serviceUnit),
                    socketUnit.apply(sha256),
                    installScriptSha,
                    libSha,
                    sha256(contract),
                    // The settings by name (secrets as secret digests): a reviewer sees which changed.
                    settingsTrigger(args.environment, args.secretEnvironment),
                    hostFirewall,
                    // Slot mode only, so the reference app's triggers stay as they were.
                    ...(slotUnitsSha ? [slotUnitsSha] : []),
                ],
                // stderr carries the progress and, on failure, the check that failed with the journal
                // (S4); the script prints no env content. The stored outputs stay encrypted anyway.
                logging: command.types.enums.remote.Logging.Stderr,
                addPreviousOutputInEnv: false,
            },
            {
                parent: this,
                dependsOn: [installScript, lib, contractUpload, binary, serviceUnitUpload, socketUnitUpload, ...slotUnitUploads],
                additionalSecretOutputs: ["stdout", "stderr"],
            },
        );

        this.serviceName = pulumi.output(serviceName);
        this.unitName = pulumi.output(layout.serviceUnitName);
        this.version = pulumi.all([version, release.id]).apply(([v]) => v);
        this.stateDirectoryPath = pulumi.output(options.stateDirectoryPath);
        this.appUnits = pulumi.output(appUnitNames(serviceName, options.socketActivated));
        this.liveUnitCommand = pulumi.output(liveAppUnitCommand(serviceName, options.socketActivated));
        this.logsCommand = pulumi.output(appLogsCommand(serviceName, options.socketActivated));
        this.registerOutputs({
            serviceName: this.serviceName,
            unitName: this.unitName,
            version: this.version,
            stateDirectoryPath: this.stateDirectoryPath,
            appUnits: this.appUnits,
            liveUnitCommand: this.liveUnitCommand,
            logsCommand: this.logsCommand,
        });
    }
}
