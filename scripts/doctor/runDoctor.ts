// Runs doctor's table against one target: the checks from this machine, then (over SSH) the
// host's facts through host-facts.sh and every check group on them, then the attribution of
// symptoms to root causes.

import * as fs from "fs";
import * as path from "path";

import { asRoot } from "../../components/shared/renderers/asRoot";

import { CheckResult, fail, skip } from "./check";
import { attribute } from "./attribution";
import { architectureCheck, interpreterCheck } from "./binaryChecks";
import { HostFacts, parseHostFacts } from "./hostFacts";
import { HostShell } from "./hostShell";
import { DoctorTarget } from "./inputs";
import { hostFirewallCheck, listenAddressCheck, portOwnerCheck, securityGroupCheck } from "./networkChecks";
import { reachabilityCheck, versionCheck } from "./outsideChecks";
import { clockCheck, diskSpaceCheck } from "./resourceChecks";
import { serviceStateCheck } from "./serviceChecks";

export interface DoctorReport {
    target: Omit<DoctorTarget, "ssh" | "securityGroupIngress"> & { ssh?: string };
    checks: CheckResult[];
    /** The root causes found; empty when every check passed. */
    causes: string[];
    ok: boolean;
    seconds: number;
}

const HOST_CHECKS = ["listen-address", "port-owner", "host-firewall", "binary-arch", "binary-libc", "service-state", "disk-space", "clock"];

/** The host's facts over SSH; throws with the reason when the host cannot be reached. */
export async function gatherHostFacts(target: DoctorTarget): Promise<{ facts: HostFacts; localEpoch: number; roundTrip: number }> {
    if (!target.ssh) throw new Error("no SSH target");
    const shell = await HostShell.connect(target.ssh);
    try {
        const script = fs.readFileSync(path.join(__dirname, "host-facts.sh"), "utf8");
        const started = Date.now();
        const args = ["--service", target.serviceName, "--port", String(target.appPort), "--mode", target.mode];
        // As root (ss names a port's process, the journal and units are readable): sudo -n for a sudo user, as every deploy step.
        const res = await shell.exec(asRoot(`bash -s -- ${args.join(" ")}`), script);
        const ended = Date.now();
        if (res.code !== 0) throw new Error(`host-facts.sh exited ${res.code}: ${res.stderr.trim()}`);
        return { facts: parseHostFacts(res.stdout), localEpoch: (started + ended) / 2000, roundTrip: (ended - started) / 1000 };
    } finally {
        shell.close();
    }
}

export async function runDoctor(target: DoctorTarget): Promise<DoctorReport> {
    const started = process.hrtime.bigint();
    const ctx = {
        appPort: target.appPort,
        serviceName: target.serviceName,
        url: target.url,
        expectedVersion: target.expectedVersion,
        mode: target.mode,
    };
    const checks: CheckResult[] = [];

    const outside = await reachabilityCheck({
        ...ctx,
        url: target.url,
        attempts: target.attempts,
        timeoutMs: target.timeoutMs,
        securityGroupIngress: target.securityGroupIngress,
        securityGroupId: target.securityGroupId,
    });
    checks.push(outside.result);
    checks.push(versionCheck(outside.probe, { ...ctx, expectedVersion: target.expectedVersion, expectedFrom: target.expectedFrom }));
    if (target.targetKind === "aws") checks.push(securityGroupCheck(target.securityGroupIngress, target.securityGroupId, ctx));

    if (target.targetKind === "kubernetes") {
        for (const id of HOST_CHECKS)
            checks.push(
                skip(id, "network", id, "kubernetes target: the cluster checks are not part of doctor yet (kubectl describe / logs)"),
            );
    } else if (!target.ssh) {
        for (const id of HOST_CHECKS) checks.push(skip(id, "network", id, "no SSH target (--ssh HOST:PORT --key FILE)"));
    } else {
        let gathered: Awaited<ReturnType<typeof gatherHostFacts>> | undefined;
        try {
            gathered = await gatherHostFacts(target);
        } catch (err) {
            checks.push(
                fail(
                    "ssh",
                    "network",
                    `SSH to ${target.ssh.user}@${target.ssh.host}:${target.ssh.port}`,
                    (err as Error).message,
                    "unreachable-host",
                    ctx,
                ),
            );
        }
        if (gathered) {
            const f = gathered.facts;
            checks.push(listenAddressCheck(f, ctx), portOwnerCheck(f, ctx), hostFirewallCheck(f, ctx));
            checks.push(architectureCheck(f, ctx), interpreterCheck(f, ctx));
            checks.push(serviceStateCheck(f, ctx));
            checks.push(diskSpaceCheck(f, ctx), clockCheck(f, ctx, gathered.localEpoch, gathered.roundTrip));
        }
    }
    const attributed = attribute(checks);
    const { ssh, securityGroupIngress, ...rest } = target;
    void securityGroupIngress;
    return {
        target: { ...rest, ssh: ssh ? `${ssh.user}@${ssh.host}:${ssh.port} (key ${ssh.keyPath})` : undefined },
        checks: attributed.checks,
        causes: attributed.causes,
        ok: attributed.checks.every((c) => c.status !== "fail"),
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
    };
}

/** The table as text: one line per check, the fix under each failure, the causes at the end. */
export function renderReport(r: DoctorReport): string {
    const lines: string[] = [];
    lines.push(
        `doctor: ${r.target.stack ? `stack ${r.target.stack}, ` : ""}${r.target.targetKind}/${r.target.mode}, ${r.target.url}${r.target.ssh ? `, ssh ${r.target.ssh}` : ""}`,
    );
    for (const n of r.target.notes) lines.push(`  note: ${n}`);
    lines.push("");
    for (const c of r.checks) {
        const mark = c.status === "pass" ? "PASS" : c.status === "skip" ? "SKIP" : "FAIL";
        lines.push(`${mark}  ${c.title}`);
        lines.push(`      ${c.detail}`);
        if (c.status === "fail") {
            if (c.attributedTo) {
                lines.push(`      a consequence of ${c.attributedTo}: see that check`);
            } else {
                lines.push(`      cause: ${c.explanation} [${c.cause}]`);
                lines.push(`      fix: ${c.fix}`);
            }
            for (const e of c.evidence ?? []) lines.push(`      | ${e}`);
        }
    }
    lines.push("");
    lines.push(
        r.ok
            ? `all ${r.checks.length} checks pass (${r.seconds.toFixed(1)} s)`
            : `causes found: ${r.causes.join(", ")} (${r.checks.filter((c) => c.status === "fail").length} failed checks, ${r.seconds.toFixed(1)} s)`,
    );
    return lines.join("\n");
}
