// Doctor's network checks on the host: what listens on the app port (all addresses or loopback
// only; the service or another process) and whether the host firewall lets the port in. Pure:
// facts in, results out.

import { CauseContext } from "../../components/reachability/causes";
import { IngressRule, securityGroupOpensPort } from "../../components/reachability/diagnosis";
import { CheckResult, fail, pass, skip } from "./check";
import { HostFacts } from "./hostFacts";

export interface NetworkContext extends CauseContext {
    appPort: number;
    serviceName: string;
    mode: "systemd" | "container";
}

function isLoopback(local: string): boolean {
    const host = local.slice(0, local.lastIndexOf(":"));
    return /^127\./.test(host) || host === "[::1]" || host === "::1" || host === "[::ffff:127.0.0.1]";
}

/** S2: something must listen on the port, on every address (or at least one that is not loopback). */
export function listenAddressCheck(f: HostFacts, ctx: NetworkContext): CheckResult {
    const title = `something listens on port ${ctx.appPort} on an address other hosts reach`;
    if (/Cannot open netlink|Operation not permitted|permission/i.test(f.listenRaw)) {
        return skip("listen-address", "network", title, `ss could not list sockets: ${f.listenRaw.split("\n")[0]}`);
    }
    if (f.listeners.length === 0) {
        return fail(
            "listen-address",
            "network",
            title,
            `nothing listens on port ${ctx.appPort} (ss -ltn 'sport = :${ctx.appPort}' is empty)`,
            "nothing-listens",
            ctx,
            { explainedBy: ["crash-loop", "service-stopped", "wrong-architecture", "missing-interpreter", "port-taken"] },
        );
    }
    const addresses = f.listeners.map((l) => l.local);
    if (addresses.every(isLoopback)) {
        return fail(
            "listen-address",
            "network",
            title,
            `port ${ctx.appPort} listens on ${addresses.join(", ")} only`,
            "loopback-only",
            ctx,
        );
    }
    return pass("listen-address", "network", title, `listening on ${addresses.join(", ")}`);
}

/** The processes holding the port must be the service's (or systemd's, which owns its socket). */
export function portOwnerCheck(f: HostFacts, ctx: NetworkContext): CheckResult {
    const title = `port ${ctx.appPort} belongs to ${ctx.serviceName}, not another process`;
    if (f.listeners.length === 0) return skip("port-owner", "network", title, "nothing listens on the port");
    const pids = [...new Set(f.listeners.flatMap((l) => l.pids))];
    if (pids.length === 0) return skip("port-owner", "network", title, "ss shows no processes (not root?)");
    const ours = (cgroup: string) => {
        const unit = cgroup.split("/").pop() ?? "";
        return unit === `${ctx.serviceName}.service` || unit.startsWith(`${ctx.serviceName}-`) || unit === `${ctx.serviceName}.socket`;
    };
    const strangers = pids
        .filter((pid) => pid !== 1)
        .map((pid) => f.processes.find((p) => p.pid === pid) ?? { pid, cgroup: "?", cmdline: "?" })
        .filter((p) => !ours(p.cgroup));
    if (strangers.length > 0 && !pids.includes(1)) {
        const who = strangers.map((p) => `pid ${p.pid} (${p.cmdline.slice(0, 120)}; ${p.cgroup})`).join(", ");
        return fail("port-owner", "network", title, `port ${ctx.appPort} is held by ${who}`, "port-taken", ctx);
    }
    return pass(
        "port-owner",
        "network",
        title,
        pids.includes(1) ? `systemd holds it (${ctx.serviceName}.socket)` : `held by the service (pid ${pids.join(", ")})`,
    );
}

function nftBlocks(ruleset: string, port: number): string | undefined {
    // Walk the chains hooked on input; a rule naming the port with drop/reject, or a drop policy
    // with no rule accepting the port, blocks it.
    const chains = ruleset.split(/\n(?=\s*chain\s)/);
    for (const chain of chains) {
        if (!/hook input/.test(chain)) continue;
        const lines = chain.split("\n").map((l) => l.trim());
        const portPattern = new RegExp(`dport\\s+(?:\\{[^}]*\\b${port}\\b[^}]*\\}|${port}\\b)`);
        for (const line of lines) {
            if (portPattern.test(line) && /\b(drop|reject)\b/.test(line)) return line;
        }
        const policyDrop = lines.some((l) => /policy drop/.test(l));
        const accepted = lines.some((l) => portPattern.test(l) && /\baccept\b/.test(l));
        if (policyDrop && !accepted) return `${lines.find((l) => /hook input/.test(l))} (no rule accepts ${port})`;
    }
    return undefined;
}

function ufwBlocks(status: string, port: number): string | undefined {
    if (!/^Status: active/m.test(status)) return undefined;
    const allowed = status.split("\n").some((l) => new RegExp(`^${port}(/tcp)?\\b.*ALLOW`).test(l.trim()));
    return allowed ? undefined : `ufw is active and has no ALLOW rule for ${port}/tcp`;
}

function iptablesBlocks(rules: string, port: number): string | undefined {
    const lines = rules.split("\n");
    const named = lines.find((l) => new RegExp(`--dport ${port}\\b.*-j (DROP|REJECT)`).test(l));
    if (named) return named;
    const accepted = lines.some((l) => new RegExp(`--dport ${port}\\b.*-j ACCEPT`).test(l));
    if (lines.includes("-P INPUT DROP") && !accepted) return `-P INPUT DROP with no ACCEPT for ${port}`;
    return undefined;
}

/** S3: the host firewall (nftables, ufw, iptables) must let the port in. */
export function hostFirewallCheck(f: HostFacts, ctx: NetworkContext): CheckResult {
    const title = `the host firewall lets ${ctx.appPort}/tcp in`;
    const found = [
        ["nftables", f.nft.startsWith("(no nft)") ? undefined : nftBlocks(f.nft, ctx.appPort)],
        ["ufw", f.ufw.startsWith("(no ufw)") ? undefined : ufwBlocks(f.ufw, ctx.appPort)],
        ["iptables", f.iptables.startsWith("(no iptables)") ? undefined : iptablesBlocks(f.iptables, ctx.appPort)],
    ].filter(([, why]) => why !== undefined) as [string, string][];
    if (found.length > 0) {
        return fail("host-firewall", "network", title, found.map(([tool, why]) => `${tool}: ${why}`).join("; "), "host-firewall", ctx);
    }
    const tools = [
        !f.nft.startsWith("(no nft)") && "nftables",
        !f.ufw.startsWith("(no ufw)") && "ufw",
        !f.iptables.startsWith("(no iptables)") && "iptables",
    ].filter(Boolean);
    return pass(
        "host-firewall",
        "network",
        title,
        tools.length
            ? `no rule blocks it (${tools.join(", ")} read)`
            : "no firewall tool on the host (nft, ufw, iptables): nothing to block it",
    );
}

/** S3 on aws: the security group the stack created must open the app port. */
export function securityGroupCheck(ingress: IngressRule[] | undefined, id: string | undefined, ctx: NetworkContext): CheckResult {
    const title = `the security group opens ${ctx.appPort}/tcp`;
    if (!ingress) return skip("security-group", "network", title, "no security group (ssh target, or no state to read it from)");
    if (securityGroupOpensPort(ingress, ctx.appPort))
        return pass("security-group", "network", title, `${id ?? "the group"} has an ingress rule for ${ctx.appPort}/tcp`);
    return fail(
        "security-group",
        "network",
        title,
        `${id ?? "the group"} has no ingress rule for ${ctx.appPort}/tcp`,
        "security-group-closed",
        ctx,
    );
}
