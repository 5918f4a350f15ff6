// The project's one HTTP client for its own machinery (the suites, the load they put on a release,
// and the deploy scripts printing what a local stack serves): loopback only. Nothing is sent to a
// pod, node, container or any other address: a URL that is not 127.0.0.0/8 or [::1] is refused.
// By default every request opens a fresh connection (no keep-alive), so a release's socket
// hand-over is seen as a new client sees it; a keep-alive agent can be passed instead.
import * as http from "http";

export interface HttpAnswer {
    status: number;
    body: string;
    headers: http.IncomingHttpHeaders;
}

export interface RequestOptions {
    /** A JSON body (sent with content-type application/json). */
    body?: string;
    headers?: Record<string, string>;
    /** No answer within this long rejects (default 5000). */
    timeoutMs?: number;
    /** A keep-alive agent to reuse its connection; without one, a fresh connection (Connection: close). */
    agent?: http.Agent;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|\[::1\])$/;

/** Throws unless `url` names 127.0.0.0/8 or [::1]. */
export function assertLoopback(url: string): void {
    if (!LOOPBACK.test(new URL(url).hostname)) throw new Error(`${url} is not a loopback URL (127.0.0.1 or [::1])`);
}

/**
 * METHOD url; resolves with any status. Rejects when nothing answers within timeoutMs (the error's
 * code is TIMEOUT) or the connection fails (the socket's code, such as ECONNREFUSED or ECONNRESET).
 */
export function request(method: string, url: string, options: RequestOptions = {}): Promise<HttpAnswer> {
    try {
        assertLoopback(url);
    } catch (err) {
        return Promise.reject(err);
    }
    const timeoutMs = options.timeoutMs ?? 5000;
    const headers = { ...(options.body === undefined ? {} : { "content-type": "application/json" }), ...options.headers };
    return new Promise((resolve, reject) => {
        const req = http.request(url, { method, agent: options.agent ?? false, timeout: timeoutMs, headers }, (res) => {
            let data = "";
            res.setEncoding("utf8");
            res.on("data", (c: string) => (data += c));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body: data, headers: res.headers }));
            // A connection cut mid-answer (a process stopped during a release).
            res.on("error", reject);
        });
        req.on("timeout", () =>
            req.destroy(Object.assign(new Error(`${method} ${url}: no answer within ${timeoutMs} ms`), { code: "TIMEOUT" })),
        );
        req.on("error", reject);
        req.end(options.body);
    });
}

/** GET url. */
export function get(url: string, options: Omit<RequestOptions, "body"> = {}): Promise<HttpAnswer> {
    return request("GET", url, options);
}

/** GET url and parse its JSON; rejects on a status of 300 or more, or a body that is not JSON. */
export async function getJson(url: string, timeoutMs = 3000): Promise<Record<string, unknown>> {
    const res = await get(url, { timeoutMs });
    if (res.status >= 300) throw new Error(`GET ${url}: ${res.status} ${res.body}`);
    try {
        return JSON.parse(res.body) as Record<string, unknown>;
    } catch {
        throw new Error(`GET ${url}: not JSON: ${res.body.slice(0, 200)}`);
    }
}
