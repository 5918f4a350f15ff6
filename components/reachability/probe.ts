// Requests the service's /version from this machine (the one running Pulumi), with bounded
// retries, and turns the last attempt into a diagnosis. Node's http/https only, no Pulumi import:
// the release check's dynamic provider and doctor both run it.

import type * as httpTypes from "http";

import { diagnose, Diagnosis, DiagnosisContext, Symptom } from "./diagnosis";

export interface ProbeOptions extends DiagnosisContext {
    /** Attempts before giving up (a new release may need a moment behind a load balancer). */
    attempts: number;
    /** Per-request timeout. */
    timeoutMs: number;
    /** Pause between attempts. */
    intervalMs: number;
}

export interface ProbeResult extends Diagnosis {
    attempts: number;
    seconds: number;
}

const DNS_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_FAIL", "EAI_NONAME"]);
const RESET_CODES = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED"]);

function classify(err: NodeJS.ErrnoException, timeoutMs: number): Symptom {
    const code = err.code ?? "";
    if (code === "ECONNREFUSED") return { kind: "refused" };
    if (RESET_CODES.has(code) || err.message === "socket hang up") return { kind: "reset" };
    if (code === "ETIMEDOUT" || code === "GIN_DEPLOY_TIMEOUT") return { kind: "timeout", afterMs: timeoutMs };
    if (DNS_CODES.has(code)) return { kind: "dns", code };
    if (
        code.startsWith("ERR_SSL") ||
        code.startsWith("CERT_") ||
        code.includes("CERT") ||
        code === "EPROTO" ||
        code === "UNABLE_TO_VERIFY_LEAF_SIGNATURE" ||
        code === "SELF_SIGNED_CERT_IN_CHAIN"
    ) {
        return { kind: "tls", code, message: err.message };
    }
    return { kind: "other", code: code || "error", message: err.message };
}

/** One GET; never rejects: every ending is a Symptom. */
export function requestOnce(url: string, timeoutMs: number): Promise<Symptom> {
    return new Promise((resolve) => {
        let parsed: URL;
        try {
            parsed = new URL(url);
        } catch {
            resolve({ kind: "other", code: "ERR_INVALID_URL", message: `not a URL: ${url}` });
            return;
        }
        // Required here, not imported: the engine serializes this function into the dynamic
        // provider, and a require() call is what its serializer turns into a module reference
        // whatever the transpiler made of an import.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const client: typeof httpTypes = parsed.protocol === "https:" ? require("https") : require("http");
        let settled = false;
        const done = (s: Symptom) => {
            if (!settled) {
                settled = true;
                resolve(s);
            }
        };
        const req = client.get(parsed, { timeout: timeoutMs, headers: { "user-agent": "gin-deploy-reachability" } }, (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (d: string) => {
                if (body.length < 4096) body += d;
            });
            res.on("end", () => done({ kind: "answered", status: res.statusCode ?? 0, body }));
            res.on("error", (err) => done(classify(err, timeoutMs)));
        });
        // One deadline for the whole request (connect + answer), not only for socket idleness.
        const timer = setTimeout(() => {
            done({ kind: "timeout", afterMs: timeoutMs });
            req.destroy();
        }, timeoutMs);
        req.on("timeout", () => {
            done({ kind: "timeout", afterMs: timeoutMs });
            req.destroy();
        });
        req.on("error", (err) => done(classify(err, timeoutMs)));
        req.on("close", () => clearTimeout(timer));
    });
}

/** GET <url>/version until it answers with the expected version or the attempts run out. */
export async function probe(opts: ProbeOptions): Promise<ProbeResult> {
    const started = process.hrtime.bigint();
    let parsed: URL | undefined;
    try {
        parsed = new URL(opts.url);
    } catch {
        parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
        return {
            ok: false,
            cause: "bad-url",
            observed: `url ${JSON.stringify(opts.url)} is not an http(s) URL`,
            explanation: "the URL is not an http(s) URL",
            fix: "set gin-deploy:publicUrl to http://<host>:<port>",
            attempts: 0,
            seconds: 0,
        };
    }
    const target = `${opts.url.replace(/\/$/, "")}/version`;
    let last: Diagnosis | undefined;
    let attempt: number;
    for (attempt = 1; attempt <= opts.attempts; attempt++) {
        last = diagnose(await requestOnce(target, opts.timeoutMs), opts);
        if (last.ok) break;
        if (attempt < opts.attempts) await new Promise((r) => setTimeout(r, opts.intervalMs));
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { ...(last as Diagnosis), attempts: Math.min(attempt, opts.attempts), seconds };
}
