// lib.sh, the release library both modes' host scripts share, run in bash with the contract the
// components render: the shared options' rules and defaults, and the slot release's order of steps
// (start, gate, switch, gate again, drain, retire) and its rollback. The steps a mode supplies are
// stand-ins that record what they were asked to do, and a slot "answers" through files, so the
// order is what is tested here; test:host, test:container and test:reuse run both modes for real.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { renderContainerContract } from "../../components/container/renderers/contract";
import { renderSystemdContract } from "../../components/systemd/renderers/contract";
import { hostScript } from "../support/hostScripts";

interface Run {
    status: number;
    stdout: string;
    stderr: string;
}

describe("lib.sh: the release library both modes share", () => {
    let dir: string;

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "gd-release-lib-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** Sources lib.sh beside the rendered contract (as uploaded), then runs `body`. */
    function run(contract: string, body: string): Run {
        fs.copyFileSync(hostScript("lib.sh"), path.join(dir, "lib.sh"));
        fs.writeFileSync(path.join(dir, "contract.sh"), contract);
        const res = spawnSync(
            "bash",
            ["-c", `set -euo pipefail; script_name=test; source "$1/lib.sh"; load_contract; ${body}`, "bash", dir],
            { encoding: "utf8", timeout: 30_000 },
        );
        return { status: res.status ?? -1, stdout: res.stdout.trim(), stderr: res.stderr.trim() };
    }

    const VALID = "port=8080 version=v1.2.3";

    describe("the shared options", () => {
        for (const [mode, contract] of [
            ["systemd", renderSystemdContract("gin-app")],
            ["container", renderContainerContract("gin-app")],
        ] as const) {
            it(`${mode}: an option not given takes the contract's default, the same in both modes`, () => {
                const res = run(
                    contract,
                    `${VALID}; check_release_options; echo "$health_path $health_timeout $drain_timeout $version_check"`,
                );
                assert.strictEqual(res.stderr, "");
                const defaults = run(
                    contract,
                    `echo "$DEFAULT_HEALTH_PATH $DEFAULT_HEALTH_TIMEOUT_SECONDS $DEFAULT_DRAIN_TIMEOUT_SECONDS on"`,
                );
                assert.strictEqual(res.stdout, defaults.stdout);
                assert.match(res.stdout, /^\/\S* [1-9][0-9]* [0-9]+ on$/);
            });
        }

        const contract = renderSystemdContract("gin-app");
        for (const [setting, message] of [
            ["port=0", /--port '0' is not a TCP port \(1-65535\)/],
            ["port=65536", /--port '65536' is not a TCP port/],
            ["port=80a", /--port '80a' is not a TCP port/],
            ["version='v 1'", /--version 'v 1' is not a release version/],
            ["health_path='/a b'", /--health-path '\/a b' must be a URL path/],
            ["health_path='/#x'", /--health-path '\/#x' must be a URL path/],
            ["health_path=healthz", /--health-path 'healthz' must be a URL path starting with \//],
            ["health_timeout=0", /--health-timeout '0' must be whole seconds from 1 to 3600/],
            ["health_timeout=3601", /--health-timeout '3601' must be whole seconds/],
            ["drain_timeout=-1", /--drain-timeout '-1' must be whole seconds from 0 to 3600/],
            ["version_check=yes", /--version-check must be on or off, got 'yes'/],
            ["slot_ports=8081,8081", /--slot-ports '8081,8081' must be two TCP ports, BLUE,GREEN, other than each other and --port 8080/],
            ["slot_ports=8080,8082", /--slot-ports '8080,8082' must be two TCP ports/],
            ["slot_ports=8081", /--slot-ports '8081' must be two TCP ports/],
        ] as const) {
            it(`refuses ${setting}, naming the option and the rule, with exit 2`, () => {
                const res = run(contract, `${VALID}; ${setting}; check_release_options`);
                assert.strictEqual(res.status, 2, res.stderr);
                assert.match(res.stderr, message);
            });
        }

        it("accepts the edges of each rule (a leading zero is decimal, not octal)", () => {
            const res = run(
                contract,
                `port=65535 version=v1 health_path=/ health_timeout=3600 drain_timeout=0 slot_ports=08,09 version_check=off; check_release_options; echo ok`,
            );
            assert.deepStrictEqual([res.status, res.stdout], [0, "ok"], res.stderr);
        });

        it("a flag without a value is refused, naming it", () => {
            const res = run(contract, `release_option --health-path ""`);
            assert.strictEqual(res.status, 2);
            assert.match(res.stderr, /--health-path needs a value/);
        });
    });

    describe("a slot release", () => {
        // Stand-ins for a mode's steps: each records itself; a started slot answers the health path
        // and reports the version it was started with, unless told to fail; the public port
        // answers as the slot SLOT_LINK points at.
        const steps = (failAt = "") => `
            BLUE_SOCKET_PATH="$D/blue.sock" GREEN_SOCKET_PATH="$D/green.sock" SLOT_LINK="$D/current.sock"
            port=8080 slot_ports=8081,8082 version=v2 drain_timeout=0 version_check=on
            check_release_options
            step() { echo "$*" >>"$D/steps"; }
            slot_start() { step start "$1"; [[ "${failAt}" != start ]] || { failed_check="start failed"; return 1; }
                           [[ "${failAt}" == gate ]] || echo "$version" >"$D/answers-$(slot_port "$1")"; }
            slot_serve() { step serve "$1"; }
            slot_front() { step front; [[ "${failAt}" != public ]] || rm -f "$D"/answers-*; }
            slot_retire() { step retire "$1"; rm -f "$D/answers-$(slot_port "$1")"; }
            slot_logs() { step logs "$1"; }
            slot_undo() { step undo; }
            http_get() {
                local p=$1 s
                if [[ $p == "$port" ]]; then
                    s=$(current_slot); [[ -n $s ]] || return 1; p=$(slot_port "$s")
                fi
                [[ -f "$D/answers-$p" ]] || return 1
                if [[ $2 == /version ]]; then printf '{"version":"%s"}' "$(cat "$D/answers-$p")"; fi
            }
            sleep() { :; }
            health_timeout=1`;

        function release(before: "none" | "blue", failAt = ""): Run & { steps: string[]; link: string } {
            const setup = before === "blue" ? `ln -s "$D/blue.sock" "$D/current.sock"; echo v1 >"$D/answers-8081";` : "";
            const res = run(renderSystemdContract("gin-app"), `D='${dir}'; ${steps(failAt)}; ${setup} run_slot_release; echo released`);
            const stepsFile = path.join(dir, "steps");
            const link = path.join(dir, "current.sock");
            return {
                ...res,
                steps: fs.existsSync(stepsFile) ? fs.readFileSync(stepsFile, "utf8").trim().split("\n") : [],
                link: fs.lstatSync(link, { throwIfNoEntry: false }) ? path.basename(fs.readlinkSync(link)) : "",
            };
        }

        it("the first release starts blue, gates it, points the front at it and retires nothing", () => {
            const r = release("none");
            assert.strictEqual(r.stdout, "released", r.stderr);
            assert.deepStrictEqual(r.steps, ["start blue", "serve blue", "front"]);
            assert.strictEqual(r.link, "blue.sock");
        });

        it("the next release starts the idle slot, switches, then drains and retires the old one", () => {
            const r = release("blue");
            assert.strictEqual(r.stdout, "released", r.stderr);
            assert.deepStrictEqual(r.steps, ["start green", "serve green", "front", "retire blue"]);
            assert.strictEqual(r.link, "green.sock");
            assert.match(r.stderr, /slot green serves port 8080/);
            assert.match(r.stderr, /slot blue stopped \(no drain wait: the app drains on SIGTERM itself\)/);
        });

        for (const [connections, said] of [
            ["", /slot on port 8081 drained: no connection open[^]*slot blue drained and stopped/],
            ["ESTAB 0 0 127.0.0.1:8081 127.0.0.1:40000", /connections still open on slot port 8081 after 1s: stopping the slot anyway/],
        ] as const) {
            it(`with a drain timeout, the old slot stops once ss shows ${connections ? "connections to the bound" : "no connection"}`, () => {
                const r = run(
                    renderSystemdContract("gin-app"),
                    `D='${dir}'; ${steps()}; ln -s "$D/blue.sock" "$D/current.sock"; echo v1 >"$D/answers-8081"
                     drain_timeout=1; ss() { step ss "$*"; printf '%s' '${connections}'; }; run_slot_release`,
                );
                assert.strictEqual(r.status, 0, r.stderr);
                assert.match(r.stderr, said);
                const recorded = fs.readFileSync(path.join(dir, "steps"), "utf8").trim().split("\n");
                const looks = recorded.filter((l) => l.startsWith("ss "));
                assert.ok(looks.length >= (connections ? 1 : 3), looks.join("; "));
                assert.ok(
                    looks.every((l) => l === "ss -Htn state established ( sport = :8081 )"),
                    looks.join("; "),
                );
                assert.strictEqual(recorded[recorded.length - 1], "retire blue");
            });
        }

        for (const [failAt, said] of [
            ["start", /release v2 FAILED: start failed/],
            ["gate", /release v2 FAILED: health check: GET http:\/\/127\.0\.0\.1:8082\/healthz did not answer 2xx or 3xx within 1s/],
            [
                "public",
                /release v2 FAILED: port 8080 after the switch to slot green: health check: GET http:\/\/127\.0\.0\.1:8080\/healthz/,
            ],
        ] as const) {
            it(`a failure at ${failAt}: the new slot's logs, the link back at the old slot, the new one retired, exit 1`, () => {
                const r = release("blue", failAt);
                assert.strictEqual(r.status, 1, r.stderr);
                assert.notStrictEqual(r.stdout, "released");
                assert.match(r.stderr, said);
                assert.match(r.stderr, /rolled back: slot blue keeps serving the previous release on port 8080/);
                assert.deepStrictEqual(r.steps.slice(-3), ["logs green", "retire green", "undo"]);
                assert.ok(!r.steps.includes("retire blue"), "the old slot was stopped");
                assert.strictEqual(r.link, "blue.sock");
            });
        }

        it("a version the new slot does not report fails the gate on the slot's own port", () => {
            const r = run(
                renderSystemdContract("gin-app"),
                `D='${dir}'; ${steps()}; slot_start() { step start "$1"; echo v9 >"$D/answers-$(slot_port "$1")"; }; run_slot_release`,
            );
            assert.strictEqual(r.status, 1);
            assert.match(r.stderr, /version check: \/version reports 'v9', expected 'v2' \(GET http:\/\/127\.0\.0\.1:8081\/version\)/);
            assert.match(r.stderr, /no previous release: nothing serves port 8080/);
        });
    });
});
