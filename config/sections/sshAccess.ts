// How the targets reached over SSH (aws, ssh) log in: port, user and the deploy key.
import type { ConfigReader } from "../reader";
import { setCommand, shown } from "../reader";
import type { SshAccess } from "../types";

export function parseSshAccess(read: ConfigReader, defaultUser: string): SshAccess {
    const port = read.port("sshPort");
    const userValue = read.text("sshUser");
    if (userValue !== "auto" && !/^[a-z_][a-z0-9_-]{0,31}$/.test(userValue)) {
        read.refuse(
            "sshUser",
            `${shown(userValue)} is not a user name (lower case, starting with a letter or _). ` +
                `Fix: ${setCommand("sshUser", defaultUser)} (this target's default: pulumi config rm gin-deploy:sshUser gives auto, ${defaultUser})`,
        );
    }
    const privateKey = read.secret(
        "sshPrivateKey",
        (value) =>
            /^-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(value.trim())
                ? undefined
                : 'is not a PEM/OpenSSH private key (no "-----BEGIN ... PRIVATE KEY-----" line)',
        "pulumi config set --secret gin-deploy:sshPrivateKey < ~/.ssh/id_ed25519",
    );
    return { port, user: userValue === "auto" ? defaultUser : userValue, privateKey };
}
