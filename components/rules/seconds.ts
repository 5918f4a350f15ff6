// The bounds of a release's two waits, the same in both host modes; the host scripts read them
// from the host contract (hostContract.ts).

/** How long a new release gets to answer its health check. */
export const HEALTH_TIMEOUT_MIN = 1;
export const HEALTH_TIMEOUT_MAX = 3600;
/** How long the old slot may keep its open connections after the switch; 0: stop it at once. */
export const DRAIN_TIMEOUT_MIN = 0;
export const DRAIN_TIMEOUT_MAX = 3600;

function wholeSeconds(option: string, value: unknown, min: number, max: number, hint: string): number {
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
        throw new Error(`${option}=${JSON.stringify(value)} is not a usable wait: give whole seconds from ${min} to ${max}${hint}`);
    }
    return value;
}

export function validateHealthTimeout(option: string, value: unknown): number {
    return wholeSeconds(option, value, HEALTH_TIMEOUT_MIN, HEALTH_TIMEOUT_MAX, "");
}

export function validateDrainTimeout(option: string, value: unknown): number {
    return wholeSeconds(option, value, DRAIN_TIMEOUT_MIN, DRAIN_TIMEOUT_MAX, " (0: no wait)");
}
