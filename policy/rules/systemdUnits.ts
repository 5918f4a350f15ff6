// The systemd units a release uploads (S17): every long-running service restarts on its own and
// does not run as root. Read from the rendered unit text itself, i.e. what the host will load:
// a command:remote:CopyToRemote whose remotePath is a *.service file (SystemdService's gin-app
// unit, ContainerService's proxy and container units).
//
// A unit whose ExecStart is `docker run` is the one exception to "not root": the Docker client
// needs the engine's socket, which is root's. What runs the app there is the container, so the
// rule judges the container instead: no --privileged, no --user root/0, --cap-drop ALL and
// --security-opt no-new-privileges (its user is then the image's USER; app/Dockerfile sets 65532).
import * as fs from "fs";
import { ResourceValidationPolicy } from "@pulumi/policy";

import { gatedResourcePolicy } from "../gatedPolicy";
import { Props } from "../resourceProps";
import { isTrue, lastValue, parseUnit, UnitSections } from "../systemdUnitText";

const COPY_TO_REMOTE = "command:remote:CopyToRemote";

/** The object behind the policy SDK's proxy (its documented-internal accessor), or the value itself. */
function unproxied<T>(value: T): T {
    const target = (value as { __getSpecialProxyTarget?: T } | undefined)?.__getSpecialProxyTarget;
    return target ?? value;
}

/** The text of an uploaded *.service unit, or undefined when the upload is something else. */
export async function uploadedUnitText(type: string, props: Props): Promise<string | undefined> {
    if (type !== COPY_TO_REMOTE || typeof props.remotePath !== "string" || !props.remotePath.endsWith(".service")) {
        return undefined;
    }
    // The SDK hands assets over as @pulumi/pulumi asset objects, whose text and path are promises,
    // inside its unknown-checking proxy: a proxied promise cannot be awaited, so unwrap it first.
    const source = props.source ?? {};
    const text = await unproxied(source.text);
    if (typeof text === "string") {
        return text;
    }
    const file = await unproxied(source.path);
    if (typeof file === "string") {
        return fs.readFileSync(file, "utf8");
    }
    return undefined;
}

/** ExecStart's words, without systemd's prefixes (-, @, +, !, :). */
export function execStartWords(unit: UnitSections): string[] {
    const exec = lastValue(unit, "Service", "ExecStart") ?? "";
    return exec
        .replace(/^[-@+!:]+/, "")
        .split(/\s+/)
        .filter((w) => w !== "");
}

export function flagValues(words: string[], ...flags: string[]): string[] {
    const values: string[] = [];
    words.forEach((w, i) => {
        for (const flag of flags) {
            if (w === flag && i + 1 < words.length) values.push(words[i + 1]);
            else if (w.startsWith(`${flag}=`)) values.push(w.slice(flag.length + 1));
        }
    });
    return values;
}

/** Whether ExecStart runs a container (`docker run`, the client by any path). */
export function isDockerRun(words: string[]): boolean {
    return words.length > 1 && /(^|\/)docker$/.test(words[0]) && words[1] === "run";
}

/** Why a `docker run` unit's container is not confined, or [] when it is. */
function containerProblems(words: string[]): string[] {
    const problems: string[] = [];
    if (words.includes("--privileged")) {
        problems.push("runs the container --privileged");
    }
    const users = flagValues(words, "--user", "-u");
    if (users.some((u) => /^(root|0)(:|$)/.test(u))) {
        problems.push(`runs the container as ${users.join(", ")} (root)`);
    }
    if (!flagValues(words, "--cap-drop").some((c) => c.toUpperCase() === "ALL")) {
        problems.push("does not drop the container's capabilities (--cap-drop ALL)");
    }
    if (!flagValues(words, "--security-opt").some((o) => /^no-new-privileges(:true|=true)?$/.test(o))) {
        problems.push("lets the container gain privileges (add --security-opt no-new-privileges)");
    }
    return problems;
}

/** What is wrong with a service unit, as sentences. */
export function unitProblems(text: string): string[] {
    const unit = parseUnit(text);
    if (!unit.has("Service")) {
        return ["has no [Service] section"];
    }
    const problems: string[] = [];
    const type = lastValue(unit, "Service", "Type") ?? "simple";
    const restart = lastValue(unit, "Service", "Restart");
    if (type !== "oneshot" && (restart === undefined || restart === "no")) {
        problems.push(
            `${restart === undefined ? "has no Restart=" : "sets Restart=no"}, so a crash leaves the service down (use Restart=always or on-failure)`,
        );
    }
    const words = execStartWords(unit);
    if (isDockerRun(words)) {
        problems.push(...containerProblems(words));
    } else {
        const user = lastValue(unit, "Service", "User");
        const dynamic = isTrue(lastValue(unit, "Service", "DynamicUser"));
        if (!dynamic && (user === undefined || user === "root" || user === "0")) {
            problems.push(
                `runs as root (${user === undefined ? "no User= and no DynamicUser=yes" : `User=${user}`}); ` +
                    "set DynamicUser=yes or User=<an unprivileged account>",
            );
        }
    }
    return problems;
}

export const systemdUnitHardening: ResourceValidationPolicy = gatedResourcePolicy({
    name: "systemd-unit-restarts-and-not-root",
    description: "An uploaded systemd service unit must set Restart= (unless Type=oneshot) and must not run as root.",
    validate: async (args, report) => {
        const text = await uploadedUnitText(args.type, args.props);
        if (text === undefined) {
            args.notApplicable("not an upload of a *.service unit");
        }
        for (const problem of unitProblems(text as string)) {
            report(`${args.name}: unit ${args.props.remotePath} ${problem}`);
        }
    },
});
