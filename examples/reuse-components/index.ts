// Another team's stack reusing gin-deploy's components: its own Go service on its own EC2 host,
// as a hardened systemd service. Nothing here reads gin-deploy's config: each component gets
// everything it needs as typed Args. It imports the package @gin-deploy/components, as a project
// of its own would (package.json; README.md says how to install it from the packed tarball).
//
//   cd examples/reuse-components && npm install && pulumi stack init demo
//   pulumi config set aws:region eu-central-1
//   pulumi config set sshCidr 198.51.100.7/32
//   pulumi config set sshPublicKey "$(cat ~/.ssh/id_ed25519.pub)"
//   pulumi config set --secret sshPrivateKey < ~/.ssh/id_ed25519
//   pulumi up
import * as pulumi from "@pulumi/pulumi";

// The subpaths load only the SDKs these components use (@pulumi/aws, @pulumi/command); the package's
// root, "@gin-deploy/components", loads every component and so needs @pulumi/docker and
// @pulumi/kubernetes installed too.
import { AppHost } from "@gin-deploy/components/aws";
import { GoBinary } from "@gin-deploy/components/build";
import { SystemdService } from "@gin-deploy/components/systemd";

const config = new pulumi.Config();
const port = 9000;

const host = new AppHost("reports", {
    instanceType: config.get("instanceType") ?? "c7g.large",
    appPort: port,
    appCidrs: ["10.0.0.0/8"], // reachable from inside the company network only
    sshCidrs: [config.require("sshCidr")],
    sshUser: "admin",
    sshPublicKey: config.require("sshPublicKey"),
    sshPrivateKey: config.requireSecret("sshPrivateKey"),
    tags: { team: "reports" },
});

// The binary follows the host: host.arch is arm64 for a Graviton instance type.
const binary = new GoBinary("reports", {
    moduleDir: config.get("moduleDir") ?? "../../app",
    goarch: host.arch,
    version: "v1.0.0",
    commit: "example",
    date: "2026-01-01T00:00:00Z",
    binaryName: "reports",
});

const service = new SystemdService("reports", {
    connection: host.connection,
    binaryPath: binary.path,
    binarySha256: binary.sha256,
    version: binary.version,
    port,
    environment: { APP_ENV: "production", LOG_LEVEL: "info" },
    serviceName: "reports",
});

export const url = host.appUrl;
export const arch = host.arch;
export const unit = service.unitName;
