// The reachability probe against real loopback servers, one per symptom, and the diagnosis each
// symptom gets (components/reachability): refused, closed without an answer, no answer, not the
// service, an old release, the right release.
import * as assert from "assert";
import * as http from "http";
import * as net from "net";

import { diagnose, securityGroupOpensPort } from "../../components/reachability/diagnosis";
import { probe, requestOnce } from "../../components/reachability/probe";
import { runCheck, validateCheckInputs } from "../../components/reachability/reachabilityCheck";

function listen(server: net.Server): Promise<number> {
    return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port)));
}

async function freePort(): Promise<number> {
    const s = net.createServer();
    const port = await listen(s);
    await new Promise((r) => s.close(r));
    return port;
}

describe("reachability probe and diagnosis (loopback servers)", function () {
    const servers: net.Server[] = [];
    const sockets: net.Socket[] = [];
    after(() => {
        for (const s of sockets) s.destroy();
        for (const s of servers) s.close();
    });

    async function start(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<string> {
        const s = http.createServer(handler);
        servers.push(s);
        return `http://127.0.0.1:${await listen(s)}`;
    }

    const base = { expectedVersion: "v2", attempts: 1, timeoutMs: 1000, intervalMs: 0, appPort: 8080 };

    it("connection refused: nothing-listens", async () => {
        const url = `http://127.0.0.1:${await freePort()}`;
        const r = await probe({ ...base, url });
        assert.strictEqual(r.cause, "nothing-listens");
        assert.match(r.observed, /connection refused/);
    });

    it("accepted and closed with no answer (a port forward to nothing): connection-dropped", async () => {
        const s = net.createServer((c) => c.destroy());
        servers.push(s);
        const r = await probe({ ...base, url: `http://127.0.0.1:${await listen(s)}` });
        assert.strictEqual(r.cause, "connection-dropped");
    });

    it("no answer before the timeout: blocked; on aws without an ingress rule: security-group-closed", async () => {
        const s = net.createServer((c) => {
            sockets.push(c);
        });
        servers.push(s);
        const url = `http://127.0.0.1:${await listen(s)}`;
        const started = Date.now();
        const r = await probe({ ...base, url, timeoutMs: 600 });
        assert.strictEqual(r.cause, "blocked");
        assert.ok(Date.now() - started < 3000, "the timeout bounds the request");
        const sg = await probe({
            ...base,
            url,
            timeoutMs: 600,
            securityGroupId: "sg-1",
            securityGroupIngress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["198.51.100.7/32"] }],
        });
        assert.strictEqual(sg.cause, "security-group-closed");
        assert.match(sg.observed, /sg-1 has no ingress rule for 8080\/tcp/);
    });

    it("another program answers: wrong-service; an HTTP error: unhealthy", async () => {
        const other = await start((_req, res) => {
            res.end("<html>nginx</html>");
        });
        assert.strictEqual((await probe({ ...base, url: other })).cause, "wrong-service");
        const error = await start((_req, res) => {
            res.statusCode = 502;
            res.end("bad gateway");
        });
        assert.strictEqual((await probe({ ...base, url: error })).cause, "unhealthy");
    });

    it("an older release answers: old-release; the expected one: ok; retries until it does", async () => {
        let calls = 0;
        const url = await start((req, res) => {
            assert.strictEqual(req.url, "/version");
            calls++;
            res.setHeader("content-type", "application/json");
            res.end(JSON.stringify({ version: calls < 3 ? "v1" : "v2" }));
        });
        const once = await probe({ ...base, url });
        assert.strictEqual(once.cause, "old-release");
        const retried = await probe({ ...base, url, attempts: 5 });
        assert.ok(retried.ok, retried.observed);
        assert.strictEqual(retried.attempts, 2);
    });

    it("a name that does not resolve: dns; not an http URL: bad-url", async () => {
        // No real lookup (traffic stays on loopback): the symptom as the resolver error gives it.
        const d = diagnose({ kind: "dns", code: "ENOTFOUND" }, { url: "http://app.example.invalid:8080", expectedVersion: "" });
        assert.strictEqual(d.cause, "dns");
        assert.match(d.fix ?? "", /gin-deploy:publicUrl/);
        assert.strictEqual((await probe({ ...base, url: "ftp://127.0.0.1/" })).cause, "bad-url");
    });

    it("TLS to a plain HTTP port: tls", async () => {
        const url = await start((_req, res) => {
            res.end("{}");
        });
        const r = await requestOnce(url.replace("http:", "https:") + "/version", 2000);
        assert.strictEqual(r.kind, "tls", JSON.stringify(r));
    });

    it("the security group rule test: port ranges, all-traffic rules, rules without CIDRs", () => {
        assert.ok(securityGroupOpensPort([{ protocol: "tcp", fromPort: 8000, toPort: 9000, cidrBlocks: ["0.0.0.0/0"] }], 8080));
        assert.ok(securityGroupOpensPort([{ protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlocks: ["::/0"] }], 8080));
        assert.ok(!securityGroupOpensPort([{ protocol: "tcp", fromPort: 8080, toPort: 8080, cidrBlocks: [] }], 8080));
        assert.ok(!securityGroupOpensPort([{ protocol: "udp", fromPort: 8080, toPort: 8080, cidrBlocks: ["0.0.0.0/0"] }], 8080));
    });

    it("the release check's provider: fails with the diagnosis, passes on the version, says when it is off", async () => {
        const url = await start((_req, res) => {
            res.end(JSON.stringify({ version: "v1" }));
        });
        const inputs = {
            url,
            expectedVersion: "v2",
            releaseId: "v2",
            attempts: 2,
            timeoutSeconds: 1,
            intervalSeconds: 0,
            enabled: true,
            disabledReason: "",
            appPort: 8080,
            serviceName: "gin-app",
        };
        await assert.rejects(runCheck(inputs), /version "v1", expected "v2"\ncause: an older release answers .*\[old-release\]\nfix: /);
        const ok = await runCheck({ ...inputs, expectedVersion: "v1" });
        assert.match(ok.observed, /HTTP 200, version v1/);
        const off = await runCheck({
            ...inputs,
            url: "http://10.0.0.1:8080",
            enabled: false,
            disabledReason: "private subnet: no route from the deploying machine",
        });
        assert.ok(off.skipped);
        assert.match(off.observed, /not checked: private subnet/);
        assert.deepStrictEqual(validateCheckInputs({ ...inputs, attempts: 0, url: "nope" }).length, 2);
    });
});
