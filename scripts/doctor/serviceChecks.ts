// Doctor's check of the service's systemd state: running, stopped, or crash-looping (S4: "a
// runtime error: read the logs"), with the last journal lines as evidence. Pure.

import { CauseContext } from "../../components/reachability/causes";
import { CheckResult, fail, pass } from "./check";
import { HostFacts, UnitState } from "./hostFacts";

export interface ServiceContext extends CauseContext {
    serviceName: string;
    mode: "systemd" | "container";
}

/** Restarts counted as a loop; one restart can be a deliberate release. */
const LOOP_RESTARTS = 2;

function describe(u: UnitState): string {
    const exit = u.execMainCode || u.execMainStatus ? `, last exit status ${u.execMainStatus}` : "";
    return `${u.id} ${u.activeState}/${u.subState} (result ${u.result || "?"}, ${u.nRestarts} restarts${exit})`;
}

export function serviceStateCheck(f: HostFacts, ctx: ServiceContext): CheckResult {
    const title = `${ctx.serviceName} runs and stays up`;
    const evidence = f.journal.slice(-15);
    const main =
        ctx.mode === "systemd"
            ? f.units.filter((u) => u.id === `${ctx.serviceName}.service`)
            : f.units.filter((u) => u.id.startsWith(`${ctx.serviceName}-container@`));
    const socket = f.units.find((u) => u.id === `${ctx.serviceName}.socket`);
    if (main.length === 0 || main.every((u) => u.loadState === "not-found")) {
        return fail("service-state", "service", title, `${ctx.serviceName} is not installed on this host`, "service-stopped", ctx, {
            fix: "deploy it: pulumi up (or npm run deploy:local)",
        });
    }
    const looping = main.filter(
        (u) =>
            u.nRestarts >= LOOP_RESTARTS ||
            u.result === "start-limit-hit" ||
            u.subState === "auto-restart" ||
            (u.activeState === "failed" && u.result !== "success"),
    );
    const explainedBy = ["wrong-architecture", "missing-interpreter", "port-taken", "disk-full"] as const;
    if (looping.length > 0) {
        const exec = looping.some((u) => u.execMainStatus === 203) ? " (status 203/EXEC: the binary could not be executed)" : "";
        return fail("service-state", "service", title, looping.map(describe).join("; ") + exec, "crash-loop", ctx, {
            explainedBy: [...explainedBy],
            evidence,
        });
    }
    const running = main.filter((u) => u.activeState === "active");
    if (socket && socket.activeState !== "active") {
        return fail("service-state", "service", title, `${describe(socket)}: the port is not served`, "service-stopped", ctx, {
            explainedBy: [...explainedBy],
            evidence,
        });
    }
    if (running.length === 0) {
        // A socket-activated service may rest until the first connection; the socket is up.
        if (socket?.activeState === "active" && ctx.mode === "systemd") {
            return pass("service-state", "service", title, `${describe(main[0])}; ${socket.id} active (starts on the next connection)`);
        }
        if (ctx.mode === "container" && socket?.activeState === "active") {
            return fail(
                "service-state",
                "service",
                title,
                `no slot container runs: ${main.map(describe).join("; ")}`,
                "service-stopped",
                ctx,
                { explainedBy: [...explainedBy], evidence },
            );
        }
        return fail("service-state", "service", title, main.map(describe).join("; "), "service-stopped", ctx, {
            explainedBy: [...explainedBy],
            evidence,
        });
    }
    return pass("service-state", "service", title, running.map(describe).join("; "));
}
