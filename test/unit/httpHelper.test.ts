// The project's HTTP client (scripts/loopbackHttp.ts): loopback only, any status returned, JSON
// checked, a fresh connection unless a keep-alive agent is given; and the load built on it.
import * as assert from "assert";
import * as http from "http";
import { AddressInfo } from "net";

import { get, getJson, request } from "../../scripts/loopbackHttp";
import { startLoad } from "../support/loopbackLoad";

describe("the suites' HTTP helper", () => {
    let server: http.Server;
    let base: string;
    // The client ports the server saw, one per connection.
    const clientPorts = new Set<number>();
    before(async () => {
        server = http.createServer((req, res) => {
            clientPorts.add(req.socket.remotePort ?? 0);
            if (req.url === "/json") {
                res.end(JSON.stringify({ version: "v1", method: req.method }));
            } else if (req.url === "/echo") {
                let body = "";
                req.on("data", (c) => (body += c));
                req.on("end", () => {
                    res.setHeader("x-accept", String(req.headers.accept));
                    res.end(`${req.headers["content-type"]} ${req.headers.connection} ${body}`);
                });
            } else if (req.url === "/slow") {
                setTimeout(() => res.end("late"), 1000);
            } else if (req.url === "/cut") {
                // Promises more than it sends, then drops the connection: a process stopped mid-answer.
                res.writeHead(200, { "content-length": "100" });
                res.write("partial");
                setTimeout(() => req.socket.destroy(), 50);
            } else {
                res.statusCode = 503;
                res.end("not ready");
            }
        });
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
        base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => server.close());

    it("returns any status with its body, sends a JSON body and the headers asked for, and returns the answer's headers", async () => {
        const down = await get(`${base}/down`);
        assert.deepStrictEqual({ status: down.status, body: down.body }, { status: 503, body: "not ready" });
        const echo = await request("POST", `${base}/echo`, { body: '{"a":1}', headers: { accept: "text/plain" } });
        assert.deepStrictEqual(
            { status: echo.status, body: echo.body, accept: echo.headers["x-accept"] },
            { status: 200, body: 'application/json close {"a":1}', accept: "text/plain" },
        );
        assert.deepStrictEqual(await getJson(`${base}/json`), { version: "v1", method: "GET" });
    });

    it("refuses a status of 300 or more as JSON, a slow answer past its timeout, and an answer cut short", async () => {
        await assert.rejects(getJson(`${base}/down`), /GET .*\/down: 503 not ready/);
        await assert.rejects(get(`${base}/slow`, { timeoutMs: 200 }), (err: NodeJS.ErrnoException) => {
            assert.match(err.message, /no answer within 200 ms/);
            assert.strictEqual(err.code, "TIMEOUT");
            return true;
        });
        await assert.rejects(get(`${base}/cut`), /aborted|socket hang up/);
    });

    it("opens a connection per request, unless given a keep-alive agent", async () => {
        clientPorts.clear();
        for (let i = 0; i < 3; i++) await get(`${base}/json`);
        assert.strictEqual(clientPorts.size, 3, "three requests without an agent: three connections");
        clientPorts.clear();
        const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
        try {
            for (let i = 0; i < 3; i++) await get(`${base}/json`, { agent });
        } finally {
            agent.destroy();
        }
        assert.strictEqual(clientPorts.size, 1, "three requests with a keep-alive agent: one connection");
    });

    it("sends nothing to an address that is not loopback, and neither does the load", async () => {
        for (const url of ["http://10.0.0.1/", "http://169.254.169.254/latest/meta-data", "http://example.com/", "http://[fe80::1]/"]) {
            await assert.rejects(get(url), /is not a loopback URL/, url);
            assert.throws(() => startLoad({ url, freshConnectionWorkers: 1, maxRequests: 1, maxSeconds: 1 }), /is not a loopback URL/, url);
        }
    });

    /** Runs a load to its maxRequests, then stops it (stop() alone ends it after the requests in flight). */
    async function loadToTheEnd(options: Parameters<typeof startLoad>[0]) {
        const load = startLoad(options);
        while (load.progress().sent < options.maxRequests) await new Promise((r) => setTimeout(r, 5));
        return load.stop();
    }

    it("the load counts answers by version and losses by cause, on both kinds of connection", async () => {
        const ok = await loadToTheEnd({
            url: `${base}/json`,
            freshConnectionWorkers: 2,
            keepAliveWorkers: 2,
            maxRequests: 40,
            maxSeconds: 10,
        });
        assert.deepStrictEqual(
            { sent: ok.sent, ok: ok.ok, lost: ok.lost, versions: ok.versions },
            { sent: 40, ok: 40, lost: 0, versions: { v1: 40 } },
        );
        const down = await loadToTheEnd({
            url: `${base}/down`,
            freshConnectionWorkers: 0,
            keepAliveWorkers: 1,
            maxRequests: 2,
            maxSeconds: 10,
        });
        assert.deepStrictEqual(down.lostBy, { "keep-alive: HTTP 503": 2 });
        const closed = http.createServer();
        await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
        const closedPort = (closed.address() as AddressInfo).port;
        await new Promise((r) => closed.close(r));
        const refused = await loadToTheEnd({
            url: `http://127.0.0.1:${closedPort}/`,
            freshConnectionWorkers: 1,
            maxRequests: 2,
            maxSeconds: 10,
        });
        assert.deepStrictEqual(refused.lostBy, { "fresh connection: ECONNREFUSED": 2 });
    });
});
