import * as assert from "assert";

import { ECR_LOGIN_SCRIPT, renderContainerCloudInit } from "../../../../components/container/renderers/cloudInit";
import { renderContainerUnits } from "../../../../components/container/renderers/units";
import { ContainerService } from "../../../../components/container/containerService";
import { containerLayout } from "../../../../components/container/layout";

const units = renderContainerUnits({ serviceName: "gin-app", port: 8080, slotPorts: { blue: 8081, green: 8082 }, stopTimeoutSeconds: 30 });
const server = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";

describe("container cloud-init user data", () => {
    const text = renderContainerCloudInit({ region: "eu-west-1", registryServer: server, units });
    const config = JSON.parse(text.replace(/^#cloud-config\n/, "")) as {
        packages: string[];
        write_files: { path: string; content: string; permissions: string }[];
        runcmd: string[][];
    };

    it("is cloud-config: the header line, then the document", () => {
        assert.ok(text.startsWith("#cloud-config\n"));
    });

    it("installs Docker and the AWS CLI, logs in to ECR with the instance role and refreshes the login", () => {
        assert.deepStrictEqual(config.packages, ["docker.io", "curl", "awscli"]);
        const login = config.write_files.find((f) => f.path === ECR_LOGIN_SCRIPT);
        assert.ok(login);
        assert.match(
            login.content,
            new RegExp(
                `aws ecr get-login-password --region eu-west-1 \\\\\\n  \\| docker login --username AWS --password-stdin ${server.replace(/\./g, "\\.")}`,
            ),
        );
        assert.ok(config.runcmd.some((c) => c.join(" ") === "systemctl enable --now gin-deploy-ecr-login.timer"));
    });

    it("logs in last, after Docker runs: the boot step's wait for cloud-init then ends after the first login, and fails with it", () => {
        const commands = config.runcmd.map((c) => c.join(" "));
        assert.deepStrictEqual(commands[commands.length - 1], ECR_LOGIN_SCRIPT);
        assert.ok(commands.indexOf("systemctl enable --now docker.service") < commands.length - 1);
    });

    it("installs every container unit, and nothing secret", () => {
        for (const u of units)
            assert.ok(
                config.write_files.some((f) => f.path === u.path && f.content === u.content),
                u.path,
            );
        assert.doesNotMatch(text, /PASSWORD|\.env"/);
    });

    it("refuses a region that is not AWS's and a registry that is not a host, and logs in to any registry host", () => {
        assert.throws(() => renderContainerCloudInit({ region: "Frankfurt", registryServer: server, units }), /region "Frankfurt"/);
        assert.throws(
            () => renderContainerCloudInit({ region: "eu-west-1", registryServer: "https://x; reboot", units }),
            /not a registry host/,
        );
        // The EC2 twin's local registry stands in for ECR.
        assert.match(
            renderContainerCloudInit({ region: "eu-west-1", registryServer: "127.0.0.1:5000", units }),
            /--password-stdin 127\.0\.0\.1:5000/,
        );
    });

    it("ContainerService's first boot claims the service's name for the units it installs", () => {
        const text = ContainerService.firstBootUserData({ region: "eu-west-1", registryServer: "127.0.0.1:5000", port: 8080 });
        const doc = JSON.parse(text.replace(/^#cloud-config\n/, "")) as { write_files: { path: string; content: string }[] };
        const claim = doc.write_files.find((f) => f.path === containerLayout("gin-app").claimMarker);
        assert.ok(claim, `no claim of the name in the user data: ${doc.write_files.map((f) => f.path).join(", ")}`);
        assert.ok(doc.write_files.some((f) => f.path === "/etc/systemd/system/gin-app.socket"));
    });
});
