// The bounded HTTP load every real-host suite puts on a release: workers send GET requests one
// after another (closed loop: a worker stuck on one request sends no other, so a stall shows as a
// long maxLatencyMs), until stop(), maxRequests or maxSeconds. Keep-alive workers reuse one
// connection, fresh-connection workers open one per request: real clients arrive both ways, and a
// restart treats them differently. A request is lost when it gets no 200: refused, reset, timed
// out or an error status. Only loopback targets are accepted.
import * as http from "http";

import { assertLoopback, request } from "../../scripts/loopbackHttp";

export interface LoadOptions {
    /** What to GET, e.g. http://127.0.0.1:18080/version. */
    url: string;
    freshConnectionWorkers: number;
    keepAliveWorkers?: number;
    maxRequests: number;
    maxSeconds: number;
    /** A request that takes longer counts as lost (default 5000). */
    requestTimeoutMs?: number;
}

export interface LoadResult {
    sent: number;
    ok: number;
    lost: number;
    /** Lost requests by connection kind and cause (error code or HTTP status). */
    lostBy: Record<string, number>;
    /** The first few lost requests, with when they happened, for a test's message. */
    failures: string[];
    /** Answers by the `version` their JSON body reported ("?" for another body). */
    versions: Record<string, number>;
    seconds: number;
    /** The longest any request waited, answered or not: how long the service stalled. */
    maxLatencyMs: number;
}

export interface RunningLoad {
    /** Stops sending, waits for the requests in flight, and returns the tally. */
    stop(): Promise<LoadResult>;
    /** The tally so far. */
    progress(): { sent: number; ok: number; lost: number };
}

const MAX_FAILURES_KEPT = 10;

export function startLoad(options: LoadOptions): RunningLoad {
    assertLoopback(options.url);
    const timeoutMs = options.requestTimeoutMs ?? 5000;
    const result: LoadResult = { sent: 0, ok: 0, lost: 0, lostBy: {}, failures: [], versions: {}, seconds: 0, maxLatencyMs: 0 };
    const started = performance.now();
    let stopping = false;
    const more = () => !stopping && result.sent < options.maxRequests && performance.now() - started < options.maxSeconds * 1000;
    const lose = (cause: string) => {
        result.lost++;
        result.lostBy[cause] = (result.lostBy[cause] ?? 0) + 1;
        if (result.failures.length < MAX_FAILURES_KEPT) {
            result.failures.push(`${((performance.now() - started) / 1000).toFixed(2)}s ${cause}`);
        }
    };

    const once = async (agent: http.Agent | undefined) => {
        result.sent++;
        const t0 = performance.now();
        let failure: string | undefined;
        try {
            const res = await request("GET", options.url, { agent, timeoutMs });
            if (res.status === 200) {
                result.ok++;
                let version = "?";
                try {
                    version = String((JSON.parse(res.body) as { version?: unknown }).version);
                } catch {
                    /* counted as "?" */
                }
                result.versions[version] = (result.versions[version] ?? 0) + 1;
            } else {
                failure = `HTTP ${res.status}`;
            }
        } catch (err) {
            failure = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
        }
        result.maxLatencyMs = Math.max(result.maxLatencyMs, Math.round(performance.now() - t0));
        if (failure !== undefined) lose(`${agent ? "keep-alive" : "fresh connection"}: ${failure}`);
    };

    const worker = async (keepAlive: boolean) => {
        const agent = keepAlive ? new http.Agent({ keepAlive: true, maxSockets: 1 }) : undefined;
        while (more()) await once(agent);
        if (agent) agent.destroy();
    };
    const finished = Promise.all([
        ...Array.from({ length: options.keepAliveWorkers ?? 0 }, () => worker(true)),
        ...Array.from({ length: options.freshConnectionWorkers }, () => worker(false)),
    ]).then(() => {
        result.seconds = (performance.now() - started) / 1000;
        return result;
    });
    return {
        stop: () => {
            stopping = true;
            return finished;
        },
        progress: () => ({ sent: result.sent, ok: result.ok, lost: result.lost }),
    };
}
