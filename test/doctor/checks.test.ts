// Doctor's host checks and the attribution of symptoms to causes, on what host-facts.sh printed
// on the suite's host in each planted state (test/doctor/fixtures/host-facts/, recorded by
// plantedCauses.test.ts with GIN_DEPLOY_RECORD_FIXTURES=1). Runs everywhere: no host, no Docker.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

import { attribute } from "../../scripts/doctor/attribution";
import { architectureCheck, interpreterCheck } from "../../scripts/doctor/binaryChecks";
import { CheckResult, fail } from "../../scripts/doctor/check";
import { parseHostFacts } from "../../scripts/doctor/hostFacts";
import { hostFirewallCheck, listenAddressCheck, portOwnerCheck } from "../../scripts/doctor/networkChecks";
import { clockCheck, diskSpaceCheck } from "../../scripts/doctor/resourceChecks";
import { serviceStateCheck } from "../../scripts/doctor/serviceChecks";

const dir = path.join(__dirname, "fixtures", "host-facts");
const ctx = { appPort: 8080, serviceName: "gin-app", mode: "systemd" as const };

function hostChecks(name: string): CheckResult[] {
    const f = parseHostFacts(fs.readFileSync(path.join(dir, `${name}.txt`), "utf8"));
    return [
        listenAddressCheck(f, ctx),
        portOwnerCheck(f, ctx),
        hostFirewallCheck(f, ctx),
        architectureCheck(f, ctx),
        interpreterCheck(f, ctx),
        serviceStateCheck(f, ctx),
        diskSpaceCheck(f, ctx),
        clockCheck(f, ctx, f.epochSeconds, 0),
    ];
}

describe("doctor's host checks on recorded host facts", function () {
    it("the clean host: every check passes", () => {
        const failed = hostChecks("clean").filter((c) => c.status === "fail");
        assert.deepStrictEqual(failed, []);
    });

    const expected: Record<string, string> = {
        "loopback-only": "listen-address",
        "host-firewall": "host-firewall",
        "wrong-architecture": "binary-arch",
        "missing-interpreter": "binary-libc",
        "crash-loop": "service-state",
        "port-taken": "port-owner",
        "disk-full": "disk-space",
    };
    for (const [cause, checkId] of Object.entries(expected)) {
        it(`${cause}: check ${checkId} names it, and it is the only root cause (with the URL failing from outside)`, function () {
            if (!fs.existsSync(path.join(dir, `${cause}.txt`))) this.skip();
            const checks = hostChecks(cause);
            const named = checks.find((c) => c.id === checkId);
            assert.strictEqual(named?.status, "fail", JSON.stringify(checks, null, 1));
            assert.strictEqual(named?.cause, cause);
            // As from outside: the URL fails with a symptom every host cause explains.
            const outside = fail("reachable", "outside", "url", "no answer", "blocked", ctx, {
                explainedBy: [
                    "loopback-only",
                    "host-firewall",
                    "wrong-architecture",
                    "missing-interpreter",
                    "crash-loop",
                    "service-stopped",
                    "port-taken",
                    "nothing-listens",
                ],
            });
            const withOutside = cause === "disk-full" ? checks : [outside, ...checks];
            assert.deepStrictEqual(attribute(withOutside).causes, [cause]);
        });
    }

    it("nftables: a drop rule or a drop policy without an accept blocks; an accept passes", () => {
        const f = parseHostFacts(fs.readFileSync(path.join(dir, "clean.txt"), "utf8"));
        const ruleset = (body: string) => ({
            ...f,
            nft: `table inet filter {\n\tchain input {\n\t\ttype filter hook input priority filter; ${body}\n\t}\n}`,
        });
        assert.strictEqual(hostFirewallCheck(ruleset("policy drop;\n\t\ttcp dport 22 accept"), ctx).status, "fail");
        assert.strictEqual(hostFirewallCheck(ruleset("policy drop;\n\t\ttcp dport { 22, 8080 } accept"), ctx).status, "pass");
        assert.strictEqual(hostFirewallCheck(ruleset("policy accept;\n\t\ttcp dport 8080 reject"), ctx).status, "fail");
        assert.strictEqual(hostFirewallCheck({ ...f, ufw: "Status: active\n\nTo Action From\n22/tcp ALLOW Anywhere" }, ctx).status, "fail");
        assert.strictEqual(
            hostFirewallCheck({ ...f, ufw: "Status: active\n\nTo Action From\n8080/tcp ALLOW Anywhere" }, ctx).status,
            "pass",
        );
        assert.strictEqual(
            hostFirewallCheck({ ...f, iptables: "-P INPUT DROP\n-A INPUT -p tcp --dport 22 -j ACCEPT" }, ctx).status,
            "fail",
        );
    });

    it("a skewed clock and a cut-off facts output", () => {
        const f = parseHostFacts(fs.readFileSync(path.join(dir, "clean.txt"), "utf8"));
        assert.strictEqual(clockCheck(f, ctx, f.epochSeconds + 120, 1).cause, "clock-skew");
        assert.throws(() => parseHostFacts("=== uname\nx86_64\n"), /incomplete/);
    });
});
