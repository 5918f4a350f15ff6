// The one rule for a TCP port, in every mode, config key and tool; the host scripts read the
// bounds from the host contract (hostContract.ts).
export const PORT_MIN = 1;
export const PORT_MAX = 65535;
export const PORT_RULE = `a whole number from ${PORT_MIN} to ${PORT_MAX}`;

export function isPort(value: unknown): value is number {
    return typeof value === "number" && Number.isInteger(value) && value >= PORT_MIN && value <= PORT_MAX;
}

/** `option` names the setting in the message, e.g. "slotPorts.blue" or "gin-deploy:appPort". */
export function validatePort(option: string, value: unknown): number {
    if (!isPort(value)) {
        throw new Error(`${option}=${JSON.stringify(value)} is not a TCP port: give ${PORT_RULE}`);
    }
    return value;
}
