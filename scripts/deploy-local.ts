// `npm run deploy:local` / `npm run destroy:local`: the `local` stack with the real Pulumi engine.
//
// up:      checks the provider plugin first (before anything changes), then starts the local host,
//          creates or selects the stack (file backend, passphrase of this checkout), sets its config
//          (committed settings from Pulumi.local.yaml; secrets once, from stdin), recovers from an
//          interrupted earlier run (a dead process's lock, pending creates: scripts/stackRecovery.ts),
//          runs the update with the engine's progress, and fetches /version from the exported URL.
// destroy: destroys the stack, then stops the local host only if `up` started it.
import * as fs from "fs";
import * as path from "path";

import { HostSettings, hostStatus, repoRoot, startHost, stopHost } from "./localHost";
import {
    committedConfig,
    CONFIG_NAMESPACE,
    generatePassword,
    hostSettingsNotice,
    settingsForHost,
    settingsFromHost,
} from "./localStackConfig";
import { engineFailureText } from "./engineFailure";
import { servedVersion } from "./servedVersion";
import { engineEnv, hostArchitecture, openStack } from "./localWorkspace";
import { findPlugin, missingPluginMessage, pluginsForMode } from "./providerPlugins";
import { recoverStack } from "./stackRecovery";

const STACK = "local";
const stateDir = path.join(repoRoot, ".gin-deploy");
const workDir = path.join(stateDir, "workspace");
// Present while the host runs because `up` started it, so `destroy` stops only what `up` started.
const startedMarker = path.join(stateDir, "local-host.started-by-deploy-local");
// Whether the engine's stdout already went to the terminal (so a failure does not repeat it).
let streamed = false;

function hostSettings(): HostSettings {
    return {
        name: process.env.GIN_DEPLOY_HOST_NAME ?? "gin-deploy-host",
        sshPort: Number(process.env.GIN_DEPLOY_HOST_SSH_PORT ?? 2222),
        appPort: Number(process.env.GIN_DEPLOY_HOST_APP_PORT ?? 18080),
    };
}

/** Checks the providers the stack's mode needs; prints the one message for the first missing. */
function pluginsPresent(): boolean {
    const mode = committedConfig()[`${CONFIG_NAMESPACE}:mode`] ?? "systemd";
    for (const plugin of pluginsForMode(mode)) {
        const found = findPlugin(plugin);
        if (!found) {
            console.error(missingPluginMessage(plugin));
            return false;
        }
        console.log(`provider plugin: ${plugin.name} v${plugin.version} at ${found}`);
    }
    return true;
}

async function up(): Promise<number> {
    if (!pluginsPresent()) return 1;

    const env = engineEnv();
    console.log(`pulumi CLI: ${env.pulumi}; backend: ${env.backendUrl}`);

    const settings = hostSettings();
    const wasRunning = hostStatus(settings).running;
    const host = startHost(settings);
    if (!wasRunning) fs.writeFileSync(startedMarker, `${host.name}\n`);

    const arch = { [`${CONFIG_NAMESPACE}:hostArch`]: hostArchitecture(host) };
    const stackSettings = settingsForHost(host, { dbPassword: generatePassword() }, arch);
    for (const line of hostSettingsNotice(
        host.name,
        { ...settingsFromHost(host), ...arch },
        committedConfig(),
        path.relative(repoRoot, path.join(workDir, `Pulumi.${STACK}.yaml`)),
    )) {
        console.log(`deploy:local: ${line}`);
    }
    const stack = await openStack({
        stackName: STACK,
        workDir,
        env,
        settings: stackSettings,
        // A password generated on first use stays; the SSH key follows the host's key file.
        keepSecrets: [`${CONFIG_NAMESPACE}:dbPassword`],
    });

    // An earlier run killed midway leaves a lock and pending creates: clear them when that is
    // safe (the process is gone), or stop with the command that would.
    const recovery = await recoverStack({ stack: STACK, repoRoot, workDir, log: (l) => console.log(`deploy:local: ${l}`) }, env.backendUrl);
    if (!recovery.ok) {
        console.error(`deploy:local: ${recovery.message}`);
        return 1;
    }

    const result = await stack.up({
        onOutput: (out) => {
            streamed = true;
            process.stdout.write(out);
        },
        color: "auto",
    });
    const served = await servedVersion(result.outputs);
    if ("error" in served) {
        console.error(served.error);
        return 1;
    }
    const { url, version } = served;
    console.log(`\nThe service answers at ${url}\nversion: ${version} (exported: ${String(result.outputs.version?.value)})`);
    return 0;
}

async function destroy(): Promise<number> {
    const settings = hostSettings();
    let startedHere = false;
    if (fs.existsSync(path.join(workDir, `Pulumi.${STACK}.yaml`))) {
        if (!pluginsPresent()) return 1;
        const env = engineEnv();
        const status = hostStatus(settings);
        // The remote deletes need the host; it keeps its state in the container while stopped.
        startedHere = !status.running;
        const host = status.running ? status : startHost(settings);
        const stack = await openStack({
            stackName: STACK,
            workDir,
            env,
            settings: settingsForHost(host, { dbPassword: generatePassword() }, { hostArch: hostArchitecture(host) }),
            keepSecrets: [`${CONFIG_NAMESPACE}:dbPassword`],
        });
        const recovery = await recoverStack(
            { stack: STACK, repoRoot, workDir, log: (l) => console.log(`destroy:local: ${l}`) },
            env.backendUrl,
        );
        if (!recovery.ok) {
            console.error(`destroy:local: ${recovery.message}`);
            return 1;
        }
        await stack.destroy({
            onOutput: (out) => {
                streamed = true;
                process.stdout.write(out);
            },
            color: "auto",
        });
    } else {
        console.log(`no ${STACK} stack in ${workDir}: nothing to destroy`);
    }
    if (fs.existsSync(startedMarker) || startedHere) {
        stopHost(settings);
        fs.rmSync(startedMarker, { force: true });
    } else {
        console.log(`left ${settings.name} running: deploy:local did not start it`);
    }
    return 0;
}

async function main(): Promise<void> {
    const command = process.argv[2];
    if (command !== "up" && command !== "destroy") {
        console.error("usage: deploy-local.ts up|destroy");
        process.exit(2);
    }
    try {
        process.exit(command === "up" ? await up() : await destroy());
    } catch (err) {
        // Once, as the engine's own lines (not the Automation API's dump of stdout and stderr).
        console.error(`deploy:local ${command} failed:\n${engineFailureText(err, streamed)}`);
        process.exit(1);
    }
}

void main();
