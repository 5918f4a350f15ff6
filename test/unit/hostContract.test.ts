// The host scripts read their paths, names, rules and defaults from the contract the components
// render: every name a script reads is in its mode's contract, bash reads back the layout's values,
// and for every rule bash's =~ (or its bounds) and the TypeScript validator agree on each sample.
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { containerLayout, DEFAULT_STATE_MOUNT_PATH } from "../../components/container/layout";
import { releaseLayout } from "../../components/systemd/layout";
import { renderContainerContract } from "../../components/container/renderers/contract";
import { renderSystemdContract } from "../../components/systemd/renderers/contract";
import { HOST_RULES } from "../../components/shared/renderers/hostContract";
import { RELEASE_DEFAULTS } from "../../components/shared/renderers/releaseOptions";
import { UID_GID, validateContainerPath, validateStateVolumeName } from "../../components/rules/containerValues";
import { validatePinnedImage, validateSha256 } from "../../components/rules/digest";
import { validateHealthPath } from "../../components/rules/healthPath";
import { isPort } from "../../components/rules/port";
import { validateReleaseVersion } from "../../components/rules/releaseVersion";
import { validateDrainTimeout, validateHealthTimeout } from "../../components/rules/seconds";
import { validateServiceName } from "../../components/rules/serviceName";
import { hostScript } from "../support/hostScripts";

const BASH_VARIABLES = new Set(["SECONDS", "BASH_SOURCE"]);

function namesRead(script: string): string[] {
    const text = fs.readFileSync(hostScript(script), "utf8");
    return [...new Set([...text.matchAll(/\$\{?([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]))].filter((n) => !BASH_VARIABLES.has(n));
}

function sourced(contract: string, names: string[]): Record<string, string> {
    const out = execFileSync("bash", ["-c", `eval "$(cat)"; for n in ${names.join(" ")}; do printf '%s=%s\\0' "$n" "\${!n}"; done`], {
        input: contract,
        encoding: "utf8",
    });
    return Object.fromEntries(
        out
            .split("\0")
            .filter((entry) => entry !== "")
            .map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]),
    );
}

const modes = [
    {
        mode: "systemd",
        contract: renderSystemdContract("gin-app"),
        layout: releaseLayout("gin-app"),
        scripts: ["install-release.sh", "uninstall.sh", "lib.sh"],
    },
    {
        mode: "container",
        contract: renderContainerContract("gin-app"),
        layout: containerLayout("gin-app"),
        scripts: ["install-container.sh", "uninstall-container.sh", "lib.sh"],
    },
];

/** The JavaScript answer: the rule's own validator accepts the value. */
const accepts = (validate: (v: string) => unknown) => (v: string) => {
    try {
        validate(v);
        return true;
    } catch {
        return false;
    }
};

/** A bash test of $v against the contract: a pattern (=~) or whole-number bounds. */
const pattern = (name: string) => `[[ $v =~ $${name} ]]`;
const bounds = (min: string, max: string) => `[[ $v =~ ^[0-9]+$ ]] && (( v >= ${min} && v <= ${max} ))`;

const hex64 = "0123456789abcdef".repeat(4);
const image = (repo: string, digest = hex64) => `${repo}@sha256:${digest}`;

/** Each rule: its bash test, its TypeScript validator, values it must accept and values it must refuse. */
const RULES: Array<{ rule: string; bash: string; js: (v: string) => boolean; valid: string[]; invalid: string[] }> = [
    {
        rule: "SERVICE_NAME_PATTERN",
        bash: pattern("SERVICE_NAME_PATTERN"),
        js: accepts(validateServiceName),
        valid: ["gin-app", "ab", "a".repeat(32)],
        invalid: ["a", "Gin", "x".repeat(33), "gin-", "-gin", "gin app", "gin-app\n", ""],
    },
    {
        rule: "VERSION_PATTERN",
        bash: pattern("VERSION_PATTERN"),
        js: accepts(validateReleaseVersion),
        valid: ["v1.2.3-4-gabc", "1", "v1+build_5", "latest-", "x".repeat(128)],
        invalid: ["v1;reboot", "-v1", ".v1", "x".repeat(129), "v 1", "v1\n", ""],
    },
    {
        rule: "SHA256_PATTERN",
        bash: pattern("SHA256_PATTERN"),
        js: accepts((v) => validateSha256("sha256", v)),
        valid: [hex64],
        invalid: [hex64.slice(1), `${hex64}0`, hex64.toUpperCase(), `g${hex64.slice(1)}`, `${hex64}\n`, ""],
    },
    {
        rule: "PINNED_IMAGE_PATTERN",
        bash: pattern("PINNED_IMAGE_PATTERN"),
        js: accepts((v) => validatePinnedImage("imageRef", v)),
        valid: [
            image("127.0.0.1:5000/gin-app"),
            image("123456789012.dkr.ecr.eu-west-1.amazonaws.com/gin-app"),
            image("registry.example.com/team/app_1"),
            image("gin-app"),
        ],
        invalid: [
            "127.0.0.1:5000/gin-app:v1",
            image("127.0.0.1:5000/gin-app", hex64.slice(1)),
            image("/gin-app"),
            image("a//b"),
            image("Gin/app"),
            image("gin-app:v1"),
            `${image("gin-app")}\n`,
            `gin-app@sha256:`,
        ],
    },
    {
        rule: "HEALTH_PATH_PATTERN",
        bash: pattern("HEALTH_PATH_PATTERN"),
        js: accepts((v) => validateHealthPath(v)),
        valid: ["/healthz", "/", "/x?y=1&z=%20", "/a/b.c~d", "/$(x)", `/${"a".repeat(200)}`, "/'q'"],
        invalid: ["/a b", "/#x", "healthz", "", "/a\\b", '/"q"', `/${"a".repeat(201)}`, "/é", "/a\n", "/a\tb"],
    },
    {
        rule: "PORT_MIN/PORT_MAX",
        bash: bounds("PORT_MIN", "PORT_MAX"),
        js: (v) => isPort(Number(v)),
        valid: ["1", "8080", "65535"],
        invalid: ["0", "65536", "-1", "1.5", "abc", ""],
    },
    {
        rule: "HEALTH_TIMEOUT_MIN/MAX",
        bash: bounds("HEALTH_TIMEOUT_MIN", "HEALTH_TIMEOUT_MAX"),
        js: accepts((v) => validateHealthTimeout("healthCheck.timeoutSeconds", Number(v))),
        valid: ["1", "60", "3600"],
        invalid: ["0", "3601", "-5", "2.5", "x", ""],
    },
    {
        rule: "DRAIN_TIMEOUT_MIN/MAX",
        bash: bounds("DRAIN_TIMEOUT_MIN", "DRAIN_TIMEOUT_MAX"),
        js: accepts((v) => validateDrainTimeout("drainTimeoutSeconds", v === "" ? NaN : Number(v))),
        valid: ["0", "30", "3600"],
        invalid: ["3601", "-1", "0.5", "x", ""],
    },
    {
        rule: "STATE_VOLUME_PATTERN",
        bash: pattern("STATE_VOLUME_PATTERN"),
        js: accepts((v) => validateStateVolumeName("--state-volume", v)),
        valid: ["gin-app-state", "a", "a.b_c-1", "0x"],
        invalid: ["_x", "-x", "A", "a b", "a/b", "a\n", ""],
    },
    {
        rule: "CONTAINER_PATH_PATTERN",
        bash: pattern("CONTAINER_PATH_PATTERN"),
        js: accepts((v) => validateContainerPath("workingDirectory", v, false)),
        valid: ["/data", "/srv/app", "/_x", "/a.b/c-d"],
        invalid: ["data", "/", "/a,b", "/a/..", "/a/.hidden", "/a b", "//a", "/a/", "/a\n", ""],
    },
    {
        rule: "UID_GID_PATTERN",
        bash: pattern("UID_GID_PATTERN"),
        js: (v) => UID_GID.test(v),
        valid: ["65532:65532", "0:0"],
        invalid: ["65532", "a:b", "1:2:3", "-1:0", "1:", "1:2\n", ""],
    },
];

/** bash's answer for every sample, each `v` passed NUL-separated, after sourcing the contract file. */
function bashAnswers(contractFile: string, samples: Array<{ test: string; value: string }>, env: NodeJS.ProcessEnv): boolean[] {
    const script = [
        `source "$1"`,
        `i=0`,
        `while IFS= read -r -d '' v; do`,
        `  case $i in`,
        ...samples.map((s, i) => `    ${i}) if ${s.test}; then echo yes; else echo no; fi ;;`),
        `  esac`,
        `  i=$((i + 1))`,
        `done`,
    ].join("\n");
    const out = execFileSync("bash", ["-c", script, "bash", contractFile], {
        input: samples.map((s) => `${s.value}\0`).join(""),
        encoding: "utf8",
        env,
    });
    return out
        .trim()
        .split("\n")
        .map((line) => line === "yes");
}

describe("host contract", () => {
    for (const { mode, contract, layout, scripts } of modes) {
        it(`${mode}: defines every name the mode's scripts read from it`, () => {
            const defined = new Set([...contract.matchAll(/^([A-Z_0-9]+)=/gm)].map((m) => m[1]));
            for (const script of scripts) {
                for (const name of namesRead(script)) {
                    assert.ok(defined.has(name), `${script} reads $${name}, which the ${mode} contract does not define`);
                }
            }
        });

        it(`${mode}: gives bash the layout's paths, every rule and the shared defaults, unchanged`, () => {
            const values = sourced(contract, ["SERVICE_NAME", "STATE_DIR", "STAGING_DIR", "SLOT_LINK", ...Object.keys(HOST_RULES)]);
            assert.strictEqual(values.SERVICE_NAME, layout.serviceName);
            assert.strictEqual(values.STATE_DIR, layout.stateDir);
            assert.strictEqual(values.STAGING_DIR, layout.stagingDir);
            assert.strictEqual(values.SLOT_LINK, layout.slotLink);
            for (const [name, value] of Object.entries(HOST_RULES)) assert.strictEqual(values[name], value, name);
            assert.strictEqual(values.DEFAULT_HEALTH_PATH, RELEASE_DEFAULTS.healthPath);
            assert.strictEqual(values.DEFAULT_HEALTH_TIMEOUT_SECONDS, "60");
            assert.strictEqual(values.DEFAULT_DRAIN_TIMEOUT_SECONDS, "30");
        });
    }

    it("container: SLOT_LINK is the link the front proxy follows, to BLUE_SOCKET_PATH or GREEN_SOCKET_PATH", () => {
        const values = sourced(renderContainerContract("gin-app"), ["SLOT_LINK", "BLUE_SOCKET_PATH", "GREEN_SOCKET_PATH", "CURRENT_LINK"]);
        assert.deepStrictEqual(values, {
            SLOT_LINK: "/var/lib/gin-deploy/gin-app/current.sock",
            BLUE_SOCKET_PATH: "/run/gin-deploy/gin-app/blue.sock",
            GREEN_SOCKET_PATH: "/run/gin-deploy/gin-app/green.sock",
            // Only systemd's CURRENT_LINK exists (the current release folder's link): no name means two things.
            CURRENT_LINK: "",
        });
        assert.strictEqual(sourced(renderSystemdContract("gin-app"), ["CURRENT_LINK"]).CURRENT_LINK, "/opt/gin-app/current");
    });

    it("the shared defaults pass their own rules", () => {
        assert.strictEqual(validateHealthPath(RELEASE_DEFAULTS.healthPath), "/healthz");
        assert.strictEqual(validateHealthTimeout("t", RELEASE_DEFAULTS.healthTimeoutSeconds), 60);
        assert.strictEqual(validateDrainTimeout("t", RELEASE_DEFAULTS.drainTimeoutSeconds), 30);
        assert.strictEqual(validateContainerPath("stateVolume.mountPath", DEFAULT_STATE_MOUNT_PATH, true), "/data");
    });

    for (const { mode, contract } of modes) {
        it(`${mode}: bash and the TypeScript rules give the same answer for every sample, in the C locale and the caller's`, () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gd-contract-"));
            try {
                const file = path.join(dir, "contract.sh");
                fs.writeFileSync(file, contract);
                const samples = RULES.flatMap((r) =>
                    [...r.valid.map((value) => ({ value, want: true })), ...r.invalid.map((value) => ({ value, want: false }))].map(
                        (s) => ({ ...s, rule: r.rule, test: r.bash, js: r.js(s.value) }),
                    ),
                );
                for (const s of samples) assert.strictEqual(s.js, s.want, `TypeScript ${s.rule} on ${JSON.stringify(s.value)}`);
                for (const env of [{ ...process.env, LC_ALL: "C" }, process.env]) {
                    const answers = bashAnswers(file, samples, env);
                    assert.strictEqual(answers.length, samples.length);
                    samples.forEach((s, i) =>
                        assert.strictEqual(answers[i], s.js, `bash (LC_ALL=${env.LC_ALL ?? ""}) ${s.rule} on ${JSON.stringify(s.value)}`),
                    );
                }
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    }
});
