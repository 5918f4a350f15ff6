// What `npm run pulumi -- <args>` does with a team stack's files (see files.ts), decided from the
// arguments alone: which file the CLI reads or writes (--config-file), and what is refused or said
// first. Pure: the caller reads the files and runs the CLI.
import { CONFIG_NAMESPACE, PER_USER_KEYS } from "../../config/keys";

export type FileUse =
    /** config set/get/rm of a perUser key: the person's file. */
    | "user"
    /** a run or a listing of the whole config: the merged file, when the person has one. */
    | "merged"
    /** anything else: the committed file, as the CLI finds it. */
    | "committed";

export interface Route {
    use: FileUse;
    /** The command is `stack init`: refused, stack:init creates a team stack. */
    init: boolean;
    /** The command is `stack rm`: --preserve-config is added, so the committed file stays. */
    remove: boolean;
    /** `config set`/`rm` of a team key: it changes the committed file, which is said first. */
    changesCommitted?: string;
    /** It reads or writes secrets with the stack's provider (the passphrase is checked first). */
    usesSecrets: boolean;
}

// Flags of the config commands that take a value (the rest are switches).
const VALUE_FLAGS = new Set(["--stack", "-s", "--config-file", "--cwd", "-C", "--color", "--type", "-v", "--verbose"]);

function positionals(args: readonly string[]): string[] {
    const out: string[] = [];
    for (let i = 0; i < args.length; i++) {
        if (args[i] === "--") return out.concat(args.slice(i + 1));
        if (args[i].startsWith("-")) {
            if (VALUE_FLAGS.has(args[i])) i++;
            continue;
        }
        out.push(args[i]);
    }
    return out;
}

/** `gin-deploy:sshCidrs[0]`, `sshCidrs`, `gin-deploy:a.b` → the key's top-level name in our namespace. */
export function baseKey(key: string): string | undefined {
    const colon = key.indexOf(":");
    const namespace = colon < 0 ? CONFIG_NAMESPACE : key.slice(0, colon);
    if (namespace !== CONFIG_NAMESPACE) return undefined;
    return key.slice(colon + 1).split(/[[.]/)[0];
}

export function isPerUserKey(key: string): boolean {
    const base = baseKey(key);
    return base !== undefined && (PER_USER_KEYS as readonly string[]).includes(base);
}

export function route(args: readonly string[]): Route {
    const [command, sub, ...rest] = positionals(args);
    const base: Route = { use: "committed", init: false, remove: false, usesSecrets: false };
    if (command === "stack") {
        return { ...base, init: ["init", "new", "create", "setup"].includes(sub ?? ""), remove: ["rm", "remove"].includes(sub ?? "") };
    }
    if (["preview", "up", "update", "refresh", "destroy"].includes(command ?? "")) {
        return { ...base, use: "merged", usesSecrets: true };
    }
    if (command !== "config") return base;
    if (sub === undefined) return { ...base, use: "merged", usesSecrets: true };
    if (["set", "get", "rm"].includes(sub) && rest[0] !== undefined) {
        if (isPerUserKey(rest[0])) return { ...base, use: "user", usesSecrets: true };
        return { ...base, usesSecrets: true, changesCommitted: sub === "get" ? undefined : rest[0] };
    }
    return { ...base, usesSecrets: true, changesCommitted: ["set-all", "rm-all"].includes(sub) ? sub : undefined };
}

/** The stack a `stack init|rm NAME` names by position (the other commands take --stack). */
export function positionalStack(args: readonly string[]): string | undefined {
    const [command, sub, name] = positionals(args);
    return command === "stack" && name !== undefined && sub !== undefined ? name : undefined;
}
