// Evaluates a Pulumi program under mocks and records every resource it registers, exactly as the
// engine would receive it: type, name, URN, parent, dependencies, resource options, and inputs with
// secrets marked (the mocks API alone hides parent, dependencies and secretness).
import * as pulumi from "@pulumi/pulumi";
import {
    specialArchiveSig,
    specialAssetSig,
    specialResourceSig,
    specialSecretSig,
    specialSigKey,
    unknownValue,
} from "@pulumi/pulumi/runtime/rpc";

/** An asset or archive input, as the engine sees it (a path, a text, or a map of assets). */
export type SourceValue =
    | { kind: "asset"; path?: string; text?: string; uri?: string }
    | { kind: "archive"; path?: string; uri?: string; assets?: Record<string, SourceValue> };

export interface RecordedResource {
    urn: string;
    type: string;
    name: string;
    custom: boolean;
    parent: string;
    /** URNs this resource depends on (explicit dependsOn and the resources its inputs came from). */
    dependencies: string[];
    /** Inputs as given, secrets unwrapped, assets/archives as SourceValue. */
    inputs: Record<string, unknown>;
    /** Dotted paths of the inputs that were marked secret (e.g. "connection", "stdin"). */
    secretPaths: string[];
    options: {
        deleteBeforeReplace: boolean;
        replaceOnChanges: string[];
        ignoreChanges: string[];
        retainOnDelete: boolean;
    };
}

export interface Evaluation<T> {
    resources: RecordedResource[];
    /** What the program returned, with outputs resolved. */
    result: T;
}

interface RegisterResourceRequestLike {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
    getDependenciesList(): string[];
    getDeletebeforereplace(): boolean;
    getReplaceonchangesList(): string[];
    getIgnorechangesList(): string[];
    getRetainondelete(): boolean;
}

interface MonitorLike {
    registerResource(req: RegisterResourceRequestLike, cb: (err: unknown, res: unknown) => void): Promise<void>;
}

function isSigned(value: unknown, sig: string): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && (value as Record<string, unknown>)[specialSigKey] === sig;
}

/** Turns the wire form of a property value into a plain value, noting which paths were secret. */
export function decodeWireValue(value: unknown, path: string, secretPaths: string[]): unknown {
    if (value === unknownValue) {
        throw new Error(`input ${path} is unknown during a non-preview evaluation; the program depends on a value the mocks cannot supply`);
    }
    if (Array.isArray(value)) {
        return value.map((v, i) => decodeWireValue(v, `${path}[${i}]`, secretPaths));
    }
    if (typeof value !== "object" || value === null) {
        return value;
    }
    if (isSigned(value, specialSecretSig)) {
        secretPaths.push(path);
        return decodeWireValue(value.value, path, []);
    }
    if (isSigned(value, specialAssetSig)) {
        return { kind: "asset", path: value.path, text: value.text, uri: value.uri } as SourceValue;
    }
    if (isSigned(value, specialArchiveSig)) {
        const assets = value.assets as Record<string, unknown> | undefined;
        return {
            kind: "archive",
            path: value.path,
            uri: value.uri,
            assets: assets && Object.fromEntries(Object.entries(assets).map(([k, v]) => [k, decodeWireValue(v, `${path}.${k}`, [])])),
        } as SourceValue;
    }
    if (isSigned(value, specialResourceSig)) {
        return value.urn;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
        out[k] = decodeWireValue(v, path ? `${path}.${k}` : k, secretPaths);
    }
    return out;
}

async function resolveDeep(value: unknown): Promise<unknown> {
    if (pulumi.Output.isInstance(value)) {
        return resolveDeep(await new Promise((resolve) => (value as pulumi.Output<unknown>).apply(resolve)));
    }
    if (value instanceof Promise) {
        return resolveDeep(await value);
    }
    if (Array.isArray(value)) {
        return Promise.all(value.map(resolveDeep));
    }
    if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
        const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolveDeep(v)] as const));
        return Object.fromEntries(entries);
    }
    return value;
}

export interface EvaluateOptions {
    project: string;
    stack: string;
    /** Stack config, keys with their namespace ("gin-deploy:sshPort"), values as strings as in the config file. */
    config: Record<string, string>;
    /** Keys of `config` that are secrets. */
    secretKeys: string[];
    /**
     * Provider outputs to answer with besides the inputs, as the engine would from its state (e.g.
     * the repoDigest of an image pushed in an earlier step). Default: the inputs only.
     */
    providerState?: (type: string, name: string, inputs: Record<string, unknown>) => Record<string, unknown> | undefined;
    /** Answers to the program's provider function calls (data sources), as the cloud would give them. Default: none allowed. */
    call?: (token: string, inputs: Record<string, unknown>) => Record<string, unknown> | undefined;
}

/**
 * Runs `program` under Pulumi mocks (not a preview: every value is known) and returns what it
 * registered. Each call starts from a fresh mock monitor, so a program can be evaluated again
 * (with another config) in the same process.
 */
export async function evaluateProgram<T>(program: () => T, opts: EvaluateOptions): Promise<Evaluation<Awaited<T>>> {
    const resources: RecordedResource[] = [];
    let current: RegisterResourceRequestLike | undefined;

    await pulumi.runtime.setMocks(
        {
            newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
                const req = current;
                if (!req) {
                    throw new Error("programRecorder: newResource called outside registerResource");
                }
                current = undefined;
                const secretPaths: string[] = [];
                const wire = req.getObject()?.toJavaScript() ?? {};
                const inputs = decodeWireValue(wire, "", secretPaths) as Record<string, unknown>;
                const parent = req.getParent();
                resources.push({
                    urn: mockUrn(opts, parent, args.type, args.name),
                    type: args.type,
                    name: args.name,
                    custom: args.custom ?? false,
                    parent,
                    dependencies: [...req.getDependenciesList()],
                    inputs,
                    secretPaths,
                    options: {
                        deleteBeforeReplace: req.getDeletebeforereplace(),
                        replaceOnChanges: [...req.getReplaceonchangesList()],
                        ignoreChanges: [...req.getIgnorechangesList()],
                        retainOnDelete: req.getRetainondelete(),
                    },
                });
                // State = inputs: what the provider echoes back for these resource types on create.
                return {
                    id: args.custom ? `${args.name}-id` : undefined,
                    state: { ...args.inputs, ...(opts.providerState?.(args.type, args.name, args.inputs) ?? {}) },
                };
            },
            call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
                const answer = opts.call?.(args.token, args.inputs);
                if (answer) return answer;
                throw new Error(`programRecorder: the program called ${args.token}, which has no mock here`);
            },
        },
        opts.project,
        opts.stack,
        false,
    );
    pulumi.runtime.setAllConfig(opts.config, opts.secretKeys);

    const monitor = pulumi.runtime.getMonitor() as unknown as MonitorLike;
    const register = monitor.registerResource.bind(monitor);
    // The mock monitor calls newResource synchronously at the start of registerResource, so the
    // request seen here is the one newResource describes.
    monitor.registerResource = (req, cb) => {
        current = req;
        return register(req, cb);
    };

    const returned = program();
    const result = (await resolveDeep(returned)) as Awaited<T>;
    // Wait until every registration the program started has been answered.
    await pulumi.runtime.disconnect();
    return { resources, result };
}

/** The URN the mock monitor gives a resource (its scheme: the parent's own type, not the whole chain). */
function mockUrn(opts: EvaluateOptions, parent: string, type: string, name: string): string {
    const qualified = parent ? `${parent.split("::")[2].split("$").pop()}$${type}` : type;
    return `urn:pulumi:${opts.stack}::${opts.project}::${qualified}::${name}`;
}
