// A small bounded HTTP load on loopback: some workers reuse keep-alive connections, others open a
// fresh connection per request (both are how real clients arrive). It stops at maxRequests or
// maxSeconds, whichever comes first, and counts every request that did not get a 200.
import * as http from "http";

export interface LoadOptions {
    port: number;
    path: string;
    keepAliveWorkers: number;
    freshConnectionWorkers: number;
    maxRequests: number;
    maxSeconds: number;
    /** A request that takes longer counts as lost. */
    requestTimeoutMs: number;
}

export interface LoadResult {
    sent: number;
    ok: number;
    lost: number;
    /** Lost requests by connection kind and cause (error code or HTTP status). */
    lostBy: Record<string, number>;
    /** Answers by the `version` they reported. */
    versions: Record<string, number>;
    seconds: number;
    /** Longest time one request took, in milliseconds. */
    maxLatencyMs: number;
}

export interface RunningLoad {
    /** Stops sending, waits for requests in flight, and returns the tally. */
    stop(): Promise<LoadResult>;
    /** The tally so far. */
    progress(): { sent: number; ok: number; lost: number };
}

export function startLoad(options: LoadOptions): RunningLoad {
    const result: LoadResult = { sent: 0, ok: 0, lost: 0, lostBy: {}, versions: {}, seconds: 0, maxLatencyMs: 0 };
    const started = performance.now();
    let stopping = false;
    const lose = (cause: string) => {
        result.lost++;
        result.lostBy[cause] = (result.lostBy[cause] ?? 0) + 1;
    };
    const more = () => !stopping && result.sent < options.maxRequests && performance.now() - started < options.maxSeconds * 1000;

    const once = (agent: http.Agent | false) => new Promise<void>((resolve) => {
        const kind = agent === false ? "fresh connection" : "keep-alive";
        result.sent++;
        const t0 = performance.now();
        const done = () => {
            result.maxLatencyMs = Math.max(result.maxLatencyMs, Math.round(performance.now() - t0));
            resolve();
        };
        const req = http.request({
            host: "127.0.0.1", port: options.port, path: options.path, agent,
            headers: agent === false ? { connection: "close" } : {},
            timeout: options.requestTimeoutMs,
        }, (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (chunk: string) => { body += chunk; });
            res.on("end", () => {
                if (res.statusCode === 200) {
                    result.ok++;
                    let version = "?";
                    try { version = String((JSON.parse(body) as { version?: unknown }).version); } catch { /* counted as "?" */ }
                    result.versions[version] = (result.versions[version] ?? 0) + 1;
                } else {
                    lose(`${kind}: HTTP ${res.statusCode}`);
                }
                done();
            });
            res.on("error", (err: NodeJS.ErrnoException) => { lose(`${kind}: ${err.code ?? err.message}`); done(); });
        });
        req.on("timeout", () => req.destroy(Object.assign(new Error("timeout"), { code: "TIMEOUT" })));
        req.on("error", (err: NodeJS.ErrnoException) => { lose(`${kind}: ${err.code ?? err.message}`); done(); });
        req.end();
    });

    const worker = async (keepAlive: boolean) => {
        const agent = keepAlive ? new http.Agent({ keepAlive: true, maxSockets: 1 }) : false;
        while (more()) await once(agent);
        if (agent) agent.destroy();
    };
    const workers = [
        ...Array.from({ length: options.keepAliveWorkers }, () => worker(true)),
        ...Array.from({ length: options.freshConnectionWorkers }, () => worker(false)),
    ];
    const finished = Promise.all(workers).then(() => {
        result.seconds = (performance.now() - started) / 1000;
        return result;
    });
    return {
        stop: () => { stopping = true; return finished; },
        progress: () => ({ sent: result.sent, ok: result.ok, lost: result.lost }),
    };
}
