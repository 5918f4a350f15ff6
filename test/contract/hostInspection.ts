// What a host looks like from the outside, to tell what a deploy left behind: its files (outside
// the volatile trees), its users, its units and its listening ports.

import { HostSettings, onHost } from "../../scripts/localHost";
import { getJson } from "../../scripts/loopbackHttp";

// The suites import the one HTTP helper from here too.
export { getJson };

/** Runs a command on a host as root, from outside the deploy's own connection. */
export type RootShell = (command: string, input?: string) => { status: number; stdout: string; stderr: string };

/** A local host (reached as root by local/host.sh), or any host through a root shell of its own. */
export type InspectedHost = HostSettings | { name: string; rootShell: RootShell };

function onInspected(host: InspectedHost, command: string, input?: string): ReturnType<RootShell> {
    return "rootShell" in host ? host.rootShell(command, input) : onHost(host, command, input);
}

// Trees that change on their own (logs, caches, runtime state) and so cannot tell a leftover.
const VOLATILE = [
    "/proc",
    "/sys",
    "/dev",
    "/run",
    "/tmp",
    "/var/tmp",
    "/var/log",
    "/var/cache",
    "/var/lib/systemd",
    "/var/lib/apt",
    "/var/lib/dpkg",
    "/root/.ssh",
];

export interface HostSnapshot {
    files: Set<string>;
    users: Set<string>;
    units: Set<string>;
    listening: Set<string>;
}

function lines(s: string): Set<string> {
    return new Set(
        s
            .split("\n")
            .map((l) => l.trim())
            .filter((l) => l.length > 0),
    );
}

function must(host: InspectedHost, command: string, input?: string): string {
    const res = onInspected(host, command, input);
    if (res.status !== 0) throw new Error(`on ${host.name}: ${command} failed (${res.status}): ${res.stderr}`);
    return res.stdout;
}

export function snapshot(host: InspectedHost): HostSnapshot {
    const prune = VOLATILE.map((p) => `-path ${p}`).join(" -o ");
    return {
        files: lines(must(host, `find / -xdev \\( ${prune} \\) -prune -o -print`)),
        users: lines(must(host, "cut -d: -f1 /etc/passwd")),
        units: lines(
            must(
                host,
                "systemctl list-units --all --no-legend --plain | awk '{print $1}'; systemctl list-unit-files --no-legend --plain | awk '{print $1}'",
            ),
        ),
        listening: lines(must(host, "ss -Hltn | awk '{print $4}'")),
    };
}

/** What `after` has that `before` had not. */
export function leftovers(before: HostSnapshot, after: HostSnapshot): Record<keyof HostSnapshot, string[]> {
    const added = (a: Set<string>, b: Set<string>) => [...b].filter((x) => !a.has(x)).sort();
    return {
        files: added(before.files, after.files),
        users: added(before.users, after.users),
        units: added(before.units, after.units),
        listening: added(before.listening, after.listening),
    };
}

/** Files on the host (outside volatile trees) whose content includes `secret`, with their modes. */
export function filesHolding(host: InspectedHost, secret: string): { path: string; mode: string }[] {
    // The secret reaches grep through stdin and a 0600 file in /tmp (pruned from the search), never
    // on a command line.
    const prune = VOLATILE.map((p) => `-path ${p}`).join(" -o ");
    const cmd =
        `pattern=$(mktemp); trap 'rm -f "$pattern"' EXIT; cat > "$pattern"; ` +
        `find / -xdev \\( ${prune} \\) -prune -o -type f -size -50M -print0 | xargs -0 grep -lF -f "$pattern" 2>/dev/null | while read -r f; do stat -c '%a %n' "$f"; done`;
    return onInspected(host, cmd, `${secret}\n`)
        .stdout.split("\n")
        .filter((l) => l.length > 0)
        .map((l) => {
            const [mode, ...rest] = l.split(" ");
            return { mode, path: rest.join(" ") };
        });
}

/** Polls url until its /version reports `version` (or times out with the last answer). */
export async function waitForVersion(baseUrl: string, version: string, timeoutMs = 20000): Promise<Record<string, unknown>> {
    const deadline = performance.now() + timeoutMs;
    let last: unknown;
    for (;;) {
        try {
            const body = await getJson(`${baseUrl.replace(/\/$/, "")}/version`);
            if (body.version === version) return body;
            last = body;
        } catch (e) {
            last = (e as Error).message;
        }
        if (performance.now() > deadline)
            throw new Error(`${baseUrl}/version did not report ${version} within ${timeoutMs} ms; last answer: ${JSON.stringify(last)}`);
        await new Promise((r) => setTimeout(r, 500));
    }
}

/**
 * Makes one release unable to start on the host, whatever the product does: a systemd drop-in
 * whose ExecStartPre fails while /opt/<service>/current points at a release of `version`. The
 * previous release still starts, so a rollback to it works. Returns the function that removes it.
 */
export function injectStartFailure(host: InspectedHost, service: string, version: string): () => void {
    const script = `/usr/local/sbin/gd-test-fault-${service}`;
    const dropIn = `/etc/systemd/system/${service}.service.d/zz-gd-test-fault.conf`;
    const body = [
        "#!/bin/sh",
        `case "$(readlink -f /opt/${service}/current)" in`,
        `  */${version}-*) echo "test fault: release ${version} refuses to start" >&2; exit 1 ;;`,
        "esac",
        "",
    ].join("\n");
    must(
        host,
        `install -d /usr/local/sbin /etc/systemd/system/${service}.service.d && cat > ${script} && chmod 0755 ${script} && ` +
            `printf '[Service]\\nExecStartPre=+${script}\\n' > ${dropIn} && systemctl daemon-reload`,
        body,
    );
    return () => {
        must(
            host,
            `rm -f ${script} ${dropIn} && rmdir --ignore-fail-on-non-empty /etc/systemd/system/${service}.service.d && systemctl daemon-reload`,
        );
    };
}
