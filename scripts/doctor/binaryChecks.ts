// Doctor's checks of the binary the service runs (systemd mode): built for the host's CPU (S5,
// `exec format error`) and static, or linked against a loader the host has (S6, `not found`).
// Pure: facts in, results out.

import { CauseContext } from "../../components/reachability/causes";
import { CheckResult, fail, pass, skip } from "./check";
import { elfInterpreter, elfMachineName } from "./elfInterpreter";
import { HostFacts } from "./hostFacts";

export interface BinaryContext extends CauseContext {
    mode: "systemd" | "container";
}

function normalizeMachine(m: string): string {
    return m === "arm64" ? "aarch64" : m === "amd64" ? "x86_64" : m;
}

export function architectureCheck(f: HostFacts, ctx: BinaryContext): CheckResult {
    const title = "the binary is built for the host's CPU";
    if (ctx.mode !== "systemd")
        return skip("binary-arch", "binary", title, "container mode: the image is built for the host's platform (linux/<arch>)");
    if (f.elf.length === 0) return skip("binary-arch", "binary", title, `no binary at ${f.binaryPath}`);
    let built: string;
    try {
        built = elfMachineName(f.elf);
    } catch (err) {
        return skip("binary-arch", "binary", title, `${f.binaryPath}: ${(err as Error).message}`);
    }
    const host = normalizeMachine(f.machine);
    if (built !== host) {
        return fail("binary-arch", "binary", title, `${f.binaryPath} is ${built}, the host is ${f.machine}`, "wrong-architecture", ctx);
    }
    return pass("binary-arch", "binary", title, `${built} on ${f.machine}`);
}

export function interpreterCheck(f: HostFacts, ctx: BinaryContext): CheckResult {
    const title = "the binary is static, or its loader exists on the host";
    if (ctx.mode !== "systemd") return skip("binary-libc", "binary", title, "container mode: the image carries its own libc");
    if (f.elf.length === 0) return skip("binary-libc", "binary", title, `no binary at ${f.binaryPath}`);
    let interp: string | undefined;
    try {
        interp = elfInterpreter(f.elf);
    } catch (err) {
        return skip("binary-libc", "binary", title, `${f.binaryPath}: ${(err as Error).message}`);
    }
    if (interp === undefined) return pass("binary-libc", "binary", title, "statically linked (no PT_INTERP)");
    if (f.loaders.includes(interp))
        return pass("binary-libc", "binary", title, `dynamically linked; its loader ${interp} exists on the host`);
    return fail(
        "binary-libc",
        "binary",
        title,
        `${f.binaryPath} is dynamically linked against ${interp}, which the host does not have (it has ${f.loaders.join(", ") || "none"})`,
        "missing-interpreter",
        ctx,
    );
}
