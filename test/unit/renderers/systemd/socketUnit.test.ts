import * as assert from "assert";
import { renderSocketUnit } from "../../../../components/systemd/renderers/socketUnit";

describe("renderSocketUnit", () => {
    const unit = renderSocketUnit({ serviceName: "gin-app", port: 8080 });

    it("listens on 0.0.0.0 so the app is reachable from outside the host (S2)", () => {
        assert.match(unit, /^ListenStream=0\.0\.0\.0:8080$/m);
    });

    it("hands one listening socket to one long-running service (Accept=no)", () => {
        assert.match(unit, /^Accept=no$/m);
        assert.match(unit, /^Service=gin-app\.service$/m);
    });

    it("is enabled through sockets.target", () => {
        assert.match(unit, /^\[Install\]\nWantedBy=sockets\.target$/m);
    });

    it("refuses a port outside 1-65535", () => {
        assert.throws(
            () => renderSocketUnit({ serviceName: "gin-app", port: 0 }),
            /port=0 is not a TCP port: give a whole number from 1 to 65535/,
        );
        assert.throws(() => renderSocketUnit({ serviceName: "gin-app", port: 70000 }), /port=70000 is not a TCP port/);
    });

    it("refuses a backlog too small to hold connections during a restart", () => {
        assert.throws(() => renderSocketUnit({ serviceName: "gin-app", port: 8080, backlog: 1 }), /backlog/);
    });
});
