// The table of local hosts (test/support/hosts.ts): no two take the same name or port, and the
// scripts that start a host of their own use the ports the table reserves for them.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

import { HOSTS, suiteHost } from "../support/hosts";

const ROOT = path.join(__dirname, "..", "..");

describe("the local hosts' table", () => {
    const entries = Object.entries(HOSTS);

    it("gives every host its own name, SSH port and app port", () => {
        const seen = new Map<string, string>();
        for (const [key, e] of entries) {
            for (const claim of [`name ${e.name}`, `port ${e.sshPort}`, `port ${e.appPort}`]) {
                assert.ok(!seen.has(claim), `${key} and ${seen.get(claim)} both take ${claim}`);
                seen.set(claim, key);
            }
        }
    });

    it("moves each host with variables of its own (one variable never names two hosts)", () => {
        const names = entries.flatMap(([, e]) => [e.env.name, e.env.sshPort, e.env.appPort]);
        assert.deepStrictEqual(
            names.filter((n, i) => names.indexOf(n) !== i),
            [],
        );
    });

    it("moves a host with its environment variables", () => {
        assert.deepStrictEqual(suiteHost("contract", {}), { name: "gd-contract", sshPort: 2232, appPort: 18132 });
        assert.deepStrictEqual(
            suiteHost("contract", {
                GIN_DEPLOY_CONTRACT_HOST_NAME: "x",
                GIN_DEPLOY_CONTRACT_SSH_PORT: "2999",
                GIN_DEPLOY_CONTRACT_APP_PORT: "18999",
            }),
            { name: "x", sshPort: 2999, appPort: 18999 },
        );
    });

    it("matches the defaults of the scripts that start their own host", () => {
        const sources: Record<string, string> = {
            local: fs.readFileSync(path.join(ROOT, "scripts", "deploy-local.ts"), "utf8"),
            bench: fs.readFileSync(path.join(ROOT, "scripts", "benchPreview.ts"), "utf8"),
            twin: fs.readFileSync(path.join(ROOT, "local", "ec2-twin", "twin.sh"), "utf8"),
        };
        for (const [key, text] of Object.entries(sources)) {
            const e = HOSTS[key as keyof typeof HOSTS];
            for (const value of [e.name, String(e.sshPort), String(e.appPort)]) {
                assert.ok(text.includes(value), `${e.owner}: its default ${value} is not the table's (test/support/hosts.ts)`);
            }
        }
    });
});
