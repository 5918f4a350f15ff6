// A container a release starts never shares the host's network (#21): in the host's namespace the
// app reaches everything the host does on loopback, and on AWS the instance metadata service and
// so the instance role's credentials (the IMDS hop limit of 1 only stops a container one hop
// away, on its own network). Read from the uploaded `docker run` unit, as systemdUnits.ts reads it.
import { ResourceValidationPolicy } from "@pulumi/policy";

import { gatedResourcePolicy } from "../gatedPolicy";
import { parseUnit } from "../systemdUnitText";
import { execStartWords, flagValues, isDockerRun, uploadedUnitText } from "./systemdUnits";

/** The host-network settings a `docker run` line asks for ([] when none). */
export function hostNetworkFlags(words: string[]): string[] {
    return flagValues(words, "--network", "--net").filter((n) => n === "host");
}

export const containerNotHostNetwork: ResourceValidationPolicy = gatedResourcePolicy({
    name: "container-not-host-network",
    description: "A container a release runs (an uploaded docker run unit) must not use the host's network (--network host).",
    validate: async (args, report) => {
        const text = await uploadedUnitText(args.type, args.props);
        const words = text === undefined ? [] : execStartWords(parseUnit(text));
        if (!isDockerRun(words)) {
            args.notApplicable("not an upload of a docker run unit");
        }
        if (hostNetworkFlags(words).length > 0) {
            report(
                `${args.name}: unit ${args.props.remotePath} runs its container on the host's network (--network host), ` +
                    "where it reaches the host's loopback services and the instance metadata service (the instance role). " +
                    "Fix: give it its own network (--network bridge, the port published on 127.0.0.1), as ContainerService's units do",
            );
        }
    },
});
