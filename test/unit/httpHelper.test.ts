// The suites' HTTP helper (test/support/http.ts): loopback only, any status returned, JSON checked.
import * as assert from "assert";
import * as http from "http";
import { AddressInfo } from "net";

import { get, getJson, request } from "../support/http";

describe("the suites' HTTP helper", () => {
    let server: http.Server;
    let base: string;
    before(async () => {
        server = http.createServer((req, res) => {
            if (req.url === "/json") {
                res.end(JSON.stringify({ version: "v1", method: req.method }));
            } else if (req.url === "/echo") {
                let body = "";
                req.on("data", (c) => (body += c));
                req.on("end", () => res.end(`${req.headers["content-type"]} ${body}`));
            } else if (req.url === "/slow") {
                setTimeout(() => res.end("late"), 1000);
            } else {
                res.statusCode = 503;
                res.end("not ready");
            }
        });
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
        base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => server.close());

    it("returns any status with its body, and sends a JSON body", async () => {
        assert.deepStrictEqual(await get(`${base}/down`), { status: 503, body: "not ready" });
        assert.deepStrictEqual(await request("POST", `${base}/echo`, '{"a":1}'), { status: 200, body: 'application/json {"a":1}' });
        assert.deepStrictEqual(await getJson(`${base}/json`), { version: "v1", method: "GET" });
    });

    it("refuses a status of 300 or more as JSON, and a slow answer past its timeout", async () => {
        await assert.rejects(getJson(`${base}/down`), /GET .*\/down: 503 not ready/);
        await assert.rejects(get(`${base}/slow`, 200), /no answer within 200 ms/);
    });

    it("sends nothing to an address that is not loopback", async () => {
        for (const url of ["http://10.0.0.1/", "http://169.254.169.254/latest/meta-data", "http://example.com/", "http://[fe80::1]/"]) {
            await assert.rejects(get(url), /is not a loopback URL/, url);
        }
    });
});
