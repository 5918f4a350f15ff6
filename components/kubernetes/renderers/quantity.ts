// Kubernetes resource quantities ("250m", "1.5", "128Mi", "1G") as numbers, so that settings can be
// compared (a limit below its request is refused before the API server sees it) and the app's Go
// memory limit derived from the container's. Only the forms a person writes for CPU and memory are
// accepted; the API server's canonical form is not needed here. Pure.

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const FORM = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?$/;

/** The quantity's value in base units (cores for CPU, bytes for memory), or undefined if it is not one. */
export function parseQuantity(text: string): number | undefined {
    const m = FORM.exec(text);
    if (!m) return undefined;
    const suffix = m[2] ?? "";
    const factor = BINARY[suffix] ?? DECIMAL[suffix];
    return Number(m[1]) * factor;
}

/** CPU in cores ("250m" -> 0.25); refuses memory suffixes and zero. */
export function parseCpu(field: string, text: string): number {
    const value = /(Ki|Mi|Gi|Ti|Pi|Ei)$/.test(text) ? undefined : parseQuantity(text);
    if (value === undefined || value <= 0) {
        throw new Error(`${field} = ${JSON.stringify(text)} is not a CPU quantity: use cores like "0.5" or "1", or millicores like "250m"`);
    }
    return value;
}

/** Memory in bytes ("128Mi" -> 134217728); refuses millis and anything under 1 MiB (no Go process runs in less). */
export function parseMemory(field: string, text: string): number {
    const value = text.endsWith("m") ? undefined : parseQuantity(text);
    if (value === undefined || !Number.isInteger(value)) {
        throw new Error(`${field} = ${JSON.stringify(text)} is not a memory quantity: use bytes with a suffix like "128Mi" or "1Gi"`);
    }
    if (value < 2 ** 20) {
        throw new Error(`${field} = ${JSON.stringify(text)} is below 1Mi: the service needs tens of MiB, e.g. "64Mi"`);
    }
    return value;
}
