// The suites' Pulumi mocks (unit, policy, aws-host): records every resource and invoke the program makes, answers
// with plausible provider state, and lets a test switch stack and config. Import this module
// before any module that creates resources.
import * as pulumi from "@pulumi/pulumi";

export interface RecordedResource {
    type: string;
    name: string;
    /** As the engine receives them, made plain (see decodeWire). */
    inputs: Record<string, any>;
    /** Dotted paths of the inputs the engine receives marked secret (e.g. "connection.privateKey", "stdin"). */
    secretPaths: string[];
    /** The resource option additionalSecretOutputs (outputs the engine stores and shows only as secrets). */
    additionalSecretOutputs: string[];
    /** The URNs of the resources it depends on (dependsOn, and those its inputs came from). */
    dependencies: string[];
}

export interface RecordedCall {
    token: string;
    inputs: Record<string, any>;
}

export const recorded = { resources: [] as RecordedResource[], calls: [] as RecordedCall[] };

/** Provider state the mocks add to a resource's inputs, by type. */
import { generateEd25519HostKey } from "../../components/aws/sshHostKeyPair";
import { decodeWireValue } from "./programRecorder";

function providerState(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
    switch (type) {
        case "aws:ec2/instance:Instance":
            return { publicIp: "203.0.113.10", publicDns: "ec2-203-0-113-10.eu-central-1.compute.amazonaws.com" };
        case "aws:ec2/keyPair:KeyPair":
            return { keyName: `${name}-generated` };
        case "aws:ecr/repository:Repository":
            return {
                repositoryUrl: `123456789012.dkr.ecr.eu-central-1.amazonaws.com/${inputs.name ?? name}`,
                arn: `arn:aws:ecr:eu-central-1:123456789012:repository/${inputs.name ?? name}`,
                registryId: "123456789012",
            };
        case "docker:index/image:Image":
            // A push answers with the repository digest.
            return { repoDigest: `${String(inputs.imageName).replace(/:[^:/]+$/, "")}@sha256:${"ab".repeat(32)}` };
        // A dynamic resource's outputs come from its provider: the host key pair's is run as is.
        case "pulumi-nodejs:dynamic/gindeploy:SshHostKeyPair":
            return generateEd25519HostKey();
        case "aws:iam/instanceProfile:InstanceProfile":
        case "aws:iam/role:Role":
            return { name: `${name}-generated`, arn: `arn:aws:iam::123456789012:role/${name}` };
        default:
            return {};
    }
}

// The mock monitor hands newResource the inputs with secrets already unwrapped; the request it
// was called for still has them marked, so keep it at hand.
interface RegisterRequest {
    getObject(): { toJavaScript(): unknown } | undefined;
    getAdditionalsecretoutputsList?(): string[];
    getDependenciesList?(): string[];
}
let currentRequest: RegisterRequest | undefined;

const mocks: pulumi.runtime.Mocks = {
    newResource(args: pulumi.runtime.MockResourceArgs) {
        const wire = currentRequest?.getObject()?.toJavaScript() ?? {};
        const additionalSecretOutputs = currentRequest?.getAdditionalsecretoutputsList?.() ?? [];
        const dependencies = currentRequest?.getDependenciesList?.() ?? [];
        currentRequest = undefined;
        const secretPaths: string[] = [];
        const inputs = decodeWireValue(wire, "", secretPaths) as Record<string, any>;
        recorded.resources.push({ type: args.type, name: args.name, inputs, secretPaths, additionalSecretOutputs, dependencies });
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
            // The security group's rules as the cloud would report them: the app port open to all.
            case "aws:vpc/getSecurityGroupRules:getSecurityGroupRules":
                return { ids: ["sgr-app"] };
            case "aws:vpc/getSecurityGroupRule:getSecurityGroupRule":
                return {
                    securityGroupRuleId: args.inputs.securityGroupRuleId,
                    isEgress: false,
                    ipProtocol: "tcp",
                    fromPort: 8080,
                    toPort: 8080,
                    cidrIpv4: "0.0.0.0/0",
                };
            default:
                return args.inputs;
        }
    },
};

/** (Re)installs the mocks for `stack`, with `config` (full keys) and the keys that are secret. */
export function useStack(stack: string, config: Record<string, string> = {}, secretKeys: string[] = [], project = "gin-deploy"): void {
    pulumi.runtime.setMocks(mocks, project, stack, false);
    pulumi.runtime.setAllConfig(config, secretKeys);
    const monitor = pulumi.runtime.getMonitor() as unknown as {
        registerResource(req: typeof currentRequest, callback: unknown): unknown;
    };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) => {
        currentRequest = req;
        return register(req, callback);
    };
    recorded.resources.length = 0;
    recorded.calls.length = 0;
}

useStack("dev");

/** The value of an output once known (mocks never leave values unknown outside preview). */
export function valueOf<T>(output: pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) =>
        pulumi.output(output).apply((v) => {
            resolve(v as T);
            return v;
        }),
    );
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
