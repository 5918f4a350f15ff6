// gindeploy:host:ContainerService — runs the app's image by digest under systemd on any SSH host
// with Docker (container mode), one health-gated release at a time, without refusing or cutting a
// request (see components/container/renderers/units.ts for the two-slot design).
//
// Over SSH it creates a root-only staging folder, uploads the units and the install/uninstall
// scripts, writes the env file from stdin (secrets only there), logs in to the registry when it has
// credentials (the password on stdin), and runs host/install-container.sh release. A
// release that does not answer /healthz with the new version fails `pulumi up` with the container's
// last 50 log lines while the previous digest keeps serving. Every step is triggered by content
// hashes, so an unchanged release runs nothing; deleting the component uninstalls everything
// (except a stateVolume, unless removeStateOnDestroy).
//
// An ordinary Gin app runs unmodified with: healthCheck.path (e.g. "/"), versionCheck: false (the
// release is then known by its digest), stateVolume (its data kept across releases; the root
// filesystem stays read-only) and args/workingDirectory. The release options and their defaults
// are systemd mode's too (shared/renderers/releaseOptions.ts).

import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";

import { ImageRegistry } from "./imageRegistry";
import { containerLayout, DEFAULT_STOP_TIMEOUT_SECONDS, defaultSlotPorts, Slot } from "./layout";
import { resolveContainerAppOptions } from "./renderers/appOptions";
import { ReleaseOptions, RELEASE_DEFAULTS } from "../shared/renderers/releaseOptions";
import { renderContainerCloudInit } from "./renderers/cloudInit";
import { renderContainerCommands, renderLoginCommand } from "./renderers/commands";
import { renderContainerContract } from "./renderers/contract";
import { renderContainerEnvFile } from "./renderers/envFile";
import { containerAppUnitNames, containerLogsCommand, containerNames, liveContainerCommand } from "./renderers/operatorCommands";
import { settingsTrigger } from "../shared/settingsTrigger";
import { hostLibraryPath } from "../shared/hostLibrary";
import { renderContainerUnits } from "./renderers/units";
import { shellQuote } from "../shared/renderers/shellQuote";

export interface ContainerServiceArgs extends ReleaseOptions {
    connection: pulumi.Input<command.types.input.remote.ConnectionArgs>;
    /** REPOSITORY@sha256:... (AppImage.imageRef). */
    imageRef: pulumi.Input<string>;
    /** What /version must report after the release; needed unless versionCheck is false. */
    version?: pulumi.Input<string>;
    /** The public port the .socket unit owns on the host. */
    port: pulumi.Input<number>;
    /** Non-secret app settings (APP_ENV, LOG_LEVEL, DB_HOST, ...); HOST and PORT belong to the slot. */
    environment: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Secret app settings (DB_PASSWORD, ...): only ever in the host's 0600 env file. Default {} (none). */
    secretEnvironment?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Credentials for `docker login` on the host; none for an open registry (the local one). */
    registry?: pulumi.Input<ImageRegistry>;
    /** Default "gin-app": units, containers and folders derive from it. */
    serviceName?: string;
    /** Loopback ports of the two slots; default port+1 and port+2. */
    slotPorts?: { blue: number; green: number };
    /** The older spelling of healthCheck.timeoutSeconds (default 60). */
    healthTimeoutSeconds?: number;
    /** Seconds `docker stop` lets the app drain; default 30 (above the app's SHUTDOWN_TIMEOUT 20 s). */
    stopTimeoutSeconds?: number;
    /**
     * The app's data, kept across releases and shared by both slots: a named Docker volume
     * (`<serviceName>-state`) mounted read-write at mountPath (default "/data"), its root owned by
     * uid:gid (default 65532, the reference image's user; gid defaults to uid). Destroy keeps it
     * unless removeStateOnDestroy (default false). The image's own files at mountPath are not copied
     * into it (volume-nocopy). Point the app at it through `environment`
     * (e.g. DATA_DIR=/data).
     */
    stateVolume?: { mountPath?: string; uid?: number; gid?: number; removeStateOnDestroy?: boolean };
    /** @deprecated The older spelling of workingDirectory (an absolute container path; default the image's). */
    workingDir?: string;
    /**
     * The container runs as its image's user (`docker run --user`, from the image's USER). An image
     * whose user is root or unset is refused at release, naming the image; true runs it as root
     * anyway (it still has no capabilities and a read-only root). Default false.
     */
    allowRootUser?: boolean;
}

export interface ContainerFirstBootArgs {
    /** The AWS region of the ECR registry. */
    region: string;
    registryServer: string;
    /** As given to ContainerService; default "gin-app". */
    serviceName?: string;
    port: number;
    slotPorts?: Record<Slot, number>;
    stopTimeoutSeconds?: number;
    /** As given to ContainerService, so the first boot installs the units the release would. */
    stateVolume?: ContainerServiceArgs["stateVolume"];
    args?: string[];
    workingDirectory?: string;
    /** @deprecated The older spelling of workingDirectory. */
    workingDir?: string;
}

const hostScriptsDir = path.join(__dirname, "host");

function sha256(text: string | Buffer): string {
    return createHash("sha256").update(text).digest("hex");
}

/** A resource-name-safe form of a unit file name (gin-app-slot@.socket -> gin-app-slot-socket). */
function unitResourceSuffix(unitFile: string): string {
    return unitFile.replace(/@/g, "").replace(/[^A-Za-z0-9-]/g, "-");
}

export class ContainerService extends pulumi.ComponentResource {
    /**
     * Cloud-init user data for an EC2 host this service will run on: Docker, the ECR login with the
     * instance role, and the same units the release would install (so the first release only
     * starts a slot). No secret goes here.
     */
    static firstBootUserData(a: ContainerFirstBootArgs): string {
        const serviceName = a.serviceName ?? "gin-app";
        const o = resolveContainerAppOptions(serviceName, { ...a, versionGiven: true });
        return renderContainerCloudInit({
            region: a.region,
            registryServer: a.registryServer,
            claimPath: containerLayout(serviceName).claimMarker,
            units: renderContainerUnits({
                serviceName,
                port: a.port,
                slotPorts: a.slotPorts ?? defaultSlotPorts(a.port),
                stopTimeoutSeconds: a.stopTimeoutSeconds ?? DEFAULT_STOP_TIMEOUT_SECONDS,
                stateVolume: o.stateVolume,
                workingDirectory: o.workingDirectory,
                args: o.args,
            }),
        });
    }

    readonly serviceName: pulumi.Output<string>;
    /** The digest the host serves, known once the release passed its checks. */
    readonly imageRef: pulumi.Output<string>;
    /** The units the app runs in, one per slot: ["gin-app-container@blue.service", "gin-app-container@green.service"]. */
    readonly appUnits: pulumi.Output<string[]>;
    /** The slots' containers: ["gin-app-blue", "gin-app-green"]; one of them is live (liveContainerCommand). */
    readonly containers: pulumi.Output<string[]>;
    /** A command for the host (as root) that prints the live container, the slot the last release switched to. */
    readonly liveContainerCommand: pulumi.Output<string>;
    /** A command for the host (as root) that shows the app's log from both slots' units (`journalctl -u … -u …`; add -f or -n N). */
    readonly logsCommand: pulumi.Output<string>;

    constructor(name: string, args: ContainerServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        // A bad option is refused before anything, this component included, is registered.
        const serviceName = args.serviceName ?? "gin-app";
        const o = resolveContainerAppOptions(serviceName, { ...args, versionGiven: args.version !== undefined });
        super("gindeploy:host:ContainerService", name, {}, opts);
        const connection = args.connection;
        const healthTimeoutSeconds = o.healthTimeoutSeconds;
        const stopTimeoutSeconds = args.stopTimeoutSeconds ?? DEFAULT_STOP_TIMEOUT_SECONDS;
        // What the units hold beyond the ports (each key only when asked for).
        const unitOptions = { stateVolume: o.stateVolume, workingDirectory: o.workingDirectory, args: o.args };
        const commandOptions = {
            healthPath: o.healthPath,
            versionCheck: o.versionCheck,
            stateVolume: o.stateVolume,
            drainTimeoutSeconds: o.drainTimeoutSeconds,
            // Only when set, so the triggers of a service that does not use it stay as they were.
            ...(o.allowRootUser ? { allowRootUser: true } : {}),
        };
        // A changed command alone does not re-run a release (pulumi-command#37): the options it
        // carries are a trigger, and only when one differs from what the reference app runs with
        // (the stack gives it drain 0), so its triggers stay as they were.
        const optionsSet =
            o.healthPath !== RELEASE_DEFAULTS.healthPath ||
            !o.versionCheck ||
            o.stateVolume ||
            o.drainTimeoutSeconds > 0 ||
            o.allowRootUser;
        const releaseOptionTriggers = optionsSet ? [sha256(JSON.stringify(commandOptions))] : [];

        const port = pulumi.output(args.port);
        const slotPorts = port.apply((p): Record<Slot, number> => args.slotPorts ?? defaultSlotPorts(p));
        const units = pulumi
            .all([port, slotPorts])
            .apply(([p, sp]) => renderContainerUnits({ serviceName, port: p, slotPorts: sp, stopTimeoutSeconds, ...unitOptions }));
        const commands = pulumi.all([args.imageRef, args.version, port, slotPorts]).apply(([imageRef, version, p, sp]) =>
            renderContainerCommands({
                serviceName,
                imageRef,
                version,
                port: p,
                slotPorts: sp,
                healthTimeoutSeconds,
                ...commandOptions,
            }),
        );
        const envFile = pulumi.secret(
            pulumi
                .all([pulumi.output(args.environment), pulumi.output(args.secretEnvironment ?? {})])
                .apply(([environment, secretEnvironment]) => renderContainerEnvFile(environment, secretEnvironment)),
        );
        // The settings by name (secrets as secret digests): a reviewer sees which changed.
        const envHash = settingsTrigger(args.environment, args.secretEnvironment);

        // The staging folder's paths do not depend on the release; render them once with a dummy ref.
        const layout = renderContainerCommands({
            serviceName,
            imageRef: `x/x@sha256:${"0".repeat(64)}`,
            version: "0",
            port: 1,
            slotPorts: { blue: 2, green: 3 },
            healthTimeoutSeconds,
            ...commandOptions,
        });

        const staging = new command.remote.Command(
            `${name}-staging`,
            {
                connection,
                create: layout.prepare,
                addPreviousOutputInEnv: false,
            },
            { parent: this },
        );
        const afterStaging = { parent: this, dependsOn: [staging] };

        const scriptUpload = (local: string, remotePath: string, suffix: string) => {
            return new command.remote.CopyToRemote(
                `${name}-${suffix}`,
                {
                    connection,
                    source: new pulumi.asset.FileAsset(local),
                    remotePath,
                    triggers: [sha256(fs.readFileSync(local))],
                },
                afterStaging,
            );
        };
        const installScript = scriptUpload(path.join(hostScriptsDir, "install-container.sh"), layout.installScriptPath, "install-script");
        const uninstallScript = scriptUpload(
            path.join(hostScriptsDir, "uninstall-container.sh"),
            layout.uninstallScriptPath,
            "uninstall-script",
        );
        const installScriptSha = sha256(fs.readFileSync(path.join(hostScriptsDir, "install-container.sh")));
        // The scripts' shared helpers, and the host contract: the paths and rules they read.
        const lib = scriptUpload(hostLibraryPath, layout.libPath, "script-lib");
        const libSha = sha256(fs.readFileSync(hostLibraryPath));
        const contract = renderContainerContract(serviceName);
        const contractUpload = new command.remote.CopyToRemote(
            `${name}-contract`,
            {
                connection,
                source: new pulumi.asset.StringAsset(contract),
                remotePath: layout.contractPath,
                triggers: [contract],
            },
            afterStaging,
        );
        const scriptsReady = [installScript, lib, contractUpload];

        // Removing the component uninstalls the service. No triggers: never replaced (a replacement
        // would run the uninstall after a release); deleted before the uninstall script's upload is.
        new command.remote.Command(
            `${name}-uninstall`,
            {
                connection,
                create: `test -f ${shellQuote(layout.uninstallScriptPath)}`,
                delete: layout.uninstall,
                addPreviousOutputInEnv: false,
            },
            { parent: this, dependsOn: [uninstallScript, lib, contractUpload] },
        );

        // Unit names are fixed by the service name; only their contents follow the port settings.
        const unitFiles = renderContainerUnits({
            serviceName,
            port: 1,
            slotPorts: { blue: 2, green: 3 },
            stopTimeoutSeconds,
            ...unitOptions,
        }).map((u) => path.posix.basename(u.path));
        const unitUploads = unitFiles.map((file, i) => {
            const content = units.apply((us) => us[i].content);
            return new command.remote.CopyToRemote(
                `${name}-unit-${unitResourceSuffix(file)}`,
                {
                    connection,
                    source: content.apply((text) => new pulumi.asset.StringAsset(text)),
                    remotePath: `${layout.unitsDir}/${file}`,
                    // The text itself, not its hash: the preview shows a changed unit as a line diff.
                    triggers: [content],
                },
                afterStaging,
            );
        });
        const unitsHash = units.apply((us) => sha256(us.map((u) => `${u.path}\0${u.content}`).join("\0")));

        const env = new command.remote.Command(
            `${name}-env`,
            {
                connection,
                create: layout.writeEnv,
                // The env file, secrets included, reaches the host only through stdin.
                stdin: envFile,
                triggers: [envHash, installScriptSha, libSha, sha256(contract)],
                logging: command.types.enums.remote.Logging.Stderr,
                addPreviousOutputInEnv: false,
            },
            { parent: this, dependsOn: scriptsReady, additionalSecretOutputs: ["stdout", "stderr"] },
        );

        const releaseDeps: pulumi.Resource[] = [...scriptsReady, env, ...unitUploads];
        if (args.registry) {
            const registry = pulumi.output(args.registry);
            // Only the password is secret; the server and user name go on the command line in the clear.
            const server = pulumi.unsecret(registry.apply((r) => r.server));
            const username = pulumi.unsecret(registry.apply((r) => r.username ?? ""));
            const login = new command.remote.Command(
                `${name}-login`,
                {
                    connection,
                    create: pulumi.all([server, username]).apply(([s, u]) => renderLoginCommand(serviceName, s, u)),
                    stdin: pulumi.secret(registry.apply((r) => r.password ?? "")),
                    triggers: [server, username, pulumi.secret(registry.apply((r) => sha256(r.password ?? "")))],
                    logging: command.types.enums.remote.Logging.Stderr,
                    addPreviousOutputInEnv: false,
                },
                { parent: this, dependsOn: scriptsReady, additionalSecretOutputs: ["stdout", "stderr"] },
            );
            releaseDeps.push(login);
        }

        const release = new command.remote.Command(
            `${name}-release`,
            {
                connection,
                create: commands.release,
                // Any change of what the host runs re-runs the release; nothing else does.
                triggers: [
                    args.imageRef,
                    args.version ?? "",
                    port,
                    slotPorts,
                    envHash,
                    unitsHash,
                    installScriptSha,
                    libSha,
                    sha256(contract),
                    ...releaseOptionTriggers,
                ],
                // stderr carries the progress and, on failure, the reason with the new container's last
                // 50 log lines (S4): shown to the user. stdout holds only the release's summary line.
                // Both are stored encrypted, as systemd mode's: the app's log lines may hold anything.
                logging: command.types.enums.remote.Logging.Stderr,
                addPreviousOutputInEnv: false,
            },
            { parent: this, dependsOn: releaseDeps, additionalSecretOutputs: ["stdout", "stderr"] },
        );

        this.serviceName = pulumi.output(serviceName);
        this.imageRef = pulumi.all([args.imageRef, release.id]).apply(([imageRef]) => imageRef);
        this.appUnits = pulumi.output(containerAppUnitNames(serviceName));
        this.containers = pulumi.output(containerNames(serviceName));
        this.liveContainerCommand = pulumi.output(liveContainerCommand(serviceName));
        this.logsCommand = pulumi.output(containerLogsCommand(serviceName));
        this.registerOutputs({
            serviceName: this.serviceName,
            imageRef: this.imageRef,
            appUnits: this.appUnits,
            containers: this.containers,
            liveContainerCommand: this.liveContainerCommand,
            logsCommand: this.logsCommand,
        });
    }
}
