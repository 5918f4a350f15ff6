// Doctor's checks of the host's resources: free space where a release writes (its release
// directory, the journal, /tmp) and the clock against this machine's. Pure.

import { CauseContext } from "../../components/reachability/causes";
import { CheckResult, fail, pass } from "./check";
import { HostFacts } from "./hostFacts";

/** Below this much free space (or 2 % of the file system, whichever is less) installs and logs fail. */
export const MIN_FREE_KIB = 64 * 1024;
/** More skew than this breaks TLS validity windows and makes logs unreadable side by side. */
export const MAX_SKEW_SECONDS = 30;

export function diskSpaceCheck(f: HostFacts, ctx: CauseContext): CheckResult {
    const title = "the file systems a release writes to have free space";
    const full = f.disks.filter((d) => d.availKiB < Math.min(MIN_FREE_KIB, d.sizeKiB * 0.02));
    const mib = (k: number) => `${(k / 1024).toFixed(1)} MiB`;
    if (full.length > 0) {
        const seen = new Set<string>();
        const lines = full
            .filter((d) => !seen.has(d.mount) && seen.add(d.mount))
            .map((d) => `${d.path} (mounted at ${d.mount}): ${mib(d.availKiB)} free of ${mib(d.sizeKiB)}`);
        return fail("disk-space", "resources", title, lines.join("; "), "disk-full", ctx);
    }
    const least = [...f.disks].sort((a, b) => a.availKiB - b.availKiB)[0];
    return pass("disk-space", "resources", title, least ? `least free: ${least.path} ${mib(least.availKiB)}` : "no file system reported");
}

export function clockCheck(f: HostFacts, ctx: CauseContext, localEpochSeconds: number, roundTripSeconds: number): CheckResult {
    const title = `the host's clock is within ${MAX_SKEW_SECONDS} s of this machine's`;
    // The host's time was read somewhere within the SSH round trip: allow for that.
    const skew = Math.max(0, Math.abs(f.epochSeconds - localEpochSeconds) - roundTripSeconds);
    if (!Number.isFinite(f.epochSeconds)) return fail("clock", "resources", title, "the host printed no time", "clock-skew", ctx);
    if (skew > MAX_SKEW_SECONDS) {
        return fail(
            "clock",
            "resources",
            title,
            `the host's clock is ${(f.epochSeconds - localEpochSeconds).toFixed(1)} s off`,
            "clock-skew",
            ctx,
        );
    }
    return pass("clock", "resources", title, `off by at most ${skew.toFixed(1)} s`);
}
