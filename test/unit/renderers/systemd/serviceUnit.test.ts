import * as assert from "assert";
import { renderServiceUnit } from "../../../../components/systemd/renderers/serviceUnit";

function directives(unit: string, key: string): string[] {
    return unit
        .split("\n")
        .filter((l) => l.startsWith(`${key}=`))
        .map((l) => l.slice(key.length + 1));
}

describe("renderServiceUnit", () => {
    const unit = renderServiceUnit({ serviceName: "gin-app" });

    it("runs the current release's binary with the 0600 env file", () => {
        assert.deepStrictEqual(directives(unit, "ExecStart"), ["/opt/gin-app/current/gin-app"]);
        assert.deepStrictEqual(directives(unit, "EnvironmentFile"), ["/etc/gin-app/gin-app.env"]);
    });

    it("keeps the article's settings: network-online, Restart=always, own user, LimitNOFILE, start limit", () => {
        assert.deepStrictEqual(directives(unit, "Wants"), ["network-online.target"]);
        assert.match(directives(unit, "After")[0], /network-online\.target/);
        assert.deepStrictEqual(directives(unit, "Restart"), ["always"]);
        assert.deepStrictEqual(directives(unit, "DynamicUser"), ["yes"]);
        assert.deepStrictEqual(directives(unit, "LimitNOFILE"), ["65536"]);
        assert.deepStrictEqual(directives(unit, "StartLimitIntervalSec"), ["60"]);
        assert.deepStrictEqual(directives(unit, "StartLimitBurst"), ["5"]);
    });

    it("does not let journald drop a busy service's lines (its rate limit would hide a crash reason)", () => {
        assert.deepStrictEqual(directives(unit, "LogRateLimitIntervalSec"), ["0"]);
    });

    it("is Type=notify and requires its socket when socket-activated (the default)", () => {
        assert.deepStrictEqual(directives(unit, "Type"), ["notify"]);
        assert.deepStrictEqual(directives(unit, "Requires"), ["gin-app.socket"]);
        assert.match(directives(unit, "After")[0], /gin-app\.socket/);
    });

    it("leaves the socket out for a plain unit", () => {
        const plain = renderServiceUnit({ serviceName: "gin-app", socketActivated: false });
        assert.deepStrictEqual(directives(plain, "Requires"), []);
        assert.doesNotMatch(plain, /gin-app\.socket/);
    });

    it("leaves PrivateUsers out unless asked (it fails inside containers)", () => {
        assert.deepStrictEqual(directives(unit, "PrivateUsers"), []);
        assert.deepStrictEqual(directives(renderServiceUnit({ serviceName: "gin-app", privateUsers: true }), "PrivateUsers"), ["yes"]);
    });

    it("drops every capability and sandboxes the file system", () => {
        assert.deepStrictEqual(directives(unit, "CapabilityBoundingSet"), [""]);
        assert.deepStrictEqual(directives(unit, "ProtectSystem"), ["strict"]);
        assert.deepStrictEqual(directives(unit, "NoNewPrivileges"), ["yes"]);
    });

    it("derives names from serviceName", () => {
        const other = renderServiceUnit({ serviceName: "orders-api" });
        assert.deepStrictEqual(directives(other, "ExecStart"), ["/opt/orders-api/current/orders-api"]);
        assert.deepStrictEqual(directives(other, "Requires"), ["orders-api.socket"]);
    });

    it("refuses a service name that cannot be a unit or user name", () => {
        assert.throws(() => renderServiceUnit({ serviceName: "Gin App" }), /serviceName "Gin App".*lowercase/);
        assert.throws(() => renderServiceUnit({ serviceName: "../etc" }), /serviceName/);
    });

    it("refuses timeouts and limits that are not whole positive numbers", () => {
        assert.throws(() => renderServiceUnit({ serviceName: "gin-app", stopTimeoutSec: 0 }), /stopTimeoutSec must be a whole number/);
        assert.throws(() => renderServiceUnit({ serviceName: "gin-app", startLimitBurst: 1.5 }), /startLimitBurst/);
    });

    it("refuses a multi-line description (it would inject directives)", () => {
        assert.throws(() => renderServiceUnit({ serviceName: "gin-app", description: "x\nExecStartPre=/bin/sh" }), /single line/);
    });
});
