// A bounded loopback load: a few clients sending GET requests one after another, each on a new
// connection, until stopped or a limit is reached. Counts what was sent and what failed.
import * as http from "http";

export interface LoadOptions {
  url: string;
  concurrency: number;
  /** Stop after this many requests in all... */
  maxRequests: number;
  /** ...or after this long, whichever comes first. */
  maxSeconds: number;
}

export interface LoadResult {
  sent: number;
  failed: number;
  /** The first few failures, to say what went wrong. */
  failures: string[];
  versions: Record<string, number>;
}

export interface RunningLoad {
  stop(): Promise<LoadResult>;
}

function once(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: 5000 }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("no answer within 5 s")));
    req.on("error", reject);
  });
}

export function startLoad(opts: LoadOptions): RunningLoad {
  const u = new URL(opts.url);
  if (!/^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(u.hostname)) throw new Error(`${opts.url} is not a loopback URL`);
  const result: LoadResult = { sent: 0, failed: 0, failures: [], versions: {} };
  const deadline = performance.now() + opts.maxSeconds * 1000;
  let stopped = false;
  const worker = async () => {
    while (!stopped && result.sent < opts.maxRequests && performance.now() < deadline) {
      result.sent++;
      try {
        const res = await once(opts.url);
        if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.body.slice(0, 120)}`);
        const version = String((JSON.parse(res.body) as { version?: unknown }).version);
        result.versions[version] = (result.versions[version] ?? 0) + 1;
      } catch (err) {
        result.failed++;
        if (result.failures.length < 5) result.failures.push((err as Error).message);
      }
    }
  };
  const workers = Array.from({ length: opts.concurrency }, worker);
  return {
    async stop() {
      stopped = true;
      await Promise.all(workers);
      return result;
    },
  };
}
