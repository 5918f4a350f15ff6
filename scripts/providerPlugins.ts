// The resource provider plugins the engine needs for a stack, and whether this machine has them.
// The engine loads a provider from $PULUMI_HOME/plugins (default ~/.pulumi/plugins) or, as an
// ambient plugin, from a pulumi-resource-<name> binary on PATH. Looking costs nothing, so callers
// check before anything changes (or before building the CLI).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface PluginRequirement {
    name: string;
    version: string;
}

/** The provider an npm package pins (its package.json "pulumi" block), e.g. "@pulumi/command". */
function pinnedPlugin(npmPackage: string): PluginRequirement {
    const pkg = JSON.parse(fs.readFileSync(require.resolve(`${npmPackage}/package.json`), "utf8")) as {
        pulumi: { name: string; version: string };
    };
    return { name: pkg.pulumi.name, version: pkg.pulumi.version.replace(/^v/, "") };
}

/** The command provider at the version @pulumi/command pins. */
export function commandPlugin(): PluginRequirement {
    return pinnedPlugin("@pulumi/command");
}

/** The providers a stack on an SSH host needs: command always; docker too in container mode (AppImage). */
export function pluginsForMode(mode: string): PluginRequirement[] {
    return mode === "container" ? [commandPlugin(), pinnedPlugin("@pulumi/docker")] : [commandPlugin()];
}

function isExecutable(p: string): boolean {
    try {
        fs.accessSync(p, fs.constants.X_OK);
        return fs.statSync(p).isFile();
    } catch {
        return false;
    }
}

/** Where the engine would find the plugin, or undefined. */
export function findPlugin(req: PluginRequirement, env: NodeJS.ProcessEnv = process.env): string | undefined {
    const binary = `pulumi-resource-${req.name}`;
    const home = env.PULUMI_HOME ?? path.join(os.homedir(), ".pulumi");
    const installed = path.join(home, "plugins", `resource-${req.name}-v${req.version}`, binary);
    // A plugin directory with a .partial marker is an interrupted install the engine ignores.
    if (isExecutable(installed) && !fs.existsSync(`${path.dirname(installed)}.partial`)) return installed;
    if (env.PULUMI_IGNORE_AMBIENT_PLUGINS !== "true") {
        for (const dir of (env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
            const candidate = path.join(dir, binary);
            if (isExecutable(candidate)) return candidate;
        }
    }
    return undefined;
}

/** The one message for a missing plugin: what, which version, and the ways to get it. */
export function missingPluginMessage(req: PluginRequirement): string {
    return [
        `The Pulumi resource plugin "${req.name}" v${req.version} (pulumi-resource-${req.name}, the version @pulumi/${req.name} pins) is not installed, so nothing was changed.`,
        `Get it one of these ways, then run this again:`,
        `  - on a machine with internet access: npm run pulumi -- plugin install resource ${req.name} ${req.version}`,
        `  - with a pulumi-resource-${req.name} binary you already have: put it on PATH,`,
        `    or install it: npm run pulumi -- plugin install resource ${req.name} ${req.version} --file <path-to-binary>`,
    ].join("\n");
}
