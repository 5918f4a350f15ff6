import * as assert from "assert";

import { renderContainerCommands, renderLoginCommand } from "../../../../components/renderers/container/commands";

const ref = `127.0.0.1:5000/gin-app@sha256:${"ab".repeat(32)}`;
const settings = { serviceName: "gin-app", imageRef: ref, version: "v1.2.3-4-gabc", port: 8080, slotPorts: { blue: 8081, green: 8082 }, healthTimeoutSeconds: 60 };

describe("container commands", () => {
  it("runs the uploaded install script's release with quoted, validated arguments", () => {
    assert.strictEqual(renderContainerCommands(settings).release,
      "bash '/var/lib/gin-deploy/gin-app/staging/install-container.sh' release --service 'gin-app' " +
      `--image '${ref}' --version 'v1.2.3-4-gabc' --port 8080 --slot-ports 8081,8082 --health-timeout 60 --strategy switch`);
  });

  it("stages in a root-only folder under a traversable state folder", () => {
    assert.strictEqual(renderContainerCommands(settings).prepare,
      "install -d -m 0755 '/var/lib/gin-deploy/gin-app' && install -d -m 0700 '/var/lib/gin-deploy/gin-app/staging' '/var/lib/gin-deploy/gin-app/staging/units'");
  });

  it("reads the env file from stdin: no setting on the command line", () => {
    assert.strictEqual(renderContainerCommands(settings).writeEnv, "bash '/var/lib/gin-deploy/gin-app/staging/install-container.sh' env --service 'gin-app'");
  });

  it("refuses an image by tag, a version that is not a plain word and a silly health timeout", () => {
    assert.throws(() => renderContainerCommands({ ...settings, imageRef: "127.0.0.1:5000/gin-app:v1" }), /must be pinned by digest/);
    assert.throws(() => renderContainerCommands({ ...settings, version: "v1; reboot" }), /version "v1; reboot" must be/);
    assert.throws(() => renderContainerCommands({ ...settings, healthTimeoutSeconds: 0 }), /healthTimeoutSeconds=0/);
  });

  it("logs in with the password on stdin, and not at all without credentials", () => {
    assert.strictEqual(renderLoginCommand("gin-app", "123456789012.dkr.ecr.eu-west-1.amazonaws.com", "AWS"),
      "bash '/var/lib/gin-deploy/gin-app/staging/install-container.sh' login --server '123456789012.dkr.ecr.eu-west-1.amazonaws.com' --username 'AWS'");
    assert.match(renderLoginCommand("gin-app", "127.0.0.1:5000", ""), /^echo 'registry 127\.0\.0\.1:5000: no credentials given, no docker login'$/);
    assert.throws(() => renderLoginCommand("gin-app", "https://x", "AWS"), /not a host name/);
  });
});
