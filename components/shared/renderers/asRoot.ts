// How a remote step gets root on a host reached as any user. Users deploy as whoever their host
// lets in: root on a server of theirs, `admin` with passwordless sudo on a Debian EC2 instance
// (which refuses root logins). Every step that needs root runs through `$as_root`: nothing as
// root, non-interactive sudo otherwise. Uploads go to a staging folder the login user owns, and
// the host scripts, run as root, install from there. Pure: no Pulumi import.

/** Sets $as_root for the rest of one command line: empty as root, `sudo -n` for anyone else. */
export const AS_ROOT = `as_root=$([ "$(id -u)" = 0 ] || echo sudo -n);`;

/** `command` (a program and its words) run as root; `$as_root` is set first. */
export function asRoot(command: string): string {
    return `${AS_ROOT} $as_root ${command}`;
}

/**
 * Stops a step at once, before it changes anything, when the login user is not root and cannot
 * run sudo without a password: one message that names the user, the host and the fix.
 */
export const ROOT_ACCESS_CHECK =
    `if [ "$(id -u)" != 0 ] && ! sudo -n true 2>/dev/null; then ` +
    `u=$(id -un); ` +
    `echo "gin-deploy: the login user $u on $(hostname) cannot run sudo without a password (sudo -n true failed, or sudo is missing), ` +
    `and a deploy needs root for its units and folders. Nothing was changed on the host. ` +
    `Fix: as root on the host, run: echo '$u ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/90-gin-deploy; or set gin-deploy:sshUser to a user that can." >&2; ` +
    `exit 1; fi;`;

/**
 * Creates the staging folders (mode 0700) and hands them to the login user, so uploads over SFTP
 * can write there; the root-owned folders above them are created as needed. Checks root access
 * first: this is the first step that changes a host, and every other step waits for it.
 */
export function prepareStagingCommand(dirs: readonly string[], rootOwnedDirs: readonly string[] = []): string {
    if (dirs.length === 0) {
        throw new Error("prepareStagingCommand needs at least one folder");
    }
    for (const dir of [...dirs, ...rootOwnedDirs]) {
        if (!/^\/[A-Za-z0-9._/-]+$/.test(dir) || dir.split("/").includes("..")) {
            throw new Error(`staging folder "${dir}" is not an absolute path of plain names`);
        }
    }
    const rootOwned = rootOwnedDirs.map((dir) => `$as_root install -d -m 0755 ${dir} && `).join("");
    const list = dirs.join(" ");
    return (
        `${ROOT_ACCESS_CHECK} ${AS_ROOT} ${rootOwned}` +
        `$as_root install -d -m 0700 -o "$(id -u)" -g "$(id -g)" ${list} && ` +
        // Folders left by a deploy that logged in as another user (root) are taken over too.
        `$as_root chown -R "$(id -u):$(id -g)" ${list}`
    );
}
