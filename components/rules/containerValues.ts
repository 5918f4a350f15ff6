// The rules for the values container mode hands to `docker run` and the host scripts: the state
// volume's name, a path inside the container, and the owner the volume is made writable for.
// Plain strings, because bash's =~ reads the same text from the host contract.

/** A Docker volume name (ours is `<serviceName>-state`). */
export const STATE_VOLUME_PATTERN = "^[a-z0-9][a-z0-9_.-]*$";
export const STATE_VOLUME = new RegExp(STATE_VOLUME_PATTERN);

/** An absolute container path that `--mount target=` and `--workdir` take without escaping. */
export const CONTAINER_PATH_PATTERN = "^(/[A-Za-z0-9_][A-Za-z0-9._-]*)+$";
export const CONTAINER_PATH = new RegExp(CONTAINER_PATH_PATTERN);

/** The volume's owner as `docker run --user` and chown take it: numeric UID:GID. */
export const UID_GID_PATTERN = "^[0-9]+:[0-9]+$";
export const UID_GID = new RegExp(UID_GID_PATTERN);
export const ID_MAX = 2147483647;

// Paths the engine or the unit itself owns: a volume there would shadow them.
const RESERVED_PATHS = ["/proc", "/sys", "/dev", "/tmp", "/etc"];

export function validateStateVolumeName(option: string, value: unknown): string {
    if (typeof value !== "string" || !STATE_VOLUME.test(value)) {
        throw new Error(
            `${option} ${JSON.stringify(value)} is not a volume name: lowercase letters, digits and _ . -, starting with a letter or digit`,
        );
    }
    return value;
}

/** A volume (`mount`) may not shadow what the engine mounts; a working directory may be anywhere. */
export function validateContainerPath(option: string, value: unknown, mount: boolean): string {
    const ok =
        typeof value === "string" &&
        CONTAINER_PATH.test(value) &&
        !value.split("/").includes("..") &&
        !(mount && RESERVED_PATHS.some((r) => value === r || value.startsWith(`${r}/`)));
    if (!ok) {
        const outside = mount ? `, outside ${RESERVED_PATHS.join(", ")}` : "";
        throw new Error(
            `${option} ${JSON.stringify(value)} must be an absolute container path of letters, digits and . _ - (no "..", commas or spaces)${outside}: e.g. "/data"`,
        );
    }
    return value as string;
}

/** One numeric user or group id (UID_GID_PATTERN joins two). */
export function validateId(option: string, value: unknown): number {
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > ID_MAX) {
        throw new Error(
            `${option}=${JSON.stringify(value)} must be a numeric user or group id (0-${ID_MAX}), e.g. 65532 for the reference image's user`,
        );
    }
    return value;
}
