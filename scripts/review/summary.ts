// The summary a reviewer reads first, computed from the engine's own JSON: the document
// `pulumi preview --json` prints (PreviewDigest, pulumi/pkg/display/json.go: steps with op, urn,
// oldState/newState with inputs, diffReasons, replaceReasons, detailedDiff; diagnostics;
// changeSummary), plus the policy pack's findings, which that document leaves out
// (backend/display/json.go skips policy events) and the engine's event log carries
// (`--event-log`: one JSON event a line; `policyEvent`). Pure: no Pulumi import, no I/O.
//
// Per stack: settings old -> new (a secret by name only), units changed, the release old -> new,
// whether the service restarts and whether that restart keeps serving, everything replaced or
// deleted (loudly for what holds a host, data or a whole environment), and the violations.

export interface ResourceState {
    urn?: string;
    type?: string;
    custom?: boolean;
    inputs?: Record<string, unknown>;
}

export interface PreviewStep {
    op: string;
    urn: string;
    oldState?: ResourceState;
    newState?: ResourceState;
    diffReasons?: string[];
    replaceReasons?: string[];
    detailedDiff?: Record<string, { kind: string; inputDiff?: boolean }> | null;
}

export interface PreviewDiagnostic {
    urn?: string;
    message?: string;
    severity?: string;
}

export interface PreviewDigest {
    steps?: PreviewStep[];
    diagnostics?: PreviewDiagnostic[];
    changeSummary?: Record<string, number>;
}

export interface PolicyViolation {
    policy: string;
    level: string;
    message: string;
    urn?: string;
}

export interface SettingChange {
    name: string;
    /** undefined: absent on that side. Secrets are never shown: "[secret]". */
    old?: string;
    new?: string;
    secret: boolean;
}

export interface ReleaseChange {
    what: "version" | "image" | "binary";
    old?: string;
    new?: string;
}

export interface Restart {
    restarts: boolean;
    zeroDowntime: boolean;
    how: string;
}

export interface Removal {
    op: string;
    type: string;
    name: string;
    /** Holds a host, data or a whole environment: an instance, a volume, a namespace, a workload. */
    severe: boolean;
    reasons: string[];
}

export interface PropertyChange {
    resource: string;
    path: string;
    old?: unknown;
    new?: unknown;
}

export interface StackSummary {
    stack: string;
    /** op -> count, "same" left out. */
    changes: Record<string, number>;
    settings: SettingChange[];
    /** A secret env file changed whose entries the preview cannot name (it travels whole on stdin). */
    secretEnvFileChanged: string[];
    units: Array<{ name: string; op: string }>;
    release: ReleaseChange[];
    restart: Restart;
    removals: Removal[];
    violations: PolicyViolation[];
    errors: string[];
    /** Every other plain input that changes, path by path. */
    other: PropertyChange[];
}

const SECRET = "[secret]";
const CHANGING = new Set([
    "create",
    "update",
    "replace",
    "delete",
    "create-replacement",
    "delete-replaced",
    "import",
    "import-replacement",
]);
const REMOVING = new Set(["replace", "delete", "create-replacement", "delete-replaced", "discard", "discard-replaced", "read-replacement"]);
/** Types whose replacement or deletion loses a host, data, or everything in an environment. */
const SEVERE_TYPES = [
    /^aws:ec2\/instance:Instance$/,
    /^aws:ebs\/volume:Volume$/,
    /^aws:ec2\/volumeAttachment:VolumeAttachment$/,
    /^aws:ecr\/repository:Repository$/,
    /^aws:rds\//,
    /^kubernetes:core\/v1:(Namespace|PersistentVolumeClaim|PersistentVolume)$/,
    /^kubernetes:apps\/v1:(Deployment|StatefulSet|DaemonSet)$/,
    /^docker:index\/volume:Volume$/,
];

const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);
const typeOf = (step: PreviewStep) => step.newState?.type ?? step.oldState?.type ?? typeFromUrn(step.urn);
function typeFromUrn(urn: string): string {
    const parts = urn.split("::");
    const chain = parts[parts.length - 2] ?? "";
    return chain.slice(chain.lastIndexOf("$") + 1);
}
const stackOfUrn = (urn: string) => /^urn:pulumi:([^:]+)::/.exec(urn)?.[1];

/** Flattened leaves of a JSON value: path -> value (a "[secret]" string is a leaf). */
function leaves(value: unknown, prefix = "", out = new Map<string, unknown>()): Map<string, unknown> {
    if (Array.isArray(value)) {
        if (value.length === 0) out.set(prefix, value);
        value.forEach((v, i) => leaves(v, `${prefix}[${i}]`, out));
    } else if (value !== null && typeof value === "object") {
        const entries = Object.entries(value as Record<string, unknown>);
        if (entries.length === 0) out.set(prefix, value);
        for (const [k, v] of entries) {
            const key = /^[A-Za-z_][\w-]*$/.test(k) ? (prefix ? `${prefix}.${k}` : k) : `${prefix}[${JSON.stringify(k)}]`;
            leaves(v, key, out);
        }
    } else {
        out.set(prefix, value);
    }
    return out;
}

export function inputChanges(step: PreviewStep): PropertyChange[] {
    const before = leaves(step.oldState?.inputs ?? {});
    const after = leaves(step.newState?.inputs ?? {});
    const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
    return paths
        .filter((p) => JSON.stringify(before.get(p)) !== JSON.stringify(after.get(p)))
        .map((p) => ({ resource: nameOf(step.urn), path: p, old: before.get(p), new: after.get(p) }));
}

/** The words after `--flag` in a command line (quoted or not). */
function flag(command: unknown, name: string): string | undefined {
    if (typeof command !== "string") return undefined;
    const m = new RegExp(`(?:^|\\s)--${name}[ =](?:'([^']*)'|"([^"]*)"|(\\S+))`).exec(command);
    return m ? (m[1] ?? m[2] ?? m[3]) : undefined;
}

const isRelease = (step: PreviewStep) => typeOf(step) === "command:remote:Command" && /-release$/.test(nameOf(step.urn));
const isEnvCommand = (step: PreviewStep) => typeOf(step) === "command:remote:Command" && /-env$/.test(nameOf(step.urn));
const remotePathOf = (s?: ResourceState) => (typeof s?.inputs?.remotePath === "string" ? s.inputs.remotePath : undefined);
const UNIT = /\.(service|socket|timer|target|path|mount)$/;

function container(inputs: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
    const spec = inputs?.spec as { template?: { spec?: { containers?: Array<Record<string, unknown>> } } } | undefined;
    return spec?.template?.spec?.containers?.[0];
}
function versionLabel(inputs: Record<string, unknown> | undefined): string | undefined {
    const labels = (inputs?.metadata as { labels?: Record<string, string> } | undefined)?.labels;
    return labels?.["app.kubernetes.io/version"];
}

function pushChange(out: ReleaseChange[], what: ReleaseChange["what"], old: string | undefined, now: string | undefined): void {
    if (old !== now) out.push({ what, old, new: now });
}

export function summarize(stack: string, digest: PreviewDigest, violations: PolicyViolation[] = []): StackSummary {
    const steps = (digest.steps ?? []).filter((s) => typeOf(s) !== "pulumi:pulumi:Stack" && typeOf(s) !== "pulumi:providers:kubernetes");
    const changing = steps.filter((s) => CHANGING.has(s.op));
    const changes: Record<string, number> = {};
    for (const [op, n] of Object.entries(digest.changeSummary ?? {})) if (op !== "same" && n > 0) changes[op] = n;

    const settings: SettingChange[] = [];
    const secretEnvFileChanged: string[] = [];
    const units: Array<{ name: string; op: string }> = [];
    const release: ReleaseChange[] = [];
    const removals: Removal[] = [];
    const other: PropertyChange[] = [];
    let restart: Restart = { restarts: false, zeroDowntime: true, how: "no restart: nothing the service runs changes" };

    for (const step of changing) {
        const type = typeOf(step);
        const name = nameOf(step.urn);
        const changed = inputChanges(step);

        if (REMOVING.has(step.op)) {
            const reasons = step.replaceReasons ?? [];
            // Deleting the release command uninstalls the service from its host.
            const severe = SEVERE_TYPES.some((re) => re.test(type)) || (step.op === "delete" && isRelease(step));
            removals.push({ op: step.op, type, name, severe, reasons });
        }

        if (type === "kubernetes:core/v1:ConfigMap") {
            for (const c of changed.filter((c) => /^data(\.|\[)/.test(c.path))) {
                settings.push({ name: settingName(c.path), old: str(c.old), new: str(c.new), secret: false });
            }
            continue;
        }
        if (type === "kubernetes:core/v1:Secret") {
            // The inputs are "[secret]" as a whole; the provider's diff names the keys.
            const keys = Object.keys(step.detailedDiff ?? {})
                .concat(step.replaceReasons ?? [], step.diffReasons ?? [])
                .filter((k) => /^(data|stringData)(\.|\[)/.test(k))
                .map(settingName);
            for (const k of [...new Set(keys)].sort()) settings.push({ name: k, old: SECRET, new: SECRET, secret: true });
            continue;
        }
        if (isRelease(step) || isEnvCommand(step)) {
            const [o, n] = [step.oldState?.inputs, step.newState?.inputs];
            const oldCmd = o?.create;
            const newCmd = n?.create;
            if (step.op !== "delete" && step.op !== "create") {
                pushChange(release, "version", flag(oldCmd, "version"), flag(newCmd, "version"));
                pushChange(release, "image", flag(oldCmd, "image"), flag(newCmd, "image"));
                pushChange(release, "binary", flag(oldCmd, "sha256"), flag(newCmd, "sha256"));
            }
            // The settings map in the triggers (components/shared/settingsTrigger.ts): each plain setting by
            // value, each secret by name (its digest is a secret). One release command and its env
            // command carry the same map: a setting is listed once.
            const named = changed.filter((c) => /^triggers\[\d+\]\.[A-Za-z_][A-Za-z0-9_]*$/.test(c.path));
            // A secret's old and new digests both read "[secret]": the engine's diff names its path.
            const SETTING_PATH = /^triggers\[\d+\]\.[A-Za-z_][A-Za-z0-9_]*$/;
            for (const p of [...Object.keys(step.detailedDiff ?? {}), ...(step.replaceReasons ?? []), ...(step.diffReasons ?? [])]) {
                if (SETTING_PATH.test(p) && !named.some((c) => c.path === p))
                    named.push({ resource: name, path: p, old: SECRET, new: SECRET });
            }
            if (step.op !== "create" && step.op !== "delete") {
                for (const c of named) {
                    const key = c.path.slice(c.path.indexOf("].") + 2);
                    if (settings.some((x) => x.name === key)) continue;
                    const secret = c.old === SECRET || c.new === SECRET;
                    settings.push({ name: key, old: secret ? SECRET : str(c.old), new: secret ? SECRET : str(c.new), secret });
                }
            }
            // An update whose plain inputs are the same changed only what is secret: the env file.
            if (named.length === 0 && (step.op === "update" || step.op === "replace") && (o?.stdin === SECRET || n?.stdin === SECRET)) {
                const visible = changed.filter((c) => c.old !== SECRET || c.new !== SECRET);
                if (visible.length === 0 || isEnvCommand(step)) secretEnvFileChanged.push(name);
            }
            if (step.op !== "create" && step.op !== "delete")
                other.push(...changed.filter((c) => c.path !== "create" && !/^triggers\[/.test(c.path)));
            continue;
        }
        if (type === "command:remote:CopyToRemote") {
            const remote = remotePathOf(step.newState) ?? remotePathOf(step.oldState) ?? "";
            if (UNIT.test(remote)) {
                units.push({ name: remote.slice(remote.lastIndexOf("/") + 1), op: step.op });
                continue;
            }
        }
        if (type === "kubernetes:apps/v1:Deployment") {
            const [o, n] = [step.oldState?.inputs, step.newState?.inputs];
            if (step.op !== "create" && step.op !== "delete") {
                pushChange(release, "version", versionLabel(o), versionLabel(n));
                pushChange(release, "image", str(container(o)?.image), str(container(n)?.image));
            }
        }
        if (step.op !== "create" && step.op !== "delete") other.push(...changed.filter((c) => !isNoise(c)));
    }

    restart = restartOf(steps, changing) ?? restart;
    return {
        stack,
        changes,
        settings,
        secretEnvFileChanged,
        units,
        release,
        restart,
        removals,
        violations,
        errors: (digest.diagnostics ?? []).filter((d) => d.severity === "error").map((d) => (d.message ?? "").trim()),
        other,
    };
}

/** Autonames and the pod template's checksum move with the settings; they tell the reviewer nothing more. */
function isNoise(c: PropertyChange): boolean {
    return (
        /^metadata\.name$/.test(c.path) ||
        /configMapRef\.name$|secretRef\.name$/.test(c.path) ||
        /\["gin-deploy\.io\/config-checksum"\]$/.test(c.path) ||
        /\["gin-deploy\.io\/version"\]$|\["app\.kubernetes\.io\/version"\]$/.test(c.path) ||
        /containers\[0\]\.image$/.test(c.path)
    );
}

function settingName(path: string): string {
    const m = /^(?:data|stringData)(?:\.(.+)|\["(.+)"\])$/.exec(path);
    return m ? (m[1] ?? m[2]) : path;
}
const str = (v: unknown) => (v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v));

function restartOf(all: PreviewStep[], changing: PreviewStep[]): Restart | undefined {
    // Kubernetes: a changed pod template rolls the Deployment.
    const deployment = changing.find((s) => typeOf(s) === "kubernetes:apps/v1:Deployment");
    if (deployment) {
        const name = nameOf(deployment.urn);
        if (deployment.op === "delete")
            return { restarts: true, zeroDowntime: false, how: `Deployment ${name} is deleted: the service stops` };
        if (REMOVING.has(deployment.op)) {
            return {
                restarts: true,
                zeroDowntime: false,
                how: `Deployment ${name} is replaced (a new one beside the old, then the old deleted): not a rolling update`,
            };
        }
        const template = inputChanges(deployment).some((c) => c.path.startsWith("spec.template."));
        if (deployment.op === "update" && template) {
            const strategy = (
                deployment.newState?.inputs?.spec as { strategy?: { type?: string; rollingUpdate?: { maxUnavailable?: unknown } } }
            )?.strategy;
            const rolling = (strategy?.type ?? "RollingUpdate") === "RollingUpdate";
            const maxUnavailable = strategy?.rollingUpdate?.maxUnavailable;
            const zero = rolling && (maxUnavailable === 0 || maxUnavailable === "0%");
            return {
                restarts: true,
                zeroDowntime: zero,
                how: zero
                    ? `rolling update of Deployment ${name} (maxUnavailable 0: a new pod is ready before an old one stops)`
                    : `Deployment ${name} restarts its pods (${rolling ? `rolling, maxUnavailable ${String(maxUnavailable ?? "25%")}` : strategy?.type})`,
            };
        }
        if (deployment.op === "create") return { restarts: false, zeroDowntime: true, how: `Deployment ${name} is created` };
    }

    // systemd and container modes: the release command re-runs the host's install script.
    const release = all.find(isRelease);
    if (!release) return undefined;
    const name = nameOf(release.urn);
    if (release.op === "delete") return { restarts: true, zeroDowntime: false, how: `${name} is deleted: the service is uninstalled` };
    if (release.op === "create") return { restarts: false, zeroDowntime: true, how: `${name} is created: a first install` };
    if (!CHANGING.has(release.op)) return undefined;
    const cmd = release.newState?.inputs?.create;
    const oldCmd = release.oldState?.inputs?.create;
    const slots = flag(cmd, "slot-ports") !== undefined;
    const wasSlots = flag(oldCmd, "slot-ports") !== undefined;
    // install-release.sh (systemd) takes --socket-unit, and --slot-ports in slot mode; the container
    // release always takes --slot-ports. The JSON document lists no unchanged resource, so the
    // release command's own line is what says how the service is run.
    const socketActivated = !slots && flag(cmd, "socket-unit") !== undefined;
    if (slots !== wasSlots) {
        return {
            restarts: true,
            zeroDowntime: false,
            how: `the service changes how it is run (${wasSlots ? "blue/green slots" : "socket activation"} -> ${slots ? "blue/green slots" : "socket activation"}): units are removed and added; no zero-downtime guarantee for the switch`,
        };
    }
    if (slots) {
        return {
            restarts: true,
            zeroDowntime: true,
            how: "blue/green slots: the new release starts in the idle slot, passes its health check, then traffic switches and the old slot drains",
        };
    }
    if (socketActivated) {
        return {
            restarts: true,
            zeroDowntime: true,
            how: "socket activation: systemd keeps the socket open while the old process drains and the new one starts; connections wait, none is refused",
        };
    }
    return {
        restarts: true,
        zeroDowntime: false,
        how: `${name} re-runs with neither slots nor a socket held open that it names: assume connections are refused meanwhile`,
    };
}

// ---------------------------------------------------------------------------------------------
// The engine's event log (`--event-log`, one JSON object a line) as a digest and violations.

interface EventMetadata {
    op: string;
    urn: string;
    type: string;
    old?: ResourceState | null;
    new?: ResourceState | null;
    keys?: string[];
    diffs?: string[];
    detailedDiff?: Record<string, { diffKind: string; inputDiff?: boolean }> | null;
}
export interface EngineEventLike {
    resourcePreEvent?: { metadata: EventMetadata };
    policyEvent?: { policyName: string; enforcementLevel: string; message: string; resourceUrn?: string };
    diagnosticEvent?: { urn?: string; prefix?: string; message?: string; severity?: string; ephemeral?: boolean };
    summaryEvent?: { resourceChanges?: Record<string, number> };
}

export function parseEventLog(text: string): EngineEventLike[] {
    return text
        .split("\n")
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as EngineEventLike);
}

export function violationsFromEvents(events: EngineEventLike[]): PolicyViolation[] {
    return events
        .filter((e) => e.policyEvent)
        .map((e) => {
            const p = e.policyEvent!;
            return {
                policy: p.policyName,
                level: p.enforcementLevel,
                message: p.message.trim(),
                ...(p.resourceUrn ? { urn: p.resourceUrn } : {}),
            };
        });
}

/** Pulumi's signature key of a serialized secret (sdk/go/common/resource/sig). */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** The event log keeps a secret as its signed envelope; the JSON document shows "[secret]". */
function blindSecrets(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(blindSecrets);
    if (value !== null && typeof value === "object") {
        const o = value as Record<string, unknown>;
        if (o[SECRET_SIG_KEY] === SECRET_SIG) return SECRET;
        return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, blindSecrets(v)]));
    }
    return value;
}

/** The same steps `preview --json` would list, from the event log's resourcePreEvents. */
export function digestFromEvents(events: EngineEventLike[]): PreviewDigest {
    const steps: PreviewStep[] = [];
    const replaced = new Set(
        events.filter((e) => e.resourcePreEvent?.metadata.op === "replace").map((e) => e.resourcePreEvent!.metadata.urn),
    );
    for (const e of events) {
        const m = e.resourcePreEvent?.metadata;
        // `preview --json` lists no unchanged resource (only with --show-sames).
        if (!m || m.op === "same") continue;
        if ((m.op === "create-replacement" || m.op === "delete-replaced") && replaced.has(m.urn)) continue;
        const detailed = m.detailedDiff
            ? Object.fromEntries(Object.entries(m.detailedDiff).map(([k, v]) => [k, { kind: v.diffKind, inputDiff: v.inputDiff }]))
            : null;
        steps.push({
            op: m.op,
            urn: m.urn,
            ...(m.old
                ? { oldState: { ...m.old, type: m.old.type ?? m.type, inputs: blindSecrets(m.old.inputs) as Record<string, unknown> } }
                : {}),
            ...(m.new
                ? { newState: { ...m.new, type: m.new.type ?? m.type, inputs: blindSecrets(m.new.inputs) as Record<string, unknown> } }
                : {}),
            ...(m.diffs ? { diffReasons: m.diffs } : {}),
            ...(m.keys ? { replaceReasons: m.keys } : {}),
            detailedDiff: detailed,
        });
    }
    const summary = events.find((e) => e.summaryEvent)?.summaryEvent?.resourceChanges;
    const diagnostics = events
        .filter((e) => e.diagnosticEvent && !e.diagnosticEvent.ephemeral && e.diagnosticEvent.severity !== "debug")
        .map((e) => {
            const d = e.diagnosticEvent!;
            return { ...(d.urn ? { urn: d.urn } : {}), message: `${d.prefix ?? ""}${d.message ?? ""}`, severity: d.severity };
        });
    return { steps, diagnostics, ...(summary ? { changeSummary: summary } : {}) };
}

/** The stack a digest is about, from its URNs. */
export function stackOf(digest: PreviewDigest): string | undefined {
    for (const s of digest.steps ?? []) {
        const stack = stackOfUrn(s.urn);
        if (stack) return stack;
    }
    return undefined;
}

// ---------------------------------------------------------------------------------------------
// Rendering: Markdown for the pull request comment, the same lines as plain text for a terminal.

const code = (v: string | undefined) => (v === undefined ? "(none)" : v === SECRET ? SECRET : `\`${v}\``);
const short = (v: unknown) => {
    const s = typeof v === "string" ? v : JSON.stringify(v);
    return s === undefined ? undefined : s.length > 120 ? `${s.slice(0, 117)}...` : s;
};

export function renderSummary(s: StackSummary, format: "markdown" | "text" = "markdown"): string {
    const md = format === "markdown";
    const head = (t: string) => (md ? `**${t}**` : `${t}:`);
    const lines: string[] = [];
    const counts = Object.entries(s.changes)
        .map(([op, n]) => `${n} to ${op}`)
        .join(", ");
    lines.push(md ? `#### Summary of \`${s.stack}\`: ${counts || "no changes"}` : `${s.stack}: ${counts || "no changes"}`);

    const loud = s.removals.filter((r) => r.severe);
    if (loud.length > 0) {
        lines.push("", md ? "> [!CAUTION]" : "!!! CAUTION");
        for (const r of loud) {
            const why = r.reasons.length ? ` (because ${r.reasons.join(", ")} changes)` : "";
            lines.push(
                md ? `> **${r.op.toUpperCase()}** ${r.type} \`${r.name}\`${why}` : `    ${r.op.toUpperCase()} ${r.type} ${r.name}${why}`,
            );
        }
    }

    const items: Array<[string, string[]]> = [
        [
            "Settings",
            [
                ...s.settings.map((c) =>
                    c.secret ? `${c.name}: ${SECRET} => ${SECRET} (secret: changed)` : `${c.name}: ${code(c.old)} => ${code(c.new)}`,
                ),
                ...s.secretEnvFileChanged.map(
                    (r) => `the secret env file of ${r} changed (its entries are secret together: which one is not shown)`,
                ),
            ],
        ],
        ["Units", s.units.map((u) => `${u.name}: ${u.op}`)],
        ["Release", s.release.map((r) => `${r.what}: ${code(r.old)} => ${code(r.new)}`)],
        [
            "Restart",
            [`${s.restart.restarts ? (s.restart.zeroDowntime ? "yes, zero-downtime" : "yes, WITH DOWNTIME") : "no"}: ${s.restart.how}`],
        ],
        [
            "Replaced or deleted",
            s.removals.map(
                (r) => `${r.severe ? "⚠ " : ""}${r.op} ${r.type} ${r.name}${r.reasons.length ? ` (${r.reasons.join(", ")})` : ""}`,
            ),
        ],
        ["Policy violations", s.violations.map((v) => `${v.level} ${v.policy}: ${v.message.split("\n")[0]}`)],
        ["Errors", s.errors],
    ];
    for (const [title, entries] of items) {
        if (entries.length === 0 && title !== "Restart" && title !== "Policy violations") continue;
        lines.push("", head(title));
        if (entries.length === 0) lines.push(md ? "- none" : "  none");
        for (const e of entries) lines.push(md ? `- ${e}` : `  ${e.replace(/`/g, "")}`);
    }
    if (s.other.length > 0) {
        const rows = s.other.map((c) => `${c.resource}: ${c.path}: ${short(c.old) ?? "(none)"} => ${short(c.new) ?? "(none)"}`);
        if (md) {
            lines.push(
                "",
                `<details><summary>other inputs that change (${rows.length})</summary>`,
                "",
                "```",
                ...rows,
                "```",
                "</details>",
            );
        } else {
            lines.push("", head("Other inputs that change"), ...rows.map((r) => `  ${r}`));
        }
    }
    return lines.join("\n") + "\n";
}
