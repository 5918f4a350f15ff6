// Doctor's checks from this machine: does the URL answer as the Gin service (the same probe and
// diagnosis as the release's ReachabilityCheck), and does it report the version the stack says
// it deployed.

import { CauseContext, CauseId } from "../../components/reachability/causes";
import { IngressRule } from "../../components/reachability/diagnosis";
import { probe, ProbeResult } from "../../components/reachability/probe";
import { CheckResult, fail, pass, skip } from "./check";

/** Everything on the host that makes the URL fail from outside. */
const HOST_CAUSES: CauseId[] = [
    "loopback-only",
    "host-firewall",
    "security-group-closed",
    "wrong-architecture",
    "missing-interpreter",
    "crash-loop",
    "service-stopped",
    "port-taken",
    "nothing-listens",
    // SSH fails too: the host itself is down or cut off.
    "unreachable-host",
];

export interface OutsideContext extends CauseContext {
    url: string;
    attempts: number;
    timeoutMs: number;
    securityGroupIngress?: IngressRule[];
    securityGroupId?: string;
}

export async function reachabilityCheck(ctx: OutsideContext): Promise<{ result: CheckResult; probe: ProbeResult }> {
    const title = `${ctx.url} answers from this machine as the Gin service`;
    const res = await probe({ ...ctx, expectedVersion: "", attempts: ctx.attempts, timeoutMs: ctx.timeoutMs, intervalMs: 1000 });
    if (res.ok) return { result: pass("reachable", "outside", title, res.observed), probe: res };
    const r = fail("reachable", "outside", title, `${res.observed} (${res.attempts} attempts)`, res.cause ?? "blocked", ctx, {
        explainedBy: HOST_CAUSES,
        fix: res.fix,
    });
    return { result: r, probe: res };
}

export function versionCheck(observed: ProbeResult, ctx: CauseContext & { expectedVersion?: string; expectedFrom: string }): CheckResult {
    const title = "the version that answers is the one the stack deployed";
    if (!ctx.expectedVersion) return skip("version", "stack", title, `no expected version (${ctx.expectedFrom}); pass --version V`);
    if (!observed.ok) return skip("version", "stack", title, "nothing answered (see above)");
    const m = /version (\S+)$/.exec(observed.observed);
    const got = m?.[1];
    if (got === ctx.expectedVersion) return pass("version", "stack", title, `${got} (${ctx.expectedFrom})`);
    return fail(
        "version",
        "stack",
        title,
        `answers ${got ?? "?"}, the stack deployed ${ctx.expectedVersion} (${ctx.expectedFrom})`,
        "old-release",
        ctx,
        { explainedBy: ["port-taken", "crash-loop", "service-stopped", "wrong-architecture", "missing-interpreter"] },
    );
}
