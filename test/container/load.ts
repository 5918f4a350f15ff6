// A bounded loopback load: `concurrency` workers send GET requests one after another, each on a
// new connection (no keep-alive, so every request opens, is answered and closes on its own), until
// stop() is called, `maxRequests` were sent, or `maxSeconds` passed. A request is lost when it gets
// no 200: refused, reset, timed out or an error status. The load is closed-loop: a worker stuck on
// one request sends no other, so a stall shows as few lost requests and a long maxLatencyMs.
import * as http from "http";

export interface LoadOptions {
  url: string;
  concurrency: number;
  maxRequests: number;
  maxSeconds: number;
  timeoutMs?: number;
}

export interface LoadResult {
  sent: number;
  ok: number;
  lost: number;
  /** The first few failures, for the test's message. */
  failures: string[];
  seconds: number;
  /** The longest any request waited, answered or not: how long the service stalled. */
  maxLatencyMs: number;
}

export interface RunningLoad {
  stop(): Promise<LoadResult>;
  done: Promise<LoadResult>;
  /** Requests answered 200 so far. */
  okSoFar(): number;
}

function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (!/^127\.\d+\.\d+\.\d+$/.test(host) && host !== "[::1]" && host !== "localhost") {
    throw new Error(`load target ${url} is not on loopback: this suite only sends traffic to 127.0.0.0/8 or ::1`);
  }
}

function once(url: string, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, headers: { Connection: "close" }, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode === 200 ? undefined : `status ${res.statusCode}`));
      res.on("error", (e) => resolve(`response ${e.message}`));
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

export function startLoad(opts: LoadOptions): RunningLoad {
  assertLoopback(opts.url);
  const started = performance.now();
  let stopping = false;
  let sent = 0;
  let ok = 0;
  const failures: string[] = [];
  let lost = 0;
  let maxLatencyMs = 0;
  const worker = async () => {
    while (!stopping && sent < opts.maxRequests && performance.now() - started < opts.maxSeconds * 1000) {
      sent++;
      const t = performance.now();
      const failure = await once(opts.url, opts.timeoutMs ?? 5000);
      maxLatencyMs = Math.max(maxLatencyMs, Math.round(performance.now() - t));
      if (failure === undefined) ok++;
      else {
        lost++;
        if (failures.length < 10) failures.push(`${((performance.now() - started) / 1000).toFixed(2)}s ${failure}`);
      }
    }
  };
  const done = Promise.all(Array.from({ length: opts.concurrency }, worker)).then(
    (): LoadResult => ({ sent, ok, lost, failures, seconds: (performance.now() - started) / 1000, maxLatencyMs }),
  );
  return {
    done,
    okSoFar: () => ok,
    stop: async () => {
      stopping = true;
      return done;
    },
  };
}
