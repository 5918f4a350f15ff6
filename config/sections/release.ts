// The release (S7): the version stamped into the binary and image, from git unless pinned.
import { RELEASE_VERSION, RELEASE_VERSION_RULE } from "../../components/rules/releaseVersion";
import type { ConfigReader } from "../reader";
import { setCommand, shown } from "../reader";
import type { GitFacts, Release } from "../types";

export function parseRelease(read: ConfigReader, git: GitFacts): Release {
    const value = read.text("release");
    if (value === "auto" && "error" in git) {
        read.refuse(
            "release",
            `= "auto" needs git to name the release, and git failed (${git.error}). ` +
                `Fix: run pulumi from a git checkout, or ${setCommand("release", "v1.2.3")}`,
        );
    } else if (value !== "auto" && (!RELEASE_VERSION.test(value) || value === "latest")) {
        read.refuse(
            "release",
            `${shown(value)} does not name a version (${RELEASE_VERSION_RULE}; not "latest"). ` + `Fix: ${setCommand("release", "v1.2.3")}`,
        );
    }
    if ("error" in git) {
        return { version: value, commit: "unknown", date: "unknown" };
    }
    return { version: value === "auto" ? git.describe : value, commit: git.commit, date: git.date };
}
