// The one rule for a release's version: what config accepts, what the build stamps, what the
// host scripts check (they read the pattern from the host contract, see hostContract.ts).
import { validateSha256 } from "./digest";

export const RELEASE_VERSION = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;
export const RELEASE_VERSION_RULE = "1-128 letters, digits and . _ + -, starting with a letter or digit";

export function validateReleaseVersion(version: string): string {
    if (!RELEASE_VERSION.test(version)) {
        throw new Error(`version "${version}" is not a release version: use ${RELEASE_VERSION_RULE} (e.g. "v1.2.3")`);
    }
    return version;
}

/**
 * The name of a release that has no version of its own (an app that stamps nothing, or no
 * /version to check): `sha-` and the first 12 hex digits of the binary's sha256. GoBinary's
 * `version` output and SystemdService's release both use it.
 */
export function binaryDigestVersion(binarySha256: string): string {
    validateSha256("binarySha256", binarySha256);
    return `sha-${binarySha256.slice(0, 12)}`;
}
