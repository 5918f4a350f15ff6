// Pulumi mocks for the unit suite: records every resource and invoke the program makes, answers
// with plausible provider state, and lets a test switch stack and config. Import this module
// before any module that creates resources.
import * as pulumi from "@pulumi/pulumi";

export interface RecordedResource {
    type: string;
    name: string;
    inputs: Record<string, any>;
}

export interface RecordedCall {
    token: string;
    inputs: Record<string, any>;
}

export const recorded = { resources: [] as RecordedResource[], calls: [] as RecordedCall[] };

/** Provider state the mocks add to a resource's inputs, by type. */
function providerState(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
    switch (type) {
        case "aws:ec2/instance:Instance":
            return { publicIp: "203.0.113.10", publicDns: "ec2-203-0-113-10.eu-central-1.compute.amazonaws.com" };
        case "aws:ec2/keyPair:KeyPair":
            return { keyName: `${name}-generated` };
        case "aws:ecr/repository:Repository":
            return { repositoryUrl: `123456789012.dkr.ecr.eu-central-1.amazonaws.com/${inputs.name ?? name}` };
        default:
            return {};
    }
}

const mocks: pulumi.runtime.Mocks = {
    newResource(args: pulumi.runtime.MockResourceArgs) {
        recorded.resources.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: { ...args.inputs, ...providerState(args.type, args.name, args.inputs) } };
    },
    call(args: pulumi.runtime.MockCallArgs) {
        recorded.calls.push({ token: args.token, inputs: args.inputs });
        switch (args.token) {
            case "aws:ec2/getAmi:getAmi": {
                const filters: { name: string; values: string[] }[] = args.inputs.filters ?? [];
                const arch = filters.find((f) => f.name === "architecture")?.values[0] ?? "x86_64";
                return { id: `ami-0debian12${arch === "arm64" ? "a" : "b"}`, architecture: arch };
            }
            case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
                return { userName: "AWS", password: "ecr-token", proxyEndpoint: "https://123456789012.dkr.ecr.eu-central-1.amazonaws.com" };
            case "aws:index/getRegion:getRegion":
                return { name: "eu-central-1", region: "eu-central-1" };
            case "aws:index/getCallerIdentity:getCallerIdentity":
                return { accountId: "123456789012" };
            default:
                return args.inputs;
        }
    },
};

/** (Re)installs the mocks for `stack`, with `config` (full keys) and the keys that are secret. */
export function useStack(stack: string, config: Record<string, string> = {}, secretKeys: string[] = []): void {
    pulumi.runtime.setMocks(mocks, "gin-deploy", stack, false);
    pulumi.runtime.setAllConfig(config, secretKeys);
    recorded.resources.length = 0;
    recorded.calls.length = 0;
}

useStack("dev");

/** The value of an output once known (mocks never leave values unknown outside preview). */
export function valueOf<T>(output: pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) => pulumi.output(output).apply((v) => { resolve(v as T); return v; }));
}

/** Lets pending registrations reach the mock monitor. */
export async function settle(): Promise<void> {
    for (let i = 0; i < 5; i++) {
        await new Promise((resolve) => setImmediate(resolve));
    }
}

export function resourcesOfType(type: string): RecordedResource[] {
    return recorded.resources.filter((r) => r.type === type);
}

export function onlyResourceOfType(type: string): RecordedResource {
    const found = resourcesOfType(type);
    if (found.length !== 1) {
        throw new Error(`expected one ${type}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`);
    }
    return found[0];
}
