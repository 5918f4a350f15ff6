// The reachability check's dynamic resource, carried out as its provider does: the same runCheck
// (components/reachability), run here, from the machine running Pulumi, against the stack's URL
// (a loopback port of the local host). A new release (expectedVersion, releaseId) runs it again.
import { runCheck } from "../../components/reachability/reachabilityCheck";
import type { ResourceHandler } from "./executor";

export const REACHABILITY_TYPE = "pulumi-nodejs:dynamic/gindeploy:ReleaseReachability";

type CheckInputs = Parameters<typeof runCheck>[0];

function inputsOf(raw: Record<string, unknown>): CheckInputs {
    // The serialized provider and the outputs declared as inputs are not the check's settings.
    const { __provider: _provider, observed: _o, skipped: _s, checkedAt: _c, attemptsUsed: _a, ...inputs } = raw;
    return inputs as unknown as CheckInputs;
}

const reachability: ResourceHandler = {
    replaceOnChanges: [],
    async create(res) {
        return { ...(await runCheck(inputsOf(res.inputs))) };
    },
    async update(_old, res) {
        return { ...(await runCheck(inputsOf(res.inputs))) };
    },
};

/** Its explicit provider (see DynamicProvider): configuring it changes nothing anywhere. */
const dynamicProvider: ResourceHandler = {
    replaceOnChanges: [],
    async create() {
        return {};
    },
};

export const reachabilityHandlers: Record<string, ResourceHandler> = {
    [REACHABILITY_TYPE]: reachability,
    "pulumi:providers:pulumi-nodejs": dynamicProvider,
};
