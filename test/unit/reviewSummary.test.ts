// The reviewer's summary (scripts/review/summary.ts) on real `pulumi preview --json` documents and
// event logs recorded by test/unit/fixtures/preview/record.ts and record-local.ts (its README says
// what each one is; kubernetes-* and local-* are the real components and providers, systemd-*
// component stand-ins for what the local stack cannot show).
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

import {
    digestFromEvents,
    parseEventLog,
    PreviewDigest,
    renderSummary,
    StackSummary,
    summarize,
    violationsFromEvents,
} from "../../scripts/review/summary";

const FIXTURES = path.join(__dirname, "fixtures", "preview");

function fixture(name: string): { digest: PreviewDigest; events: ReturnType<typeof parseEventLog> } {
    return {
        digest: JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), "utf8")) as PreviewDigest,
        events: parseEventLog(fs.readFileSync(path.join(FIXTURES, `${name}.events.jsonl`), "utf8")),
    };
}

function summary(name: string): StackSummary {
    const { digest, events } = fixture(name);
    return summarize("prod", digest, violationsFromEvents(events));
}

const NAMES = fs
    .readdirSync(FIXTURES)
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.replace(/\.json$/, ""));

describe("review summary (scripts/review/summary.ts) on recorded previews", () => {
    it("is pure: summary.ts imports no Pulumi and does no I/O", () => {
        const text = fs.readFileSync(path.join(__dirname, "..", "..", "scripts", "review", "summary.ts"), "utf8");
        assert.deepStrictEqual([...text.matchAll(/^import .*$/gm)], []);
    });

    it("has the recorded fixtures, each a preview --json document with its event log", () => {
        assert.ok(NAMES.length >= 10, NAMES.join(", "));
        for (const name of NAMES) assert.ok(fs.existsSync(path.join(FIXTURES, `${name}.events.jsonl`)), `${name}.events.jsonl is missing`);
    });

    it("says nothing changes on a no-op preview", () => {
        const s = summary("kubernetes-no-change");
        assert.deepStrictEqual(s.changes, {});
        assert.deepStrictEqual([s.settings, s.release, s.removals, s.other], [[], [], [], []]);
        assert.strictEqual(s.restart.restarts, false);
    });

    it("shows a setting by name with its old and new value (kubernetes: the ConfigMap)", () => {
        const s = summary("kubernetes-setting");
        assert.deepStrictEqual(s.settings, [{ name: "LOG_LEVEL", old: "info", new: "debug", secret: false }]);
        assert.match(renderSummary(s), /LOG_LEVEL: `info` => `debug`/);
    });

    it("shows a secret by name only, and only that it changed", () => {
        const s = summary("kubernetes-password");
        assert.deepStrictEqual(s.settings, [{ name: "DB_PASSWORD", old: "[secret]", new: "[secret]", secret: true }]);
        const text = renderSummary(s);
        assert.match(text, /DB_PASSWORD: \[secret\] => \[secret\]/);
    });

    it("never shows a secret value: none of the fixtures' placeholder passwords appears anywhere", () => {
        for (const name of NAMES) {
            const { digest, events } = fixture(name);
            const raw =
                fs.readFileSync(path.join(FIXTURES, `${name}.json`), "utf8") +
                fs.readFileSync(path.join(FIXTURES, `${name}.events.jsonl`), "utf8");
            for (const out of [
                raw,
                renderSummary(summarize("prod", digest)),
                renderSummary(summarize("prod", digestFromEvents(events)), "text"),
            ]) {
                assert.ok(!/fixture-password/.test(out), `${name}: a password is in plain text`);
            }
        }
    });

    it("gives the release old -> new: version and image digest (kubernetes)", () => {
        const s = summary("kubernetes-release");
        assert.deepStrictEqual(s.release, [
            { what: "version", old: "v1.0.0", new: "v1.1.0" },
            {
                what: "image",
                old: `registry.example.com/gin-app@sha256:${"a1".repeat(32)}`,
                new: `registry.example.com/gin-app@sha256:${"b2".repeat(32)}`,
            },
        ]);
    });

    it("calls a pod template change a zero-downtime rolling update (maxUnavailable 0)", () => {
        for (const name of ["kubernetes-release", "kubernetes-setting", "kubernetes-password", "kubernetes-scale-limits"]) {
            const r = summary(name).restart;
            assert.deepStrictEqual([r.restarts, r.zeroDowntime], [true, true], `${name}: ${r.how}`);
            assert.match(r.how, /rolling update of Deployment gin-app-deployment/);
        }
    });

    it("lists a replicas and a limits change path by path with old and new values", () => {
        const other = summary("kubernetes-scale-limits").other.map((c) => `${c.resource} ${c.path} ${String(c.old)} -> ${String(c.new)}`);
        assert.ok(
            other.includes("gin-app-deployment spec.template.spec.containers[0].resources.limits.memory 128Mi -> 256Mi"),
            other.join("\n"),
        );
        assert.ok(other.includes("gin-app-hpa spec.minReplicas 2 -> 3"), other.join("\n"));
        assert.ok(other.includes("gin-app-hpa spec.maxReplicas 4 -> 6"), other.join("\n"));
    });

    it("flags a replaced namespace and Deployment loudly, and the Deployment's replacement as downtime", () => {
        const s = summary("kubernetes-namespace");
        const severe = s.removals.filter((r) => r.severe).map((r) => `${r.op} ${r.type} ${r.name}`);
        assert.deepStrictEqual(severe, [
            "replace kubernetes:core/v1:Namespace gin-app-namespace",
            "replace kubernetes:apps/v1:Deployment gin-app-deployment",
        ]);
        assert.strictEqual(s.removals.length, 8);
        assert.deepStrictEqual([s.restart.restarts, s.restart.zeroDowntime], [true, false]);
        const md = renderSummary(s);
        assert.ok(md.indexOf("[!CAUTION]") > 0 && md.indexOf("[!CAUTION]") < md.indexOf("**Restart**"), md);
        assert.match(md, /> \*\*REPLACE\*\* kubernetes:core\/v1:Namespace `gin-app-namespace` \(because metadata.name changes\)/);
    });

    it("lists the autonamed ConfigMap's replacement without alarm", () => {
        const s = summary("kubernetes-setting");
        assert.deepStrictEqual(
            s.removals.map((r) => [r.op, r.name, r.severe]),
            [["replace", "gin-app-config", false]],
        );
        assert.ok(!renderSummary(s).includes("CAUTION"));
    });

    it("lists the policy pack's violations from the event log, at their level", () => {
        const s = summary("kubernetes-policy");
        assert.deepStrictEqual(
            s.violations.map((v) => [v.policy, v.level]),
            [["prod-images-by-digest", "mandatory"]],
        );
        assert.match(
            renderSummary(s),
            /mandatory prod-images-by-digest: gin-app-deployment: container app runs "registry.example.com\/gin-app:v1.1.0"/,
        );
        assert.deepStrictEqual(s.errors, ["error: preview failed"]);
        assert.deepStrictEqual(summary("kubernetes-release").violations, []);
    });

    it("systemd (the local stack, real): logLevel info -> debug is LOG_LEVEL by name, old -> new, with a socket-activated restart", () => {
        const s = summary("local-setting");
        assert.deepStrictEqual(s.settings, [{ name: "LOG_LEVEL", old: "info", new: "debug", secret: false }]);
        assert.deepStrictEqual(s.secretEnvFileChanged, []);
        assert.deepStrictEqual([s.restart.restarts, s.restart.zeroDowntime], [true, true]);
        assert.match(s.restart.how, /^socket activation/);
        assert.deepStrictEqual(s.changes, { replace: 1 });
    });

    it("systemd (the local stack, real): a changed password is DB_PASSWORD by name only", () => {
        const s = summary("local-password");
        assert.deepStrictEqual(s.settings, [{ name: "DB_PASSWORD", old: "[secret]", new: "[secret]", secret: true }]);
        assert.deepStrictEqual([s.release, s.units, s.other], [[], [], []]);
    });

    it("systemd (the local stack, real): appPort 8080 -> 8081 is PORT old -> new and the socket unit changing", () => {
        const s = summary("local-port");
        assert.deepStrictEqual(s.settings, [{ name: "PORT", old: "8080", new: "8081", secret: false }]);
        assert.deepStrictEqual(s.units, [{ name: "gin-app.socket", op: "replace" }]);
        assert.deepStrictEqual(s.release, []);
    });

    it("systemd (the local stack, real): a Go code change is the release's version and binary old -> new", () => {
        const s = summary("local-code");
        assert.deepStrictEqual(
            s.release.map((r) => r.what),
            ["version", "binary"],
        );
        assert.match(s.release[0].new ?? "", /^[0-9a-f]{7,}-dirty$/);
        assert.strictEqual(s.release[0].new, `${s.release[0].old}-dirty`);
        assert.match(s.release[1].old ?? "", /^[0-9a-f]{64}$/);
        assert.notStrictEqual(s.release[1].old, s.release[1].new);
        assert.deepStrictEqual([s.settings, s.units, s.secretEnvFileChanged], [[], [], []]);
    });

    it("systemd (the local stack, real): the recorded preview texts show each change by name or as a line diff, never a secret", () => {
        const text = (name: string) => fs.readFileSync(path.join(FIXTURES, `${name}.preview.txt`), "utf8");
        assert.match(text("local-setting"), /~ LOG_LEVEL: "info" => "debug"/);
        assert.match(text("local-password"), /~ DB_PASSWORD: \[secret\] => \[secret\]/);
        assert.match(text("local-port"), /- ListenStream=0\.0\.0\.0:8080\n\s+\+ ListenStream=0\.0\.0\.0:8081/);
        assert.match(text("local-code"), /~ \[1\]: "([0-9a-f]+)" => "\1-dirty"/);
        for (const name of ["local-setting", "local-password", "local-port", "local-code", "local-to-container"]) {
            assert.ok(!/fixture-password|PRIVATE KEY/.test(text(name)), `${name}: a secret in the preview text`);
        }
    });

    it("systemd (stand-ins): a switch from socket activation to slots names the units and promises no zero downtime", () => {
        const s = summary("systemd-to-slots");
        assert.deepStrictEqual(s.units, [
            { name: "gin-app-app-blue.service", op: "create" },
            { name: "gin-app-app-green.service", op: "create" },
            { name: "gin-app.socket", op: "delete" },
        ]);
        assert.deepStrictEqual([s.restart.restarts, s.restart.zeroDowntime], [true, false]);
        assert.match(s.restart.how, /socket activation -> blue\/green slots/);
    });

    it("systemd (stand-ins): removing the service is an uninstall, flagged loudly", () => {
        const s = summary("systemd-removed");
        assert.deepStrictEqual([s.restart.restarts, s.restart.zeroDowntime], [true, false]);
        assert.deepStrictEqual(
            s.removals.filter((r) => r.severe).map((r) => r.name),
            ["gin-app-release"],
        );
        assert.deepStrictEqual(s.other, []);
    });

    it("computes the same summary from the event log as from the preview --json document", () => {
        for (const name of NAMES) {
            const { digest, events } = fixture(name);
            assert.deepStrictEqual(summarize("prod", digestFromEvents(events)), summarize("prod", digest), name);
        }
    });

    it("reads the settings map of a release's triggers: plain settings by value, a secret by name only", () => {
        // A constructed step (not a recording): the shape preview --json gives a command whose
        // triggers hold components/shared/settingsTrigger.ts's map, a secret shown as "[secret]".
        const urn = "urn:pulumi:dev::gin-deploy::gindeploy:host:SystemdService$command:remote:Command::gin-app-release";
        const state = (logLevel: string) => ({
            type: "command:remote:Command",
            inputs: {
                create: "bash install-release.sh --version v1",
                stdin: "[secret]",
                triggers: ["abc", { LOG_LEVEL: logLevel, DB_PASSWORD: "[secret]" }],
            },
        });
        const summary = summarize("dev", { steps: [{ op: "replace", urn, oldState: state("info"), newState: state("debug") }] } as never);
        assert.deepStrictEqual(
            summary.settings.map((c) => [c.name, c.old, c.new]),
            [["LOG_LEVEL", "info", "debug"]],
        );
        assert.deepStrictEqual(summary.secretEnvFileChanged, [], "a plain setting's change is not a secret env file change");
        // A changed password: both sides read "[secret]"; the engine's detailed diff names the path.
        const password = summarize("dev", {
            steps: [
                {
                    op: "replace",
                    urn,
                    oldState: state("info"),
                    newState: state("info"),
                    replaceReasons: ["triggers"],
                    detailedDiff: { "triggers[1].DB_PASSWORD": { kind: "update-replace", inputDiff: true } },
                },
            ],
        } as never);
        assert.deepStrictEqual(
            password.settings.map((c) => [c.name, c.old, c.new, c.secret]),
            [["DB_PASSWORD", "[secret]", "[secret]", true]],
        );
    });
});
