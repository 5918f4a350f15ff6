// Builds the app the way GoBinary does (same ldflags) and deploys it the way SystemdService does:
// the same staging folder, uploads, rendered units and env file, and the same install command
// with the env file on stdin.
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

import { renderEnvFile } from "../../components/systemd/renderers/envFile";
import { goBuildInvocation } from "../../components/build/goBuildCommand";
import {
    installReleaseCommand,
    prepareStagingCommand,
    releaseUploads,
    stagedUnitPath,
    uninstallCommand,
} from "../../components/systemd/renderers/releaseCommands";
import { resolveSystemdOptions, SystemdServiceOptions } from "../../components/systemd/renderers/serviceOptions";
import { renderFrontProxy, renderSlotUnits } from "../../components/systemd/renderers/slotUnits";
import { defaultSlotPorts } from "../../components/systemd/layout";
import { renderSystemdContract } from "../../components/systemd/renderers/contract";
import { renderSocketUnit } from "../../components/systemd/renderers/socketUnit";
import { renderServiceUnit } from "../../components/systemd/renderers/serviceUnit";
import { hostScript } from "../support/hostScripts";
import { repoRoot } from "../../scripts/localHost";
import { ExecResult, HostSession } from "./hostSession";

export interface BuiltBinary {
    path: string;
    sha256: string;
    /** The version stamped into the binary. */
    stampedVersion: string;
}

const buildDir = path.join(repoRoot, ".gin-deploy", "host-suite");

export function buildApp(stampedVersion: string): BuiltBinary {
    fs.mkdirSync(buildDir, { recursive: true });
    const outputPath = path.join(buildDir, `gin-app-${stampedVersion}`);
    const commit = execFileSync("git", ["rev-parse", "HEAD"], { cwd: repoRoot, encoding: "utf8" }).trim();
    const invocation = goBuildInvocation({
        goos: "linux",
        goarch: process.arch === "arm64" ? "arm64" : "amd64",
        stamp: { version: stampedVersion, commit, date: "2026-01-01T00:00:00Z" },
        cgoEnabled: false,
        packagePath: ".",
        outputPath,
    });
    execFileSync("go", invocation.args, {
        cwd: path.join(repoRoot, "app"),
        env: { ...process.env, ...invocation.env },
        stdio: ["ignore", "inherit", "inherit"],
    });
    const sha256 = createHash("sha256").update(fs.readFileSync(outputPath)).digest("hex");
    return { path: outputPath, sha256, stampedVersion };
}

export interface Release {
    binary: BuiltBinary;
    /** What /version must report (normally the stamped version). */
    version: string;
    environment: Record<string, string>;
    secretEnvironment: Record<string, string>;
    serviceName?: string;
    port?: number;
    healthTimeoutSec?: number;
    hostFirewall?: boolean;
}

export interface DeployResult extends ExecResult {
    seconds: number;
}

export async function deploy(host: HostSession, release: Release): Promise<DeployResult> {
    const serviceName = release.serviceName ?? "gin-app";
    const port = release.port ?? 8080;
    const started = process.hrtime.bigint();
    const up = releaseUploads(serviceName, release.binary.sha256);
    await host.run(prepareStagingCommand(serviceName));
    await host.upload(fs.readFileSync(hostScript("install-release.sh")), up.installScript);
    await host.upload(fs.readFileSync(hostScript("uninstall.sh")), up.uninstallScript);
    await host.upload(fs.readFileSync(hostScript("lib.sh")), up.lib);
    await host.upload(renderSystemdContract(serviceName), up.contract);
    await host.upload(fs.readFileSync(release.binary.path), up.binary);
    await host.upload(renderServiceUnit({ serviceName }), up.serviceUnit);
    await host.upload(renderSocketUnit({ serviceName, port }), up.socketUnit);
    // The defaults SystemdService gives the reference app (health path, timeout, version check).
    const o = resolveSystemdOptions(serviceName, { healthCheck: { timeoutSeconds: release.healthTimeoutSec } });
    const result = await host.exec(
        installReleaseCommand({
            serviceName,
            version: release.version,
            binarySha256: release.binary.sha256,
            port,
            hostFirewall: release.hostFirewall ?? false,
            healthTimeoutSec: o.healthTimeoutSec,
            healthPath: o.healthPath,
            versionCheck: o.versionCheck,
        }),
        renderEnvFile(release.environment, release.secretEnvironment),
    );
    return { ...result, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

export async function uninstall(host: HostSession, serviceName = "gin-app"): Promise<ExecResult> {
    return host.exec(uninstallCommand(serviceName));
}

// --- an ordinary Gin app (test/fixtures/plain-gin-app) with SystemdService's options ---------------

/** Builds the plain fixture as GoBinary would with cgo "static" (go-sqlite3); `buildId` makes each build's bytes differ. */
export function buildPlainApp(buildId: string): BuiltBinary {
    fs.mkdirSync(buildDir, { recursive: true });
    const outputPath = path.join(buildDir, `plain-gin-app-${buildId}`);
    const invocation = goBuildInvocation({
        goos: "linux",
        goarch: process.arch === "arm64" ? "arm64" : "amd64",
        stamp: { version: buildId, commit: "fixture", date: "2026-01-01T00:00:00Z" },
        cgo: "static",
        extraLdflags: [`-buildid=${buildId}`],
        packagePath: ".",
        outputPath,
    });
    execFileSync("go", invocation.args, {
        cwd: path.join(repoRoot, "test", "fixtures", "plain-gin-app"),
        env: { ...process.env, ...invocation.env },
        stdio: ["ignore", "ignore", "inherit"],
    });
    const sha256 = createHash("sha256").update(fs.readFileSync(outputPath)).digest("hex");
    return { path: outputPath, sha256, stampedVersion: buildId };
}

export interface OptionsRelease {
    binary: BuiltBinary;
    serviceName: string;
    port: number;
    environment: Record<string, string>;
    secretEnvironment: Record<string, string>;
    options: SystemdServiceOptions;
    /** Default: sha-<12 hex> as the component names a release without versionCheck. */
    version?: string;
}

/** What SystemdService uploads and runs for these options (the same renderers, the same order). */
export async function deployWithOptions(host: HostSession, r: OptionsRelease): Promise<DeployResult> {
    const started = process.hrtime.bigint();
    const { serviceName, port } = r;
    const o = resolveSystemdOptions(serviceName, r.options);
    const up = releaseUploads(serviceName, r.binary.sha256);
    const slotPorts = o.slotPorts ?? defaultSlotPorts(port);
    const slotUnits = o.socketActivated ? [] : renderSlotUnits({ serviceName, port, slotPorts, app: o.app });
    await host.run(prepareStagingCommand(serviceName));
    for (const script of ["install-release.sh", "uninstall.sh", "lib.sh"]) {
        await host.upload(fs.readFileSync(hostScript(script)), `${up.stagingDir}/${script}`);
    }
    await host.upload(
        renderSystemdContract(serviceName, { stateDirectory: o.stateDirectory, removeStateOnDestroy: o.removeStateOnDestroy }),
        up.contract,
    );
    await host.upload(fs.readFileSync(r.binary.path), up.binary);
    await host.upload(o.socketActivated ? renderServiceUnit({ serviceName, ...o.app }) : renderFrontProxy(serviceName), up.serviceUnit);
    await host.upload(renderSocketUnit({ serviceName, port }), up.socketUnit);
    for (const unit of slotUnits) await host.upload(unit.content, stagedUnitPath(serviceName, unit.name));
    const result = await host.exec(
        installReleaseCommand({
            serviceName,
            version: r.version ?? `sha-${r.binary.sha256.slice(0, 12)}`,
            binarySha256: r.binary.sha256,
            port,
            hostFirewall: false,
            healthTimeoutSec: o.healthTimeoutSec,
            healthPath: o.healthPath,
            versionCheck: o.versionCheck,
            ...(o.socketActivated ? {} : { slotPorts, drainTimeoutSec: o.drainTimeoutSec, extraUnits: slotUnits.map((u) => u.name) }),
        }),
        renderEnvFile(r.environment, r.secretEnvironment),
    );
    return { ...result, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}
