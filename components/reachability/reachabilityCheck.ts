// ReachabilityCheck: after each release, GET <url>/version from the machine running Pulumi, with
// bounded retries; when it does not answer with the release's version, `pulumi up` fails with the
// cause the symptoms point to and its fix (see diagnosis.ts). The host's own health gate runs on
// the host (curl to localhost), so it cannot see a security group, a host firewall, an app bound
// to 127.0.0.1 or a URL that points elsewhere: this check can.
//
// A dynamic resource (its provider runs in a Node.js process the engine starts, through the
// `pulumi-resource-pulumi-nodejs` shim every Pulumi CLI ships): no provider plugin to install.
// The expected version and the release id are inputs, so every new release re-runs it.

import type * as awsTypes from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import { DynamicProvider } from "../shared/dynamicProvider";
import { PORT_MAX, PORT_MIN } from "../rules/port";
import { formatDiagnosis, IngressRule } from "./diagnosis";
import { probe, ProbeOptions } from "./probe";

export interface ReachabilityCheckArgs {
    /** Where the service answers from the deploying machine (the stack's `url` output). */
    url: pulumi.Input<string>;
    /** The version /version must report (the release the stack just installed). */
    expectedVersion: pulumi.Input<string>;
    /**
     * What identifies this release beyond its version (binary sha256, image digest): when it
     * changes the check runs again even if the version string did not.
     */
    releaseId?: pulumi.Input<string>;
    /** Attempts (default 10), per-request timeout (default 5 s) and pause between them (default 2 s). */
    attempts?: pulumi.Input<number>;
    timeoutSeconds?: pulumi.Input<number>;
    intervalSeconds?: pulumi.Input<number>;
    /**
     * false: record that the check was switched off and why, without requesting anything (a host
     * in a private subnet the deploying machine cannot reach). Default true.
     */
    enabled?: pulumi.Input<boolean>;
    /** Said in the output when the check is off (e.g. "private subnet: no route from CI"). */
    disabledReason?: pulumi.Input<string>;
    /** The service's port on the host (the security group's port; named in the fixes). */
    appPort?: pulumi.Input<number>;
    /** aws: the security group the stack created; its ingress is read and checked for appPort. */
    securityGroupId?: pulumi.Input<string>;
    /** Named in the fixes (default gin-app). */
    serviceName?: pulumi.Input<string>;
}

/** The inputs of the dynamic resource, all resolved. */
interface CheckInputs {
    url: string;
    expectedVersion: string;
    releaseId: string;
    attempts: number;
    timeoutSeconds: number;
    intervalSeconds: number;
    enabled: boolean;
    disabledReason: string;
    appPort?: number;
    serviceName: string;
    securityGroupId?: string;
    securityGroupIngress?: IngressRule[];
}

interface CheckOutputs extends CheckInputs {
    /** What the last request saw (or why nothing was requested). */
    observed: string;
    checkedAt: string;
    attemptsUsed: number;
    skipped: boolean;
}

/** Bad settings fail `preview` already, naming the input and the fix. */
export function validateCheckInputs(i: CheckInputs): string[] {
    const problems: string[] = [];
    const whole = (name: string, v: number, min: number, max: number) => {
        if (!Number.isInteger(v) || v < min || v > max) problems.push(`${name} must be a whole number from ${min} to ${max}, got ${v}`);
    };
    whole("attempts", i.attempts, 1, 100);
    whole("timeoutSeconds", i.timeoutSeconds, 1, 300);
    whole("intervalSeconds", i.intervalSeconds, 0, 300);
    if (i.appPort !== undefined) whole("appPort", i.appPort, PORT_MIN, PORT_MAX);
    if (i.enabled) {
        let ok: boolean;
        try {
            const u = new URL(i.url);
            ok = u.protocol === "http:" || u.protocol === "https:";
        } catch {
            ok = false;
        }
        if (!ok) problems.push(`url ${JSON.stringify(i.url)} is not an http(s) URL: set gin-deploy:publicUrl to http://<host>:<port>`);
        if (i.expectedVersion === "") problems.push("expectedVersion is empty: pass the release's version");
    }
    return problems;
}

/** The provider's work, apart so that tests run it without an engine. */
export async function runCheck(inputs: CheckInputs): Promise<CheckOutputs> {
    const checkedAt = new Date().toISOString();
    if (!inputs.enabled) {
        const why = inputs.disabledReason || "switched off for this stack";
        return {
            ...inputs,
            observed: `not checked: ${why}; ${inputs.url} was not requested from this machine`,
            checkedAt,
            attemptsUsed: 0,
            skipped: true,
        };
    }
    const opts: ProbeOptions = {
        url: inputs.url,
        expectedVersion: inputs.expectedVersion,
        attempts: inputs.attempts,
        timeoutMs: inputs.timeoutSeconds * 1000,
        intervalMs: inputs.intervalSeconds * 1000,
        appPort: inputs.appPort,
        serviceName: inputs.serviceName,
        securityGroupId: inputs.securityGroupId,
        securityGroupIngress: inputs.securityGroupIngress,
    };
    const result = await probe(opts);
    if (!result.ok) {
        throw new Error(
            `the service does not answer from the machine running Pulumi (${result.attempts} attempts in ${result.seconds.toFixed(1)} s):\n` +
                formatDiagnosis(result) +
                "\n(the check: gin-deploy's ReachabilityCheck; switch it off for a host this machine cannot reach, e.g. a private subnet)",
        );
    }
    return { ...inputs, observed: result.observed, checkedAt, attemptsUsed: result.attempts, skipped: false };
}

/**
 * The dynamic provider. The engine runs it in a Node.js process of its own from serialized code:
 * its methods capture runCheck and validateCheckInputs (and through them probe.ts and
 * diagnosis.ts), which the serializer copies by value; nothing here may capture a resource.
 */
const provider: pulumi.dynamic.ResourceProvider = {
    async check(_olds: CheckInputs, news: CheckInputs) {
        return { inputs: news, failures: validateCheckInputs(news).map((reason) => ({ property: "", reason })) };
    },
    async diff(_id: string, olds: CheckOutputs, news: CheckInputs) {
        const keys: (keyof CheckInputs)[] = [
            "url",
            "expectedVersion",
            "releaseId",
            "attempts",
            "timeoutSeconds",
            "intervalSeconds",
            "enabled",
            "disabledReason",
            "appPort",
            "serviceName",
            "securityGroupId",
            "securityGroupIngress",
        ];
        const changed = keys.filter((k) => JSON.stringify(olds[k] ?? null) !== JSON.stringify(news[k] ?? null));
        return { changes: changed.length > 0, replaces: [], deleteBeforeReplace: false };
    },
    async create(inputs: CheckInputs) {
        const outs = await runCheck(inputs);
        return { id: `reachability-${Date.now().toString(36)}`, outs };
    },
    async update(_id: string, _olds: CheckOutputs, news: CheckInputs) {
        return { outs: await runCheck(news) };
    },
    async delete() {
        // Nothing exists outside the state.
    },
};

class ReleaseReachability extends pulumi.dynamic.Resource {
    declare readonly observed: pulumi.Output<string>;
    declare readonly skipped: pulumi.Output<boolean>;
    declare readonly expectedVersion: pulumi.Output<string>;

    constructor(name: string, props: Record<string, pulumi.Input<unknown>>, opts?: pulumi.CustomResourceOptions) {
        super(
            provider,
            name,
            { ...props, observed: undefined, skipped: undefined, checkedAt: undefined, attemptsUsed: undefined },
            opts,
            "gindeploy",
            "ReleaseReachability",
        );
    }
}

export class ReachabilityCheck extends pulumi.ComponentResource {
    /** What the check saw: `GET <url>/version: HTTP 200, version V`, or why it did not look. */
    readonly observed: pulumi.Output<string>;
    readonly skipped: pulumi.Output<boolean>;
    /** The version that answered (the expected one: otherwise `up` failed). */
    readonly checkedVersion: pulumi.Output<string>;

    constructor(name: string, args: ReachabilityCheckArgs, opts?: pulumi.ComponentResourceOptions) {
        super("gindeploy:reachability:ReachabilityCheck", name, {}, opts);

        const enabled = pulumi.output(args.enabled ?? true);
        // aws: the group's ingress as the cloud reports it now (not as the program declared it).
        // @pulumi/aws is loaded only here: a stack without a security group never pays for it.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const aws = () => require("@pulumi/aws") as typeof awsTypes;
        const securityGroupIngress =
            args.securityGroupId === undefined
                ? undefined
                : aws()
                      .vpc.getSecurityGroupRulesOutput(
                          { filters: [{ name: "group-id", values: [args.securityGroupId] }] },
                          { parent: this },
                      )
                      .ids.apply((ruleIds) =>
                          pulumi.all(
                              ruleIds.map((securityGroupRuleId) =>
                                  aws().vpc.getSecurityGroupRuleOutput({ securityGroupRuleId }, { parent: this }),
                              ),
                          ),
                      )
                      .apply((rules) =>
                          rules
                              .filter((r) => !r.isEgress)
                              .map((r): IngressRule => ({
                                  protocol: r.ipProtocol,
                                  fromPort: r.fromPort,
                                  toPort: r.toPort,
                                  cidrBlocks: r.cidrIpv4 ? [r.cidrIpv4] : [],
                                  ipv6CidrBlocks: r.cidrIpv6 ? [r.cidrIpv6] : [],
                              })),
                      );

        enabled.apply((on) => {
            if (!on) {
                pulumi.log.warn(
                    `reachability check switched off for this stack: ${name} does not request the service's URL from this machine`,
                    this,
                );
            }
        });

        const dynamicProvider = new DynamicProvider(`${name}-check-provider`, { parent: this });
        const check = new ReleaseReachability(
            `${name}-check`,
            {
                url: args.url,
                expectedVersion: args.expectedVersion,
                releaseId: args.releaseId ?? args.expectedVersion,
                attempts: args.attempts ?? 10,
                timeoutSeconds: args.timeoutSeconds ?? 5,
                intervalSeconds: args.intervalSeconds ?? 2,
                enabled,
                disabledReason: args.disabledReason ?? "",
                appPort: args.appPort,
                serviceName: args.serviceName ?? "gin-app",
                securityGroupId: args.securityGroupId,
                securityGroupIngress,
            },
            { parent: this, provider: dynamicProvider },
        );

        this.observed = check.observed;
        this.skipped = check.skipped;
        this.checkedVersion = check.expectedVersion;
        this.registerOutputs({ observed: this.observed, skipped: this.skipped, checkedVersion: this.checkedVersion });
    }
}
