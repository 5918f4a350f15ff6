// The rules for content digests: a binary's sha256, and an image pinned by digest. Plain strings
// (bash's =~ reads the same text from the host contract; a RegExp's .source would write "/" as "\/").
export const SHA256_PATTERN = "^[0-9a-f]{64}$";
export const SHA256 = new RegExp(SHA256_PATTERN);

/** REPOSITORY@sha256:<64 hex>, the repository with an optional registry host:port (Docker's lowercase grammar). */
export const PINNED_IMAGE_PATTERN = "^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*@sha256:[0-9a-f]{64}$";
export const PINNED_IMAGE = new RegExp(PINNED_IMAGE_PATTERN);

export function validateSha256(option: string, value: unknown): string {
    if (typeof value !== "string" || !SHA256.test(value)) {
        throw new Error(`${option} ${JSON.stringify(value)} is not a sha256: give its 64 lowercase hex digits (e.g. from sha256sum)`);
    }
    return value;
}

export function validatePinnedImage(option: string, value: unknown): string {
    if (typeof value !== "string" || !PINNED_IMAGE.test(value)) {
        throw new Error(
            `${option} ${JSON.stringify(value)} must be pinned by digest (REPOSITORY@sha256:<64 hex>), as AppImage's imageRef output is: a tag can change under a running service`,
        );
    }
    return value;
}
