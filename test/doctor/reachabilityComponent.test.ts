// ReachabilityCheck under Pulumi mocks: what it registers (the inputs its dynamic provider gets),
// the aws security group's ingress read through the provider's invokes (egress rules left out),
// and the warning when it is switched off. The provider's own work is tested in probe.test.ts
// and through the real engine in engine.test.ts; this is the wiring only. The mocks stay set for
// the rest of the process: mocha runs this file after engine.test.ts (alphabetical order), and the
// files after it create no resources.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";

interface Registered {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}

describe("ReachabilityCheck's wiring (Pulumi mocks)", function () {
    const resources: Registered[] = [];
    const calls: string[] = [];
    let ReachabilityCheck: typeof import("../../components/reachability/reachabilityCheck").ReachabilityCheck;

    before(async function () {
        await pulumi.runtime.setMocks(
            {
                newResource: (args) => {
                    resources.push({ type: args.type, name: args.name, inputs: args.inputs });
                    return { id: `${args.name}-id`, state: { ...args.inputs, observed: "mocked", skipped: !args.inputs.enabled } };
                },
                call: (args) => {
                    calls.push(args.token);
                    if (args.token === "aws:vpc/getSecurityGroupRules:getSecurityGroupRules") return { ids: ["sgr-in", "sgr-out"] };
                    if (args.token === "aws:vpc/getSecurityGroupRule:getSecurityGroupRule") {
                        const egress = args.inputs.securityGroupRuleId === "sgr-out";
                        return {
                            isEgress: egress,
                            ipProtocol: egress ? "-1" : "tcp",
                            fromPort: egress ? 0 : 22,
                            toPort: egress ? 0 : 22,
                            cidrIpv4: "198.51.100.7/32",
                            cidrIpv6: "",
                        };
                    }
                    return {};
                },
            },
            "gin-deploy",
            "dev",
            false,
        );
        ({ ReachabilityCheck } = await import("../../components/reachability/reachabilityCheck"));
    });

    const settle = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));

    it("registers one check with the release's inputs and the security group's ingress rules only", async () => {
        const check = new ReachabilityCheck("gin-app", {
            url: "http://203.0.113.10:8080",
            expectedVersion: "v1.2.3",
            releaseId: "sha256:abc",
            appPort: 8080,
            securityGroupId: pulumi.output("sg-0abc"),
        });
        await settle(check.observed);
        const dyn = resources.find((r) => r.type === "pulumi-nodejs:dynamic/gindeploy:ReleaseReachability");
        assert.ok(dyn, JSON.stringify(resources.map((r) => r.type)));
        assert.strictEqual(dyn.name, "gin-app-check");
        assert.strictEqual(dyn.inputs.expectedVersion, "v1.2.3");
        assert.strictEqual(dyn.inputs.releaseId, "sha256:abc");
        assert.deepStrictEqual(
            [dyn.inputs.attempts, dyn.inputs.timeoutSeconds, dyn.inputs.intervalSeconds, dyn.inputs.enabled],
            [10, 5, 2, true],
        );
        assert.deepStrictEqual(dyn.inputs.securityGroupIngress, [
            { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["198.51.100.7/32"], ipv6CidrBlocks: [] },
        ]);
        assert.ok(
            typeof dyn.inputs.__provider === "string" && (dyn.inputs.__provider as string).includes("runCheck"),
            "the provider is serialized",
        );
        assert.deepStrictEqual(calls.filter((c) => c.endsWith("getSecurityGroupRule")).length, 2);
    });

    it("switched off: the check records why, and reads no security group on ssh targets", async () => {
        const before = calls.length;
        const check = new ReachabilityCheck("private", {
            url: "http://10.0.1.5:8080",
            expectedVersion: "v1",
            enabled: false,
            disabledReason: "private subnet",
        });
        assert.strictEqual(await settle(check.skipped), true);
        const dyn = resources.find((r) => r.name === "private-check");
        assert.strictEqual(dyn?.inputs.disabledReason, "private subnet");
        assert.strictEqual(dyn?.inputs.securityGroupIngress, undefined);
        assert.strictEqual(calls.length, before);
    });
});
