// Symptoms seen from the deploying machine -> the cause they point to. Pure: no Pulumi import,
// no I/O; probe.ts gathers the symptoms, the release check and doctor print the result.

import { CauseContext, CauseId, describeCause } from "./causes";

/** What one request to the service ended with. */
export type Symptom =
    | { kind: "answered"; status: number; body: string }
    | { kind: "refused" }
    | { kind: "reset" }
    | { kind: "timeout"; afterMs: number }
    | { kind: "dns"; code: string }
    | { kind: "tls"; code: string; message: string }
    | { kind: "other"; code: string; message: string };

/** A security group ingress rule, as read from the cloud (only what the check needs). */
export interface IngressRule {
    protocol: string;
    fromPort: number;
    toPort: number;
    cidrBlocks?: string[];
    ipv6CidrBlocks?: string[];
}

export interface DiagnosisContext extends CauseContext {
    url: string;
    /** The version /version must report; "" accepts any version (doctor, when no stack says which). */
    expectedVersion: string;
    /** aws: the ingress rules of the security group the stack created for the host. */
    securityGroupIngress?: IngressRule[];
    securityGroupId?: string;
}

export interface Diagnosis {
    ok: boolean;
    /** The cause when not ok. */
    cause?: CauseId;
    /** One line: what was seen. */
    observed: string;
    /** The cause's title and fix (when not ok). */
    explanation?: string;
    fix?: string;
}

/** True when one rule lets TCP traffic to `port` in from the whole internet (v4 or v6). */
export function securityGroupOpensPort(rules: IngressRule[], port: number): boolean {
    return rules.some((r) => {
        const protocolOk = r.protocol === "-1" || r.protocol === "all" || r.protocol === "tcp" || r.protocol === "6";
        const portOk = r.protocol === "-1" || r.protocol === "all" || (r.fromPort <= port && port <= r.toPort);
        const cidrs = [...(r.cidrBlocks ?? []), ...(r.ipv6CidrBlocks ?? [])];
        return protocolOk && portOk && cidrs.length > 0;
    });
}

function versionOf(body: string): string | undefined {
    try {
        const parsed = JSON.parse(body) as { version?: unknown };
        return typeof parsed.version === "string" ? parsed.version : undefined;
    } catch {
        return undefined;
    }
}

/**
 * The diagnosis of a GET <url>/version (after /healthz answered or not). A timeout on aws with a
 * security group that does not open the port names the security group, not a vague "blocked".
 */
export function diagnose(symptom: Symptom, ctx: DiagnosisContext): Diagnosis {
    const fail = (cause: CauseId, observed: string): Diagnosis => {
        const c = describeCause(cause, ctx);
        return { ok: false, cause, observed, explanation: c.title, fix: c.fix };
    };
    const target = `${ctx.url.replace(/\/$/, "")}/version`;
    switch (symptom.kind) {
        case "refused":
            return fail("nothing-listens", `GET ${target}: connection refused`);
        case "reset":
            return fail("connection-dropped", `GET ${target}: the connection was closed with no HTTP answer`);
        case "timeout": {
            const observed = `GET ${target}: no answer within ${(symptom.afterMs / 1000).toFixed(1)} s`;
            if (ctx.securityGroupIngress && ctx.appPort !== undefined && !securityGroupOpensPort(ctx.securityGroupIngress, ctx.appPort)) {
                return fail(
                    "security-group-closed",
                    `${observed}; security group ${ctx.securityGroupId ?? ""} has no ingress rule for ${ctx.appPort}/tcp`.replace(
                        "  ",
                        " ",
                    ),
                );
            }
            return fail("blocked", observed);
        }
        case "dns":
            return fail("dns", `GET ${target}: the name does not resolve (${symptom.code})`);
        case "tls":
            return fail("tls", `GET ${target}: ${symptom.code}: ${symptom.message}`);
        case "other":
            return fail("unhealthy", `GET ${target}: ${symptom.code}: ${symptom.message}`);
        case "answered": {
            const body = symptom.body.length > 200 ? `${symptom.body.slice(0, 200)}...` : symptom.body;
            if (symptom.status < 200 || symptom.status > 299) {
                return fail("unhealthy", `GET ${target}: HTTP ${symptom.status}: ${body}`);
            }
            const version = versionOf(symptom.body);
            if (version === undefined) {
                return fail("wrong-service", `GET ${target}: HTTP ${symptom.status}, but not the service's /version: ${body}`);
            }
            if (ctx.expectedVersion !== "" && version !== ctx.expectedVersion) {
                return fail(
                    "old-release",
                    `GET ${target}: version ${JSON.stringify(version)}, expected ${JSON.stringify(ctx.expectedVersion)}`,
                );
            }
            return { ok: true, observed: `GET ${target}: HTTP ${symptom.status}, version ${version}` };
        }
    }
}

/** The diagnosis as the lines a failed `pulumi up` or doctor prints. */
export function formatDiagnosis(d: Diagnosis): string {
    if (d.ok) return d.observed;
    return [d.observed, `cause: ${d.explanation} [${d.cause}]`, `fix: ${d.fix}`].join("\n");
}
