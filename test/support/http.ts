// The suites' one HTTP client: a request on a fresh connection (no keep-alive, so a release's
// socket hand-over is seen as a new client sees it), to loopback only. The suites send nothing to a
// pod, node, container or any other address: a URL that is not 127.0.0.0/8 or [::1] is refused.
import * as http from "http";

export interface HttpAnswer {
    status: number;
    body: string;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|\[::1\])$/;

/** METHOD url (with a JSON body when given); resolves with any status, rejects on no answer within timeoutMs. */
export function request(method: string, url: string, body?: string, timeoutMs = 5000): Promise<HttpAnswer> {
    const u = new URL(url);
    if (!LOOPBACK.test(u.hostname)) return Promise.reject(new Error(`${url} is not a loopback URL (127.0.0.1 or [::1])`));
    return new Promise((resolve, reject) => {
        const req = http.request(
            u,
            { method, agent: false, timeout: timeoutMs, headers: body === undefined ? {} : { "content-type": "application/json" } },
            (res) => {
                let data = "";
                res.setEncoding("utf8");
                res.on("data", (c: string) => (data += c));
                res.on("end", () => resolve({ status: res.statusCode ?? 0, body: data }));
            },
        );
        req.on("timeout", () => req.destroy(new Error(`${method} ${url}: no answer within ${timeoutMs} ms`)));
        req.on("error", reject);
        req.end(body);
    });
}

/** GET url. */
export function get(url: string, timeoutMs?: number): Promise<HttpAnswer> {
    return request("GET", url, undefined, timeoutMs);
}

/** GET url and parse its JSON; rejects on a status of 300 or more, or a body that is not JSON. */
export async function getJson(url: string, timeoutMs = 3000): Promise<Record<string, unknown>> {
    const res = await get(url, timeoutMs);
    if (res.status >= 300) throw new Error(`GET ${url}: ${res.status} ${res.body}`);
    try {
        return JSON.parse(res.body) as Record<string, unknown>;
    } catch {
        throw new Error(`GET ${url}: not JSON: ${res.body.slice(0, 200)}`);
    }
}
