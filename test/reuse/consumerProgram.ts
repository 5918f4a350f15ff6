// The program another team would write to deploy its own Gin app with the packed package: written
// into the scratch project as index.ts and compiled there with that project's own TypeScript, so it
// type-checks against the package's declarations as a consumer's would. It deploys the plain fixture
// (test/fixtures/plain-gin-app: r.Run() on PORT, no health or version route, no version variable;
// in systemd mode its database at ./../app.db and its files in ./files/items, relative to its
// working directory; in container mode both in DATA_DIR) without changing a line of it: the
// options below are all the fixture needs. The state layout (stateDirectory, workingDirectory) is
// the stack's config, so a release can change it on a host where the app already ran.
export const CONSUMER_PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { GoBinary } from "@gin-deploy/components/build";
import { SystemdService } from "@gin-deploy/components/systemd";
import { ContainerService } from "@gin-deploy/components/container";
import { AppImage } from "@gin-deploy/components/container/image";

export function main(): Record<string, pulumi.Input<unknown>> {
    const config = new pulumi.Config();
    const mode = config.require("mode");
    const port = config.requireNumber("port");
    const connection = {
        host: config.require("sshHost"),
        port: config.requireNumber("sshPort"),
        user: config.require("sshUser"),
        privateKey: config.requireSecret("sshPrivateKey"),
        // The host's key, pinned: a host presenting another is refused before anything is sent.
        hostKey: config.require("sshHostKey"),
    };
    // go-sqlite3 is a cgo driver: built with cgo, linked static, checked to load nothing. The app
    // stamps nothing: no version, commit or date.
    const binary = new GoBinary("items", {
        moduleDir: config.require("moduleDir"),
        goarch: config.require("goarch") as "amd64" | "arm64",
        binaryName: "items",
        cgo: "static",
        tags: ["sqlite_omit_load_extension"],
    });
    // GIN_MODE: gin's own switch; NOTE changes per release (the fixture does not read it).
    const settings = { GIN_MODE: "release", NOTE: config.require("note") };

    if (mode === "systemd") {
        const service = new SystemdService("items", {
            connection,
            binaryPath: binary.path,
            binarySha256: binary.sha256,
            port,
            serviceName: "items",
            environment: settings,
            // The app binds PORT itself, never sends READY=1, has no /healthz or /version.
            socketActivated: false,
            readiness: { httpPath: "/" },
            versionCheck: false,
            // e.g. "items" with "run": it runs in /var/lib/items/run and keeps ../app.db in /var/lib/items.
            stateDirectory: config.require("stateDirectory"),
            workingDirectory: config.require("workingDirectory"),
        });
        return {
            mode,
            version: service.version,
            stateDirectory: service.stateDirectoryPath,
            appUnits: service.appUnits,
            liveUnitCommand: service.liveUnitCommand,
            logsCommand: service.logsCommand,
        };
    }

    const image = new AppImage("items", {
        binaryPath: binary.path,
        platform: "linux/" + config.require("goarch"),
        version: "v1.0.0",
        commit: "consumer",
        date: "2026-01-01T00:00:00Z",
        registry: { server: config.require("registry"), repository: config.require("registry") + "/items" },
        runtimeImage: config.require("runtimeImage"),
    });
    const service = new ContainerService("items", {
        connection,
        imageRef: image.imageRef,
        port,
        serviceName: "items",
        environment: { ...settings, DATA_DIR: "/data" },
        healthCheck: { path: "/" },
        versionCheck: false,
        stateVolume: { mountPath: "/data" },
        // r.Run() exits at once on SIGTERM: the old slot is stopped only once its connections closed.
        drainTimeoutSeconds: 20,
    });
    return {
        mode,
        imageRef: service.imageRef,
        appUnits: service.appUnits,
        containers: service.containers,
        liveContainerCommand: service.liveContainerCommand,
        logsCommand: service.logsCommand,
    };
}
`;
