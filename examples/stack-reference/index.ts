// A stack that builds on a deployed gin-deploy stack without importing any of its code: it reads
// the stack's outputs `url` and `version` (stack/outputs.ts) through a StackReference, and derives
// what a monitoring or DNS stack would need from them. Change nothing in gin-deploy for this: every
// stack exports `url` and `version`, whatever its target and mode.
//
//   cd examples/stack-reference && npm install && pulumi stack init dev
//   pulumi config set ginDeployStack organization/gin-deploy/dev   # <org>/gin-deploy/<stack>
//   pulumi up
//
// Both stacks must be on the same backend (for gin-deploy's own file backend, run this with its
// PULUMI_BACKEND_URL and PULUMI_CONFIG_PASSPHRASE_FILE: docs/engine.md).
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
const ginDeployStack = config.get("ginDeployStack") ?? "organization/gin-deploy/dev";
const expectedVersion = config.get("expectedVersion") ?? "";

const gin = new pulumi.StackReference("gin-deploy", { name: ginDeployStack });

// requireOutput: fail this stack's update, naming the output, if the gin-deploy stack does not
// export it (not deployed yet, or a different project).
const url = gin.requireOutput("url").apply((value) => String(value).replace(/\/+$/, ""));
const version = gin.requireOutput("version").apply((value) => {
    const release = String(value);
    if (expectedVersion !== "" && release !== expectedVersion) {
        throw new Error(`${ginDeployStack} serves ${release}, not the expected ${expectedVersion} (config gin-status:expectedVersion)`);
    }
    return release;
});

export const serviceUrl = url;
export const serviceVersion = version;
/** What a health check or an uptime monitor would probe: the service answers GET /healthz and GET /version. */
export const healthCheckUrl = pulumi.interpolate`${url}/healthz`;
export const versionUrl = pulumi.interpolate`${url}/version`;
/** The host name alone, for a DNS record (CNAME) pointing at the service. */
export const serviceHost = url.apply((u) => new URL(u).hostname);
