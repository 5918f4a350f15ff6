// The commands that read a service's log from its live release, as text (pure: no Pulumi, no I/O).
// systemd mode: the live unit's journal (the app's unit, or in slot mode the live slot's, read from
// the link the front proxy follows); container mode: the live slot's container; kubernetes: the
// Deployment's pods. On a host they run as root through $as_root, like every deploy step.
import { containerLayout } from "../../components/container/layout";
import { releaseLayout, slotLayout } from "../../components/systemd/layout";
import { AS_ROOT, asRoot } from "../../components/shared/renderers/asRoot";
import { selectorLabels } from "../../components/kubernetes/renderers/labels";
import { shellQuote } from "../../components/shared/renderers/shellQuote";

export interface LogOptions {
    /** How many lines back (default 100). */
    lines: number;
    follow: boolean;
    /** How far back, as a duration: 30s, 10m, 2h. */
    since?: string;
}

const DURATION = /^([1-9][0-9]{0,5})(s|m|h)$/;

/** Checks --since and -n; throws naming the value and the form. */
export function validateLogOptions(o: LogOptions): LogOptions {
    if (!Number.isInteger(o.lines) || o.lines < 1 || o.lines > 100000) {
        throw new Error(`-n ${o.lines} must be a whole number of lines from 1 to 100000`);
    }
    if (o.since !== undefined && !DURATION.test(o.since)) {
        throw new Error(`--since ${JSON.stringify(o.since)} is not a duration: use a number and s, m or h (30s, 10m, 2h)`);
    }
    return o;
}

function seconds(since: string): number {
    const [, n, unit] = DURATION.exec(since)!;
    return Number(n) * { s: 1, m: 60, h: 3600 }[unit as "s" | "m" | "h"];
}

/** systemd mode: the journal of the unit that serves now (told on stderr first). */
export function systemdLogCommand(serviceName: string, o: LogOptions): string {
    validateLogOptions(o);
    const layout = releaseLayout(serviceName);
    const blue = slotLayout(serviceName, "blue").appUnit;
    const green = slotLayout(serviceName, "green").appUnit;
    const words = [
        "journalctl",
        "-u",
        '"$unit"',
        "-n",
        String(o.lines),
        "--no-pager",
        ...(o.since ? ["--since", `-${seconds(o.since)}s`] : []),
        ...(o.follow ? ["--follow"] : []),
    ].join(" ");
    return (
        `case "$(readlink ${shellQuote(layout.slotLink)} 2>/dev/null)" in ` +
        `*/blue.sock) unit=${blue} ;; */green.sock) unit=${green} ;; *) unit=${layout.serviceUnitName} ;; esac; ` +
        `echo "logs: $unit on $(hostname)" >&2; ${asRoot(words)}`
    );
}

/** container mode: the live slot's container (told on stderr first); fails when no slot is live. */
export function containerLogCommand(serviceName: string, o: LogOptions): string {
    validateLogOptions(o);
    const layout = containerLayout(serviceName);
    const words = [
        "docker",
        "logs",
        "--tail",
        String(o.lines),
        ...(o.since ? ["--since", `${seconds(o.since)}s`] : []),
        ...(o.follow ? ["--follow"] : []),
        `${serviceName}-"$slot"`,
    ].join(" ");
    return (
        `${AS_ROOT} ` +
        `case "$($as_root readlink ${shellQuote(layout.slotLink)} 2>/dev/null)" in ` +
        `*/blue.sock) slot=blue ;; */green.sock) slot=green ;; ` +
        `*) echo ${shellQuote(`logs: no live release of ${serviceName} on this host (${layout.slotLink} points nowhere)`)} >&2; exit 1 ;; esac; ` +
        `echo "logs: container ${serviceName}-$slot on $(hostname)" >&2; $as_root ${words}`
    );
}

/**
 * kubernetes: kubectl's arguments for every pod of the service (its Deployment's selector), every
 * container, each line prefixed with its pod (`kubectl logs deployment/X` would show one pod only).
 */
export function kubectlLogArgs(namespace: string, appName: string, o: LogOptions): string[] {
    validateLogOptions(o);
    for (const [what, name] of [
        ["namespace", namespace],
        ["app name", appName],
    ]) {
        if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(name)) throw new Error(`${what} ${JSON.stringify(name)} is not a Kubernetes name`);
    }
    return [
        "logs",
        "--namespace",
        namespace,
        "--selector",
        Object.entries(selectorLabels(appName))
            .map(([k, v]) => `${k}=${v}`)
            .join(","),
        "--all-containers",
        "--prefix",
        "--tail",
        String(o.lines),
        ...(o.since ? ["--since", o.since] : []),
        ...(o.follow ? ["--follow"] : []),
    ];
}
