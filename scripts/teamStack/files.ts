// A stack whose file is committed and shared by a team (Pulumi.dev.yaml, Pulumi.prod.yaml), and the
// two files `npm run pulumi` keeps beside it in the checkout's git-ignored .gin-deploy/user/:
//   - Pulumi.<stack>.yaml: this person's own values (the perUser keys: their SSH CIDR, their key
//     pair), secrets encrypted with the committed file's secrets provider;
//   - Pulumi.<stack>.merged.yaml: what the engine reads for a run (the committed file, then the
//     person's values), written before each run, never edited.
// With the local file backend each checkout has its own state, so its deployment is its own: the
// person's values belong beside that state, not in a file the whole team commits.
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

/** The fields of a stack file that say how its secrets are encrypted. */
export const PROVIDER_FIELDS = ["secretsprovider", "encryptedkey", "encryptionsalt"] as const;

export interface StackDoc {
    config?: Record<string, unknown>;
    secretsprovider?: string;
    encryptedkey?: string;
    encryptionsalt?: string;
}

export interface TeamStackFiles {
    committed: string;
    user: string;
    merged: string;
}

export function teamStackFiles(repoRoot: string, stack: string): TeamStackFiles {
    const dir = path.join(repoRoot, ".gin-deploy", "user");
    return {
        committed: path.join(repoRoot, `Pulumi.${stack}.yaml`),
        user: path.join(dir, `Pulumi.${stack}.yaml`),
        merged: path.join(dir, `Pulumi.${stack}.merged.yaml`),
    };
}

export function readStackDoc(file: string): StackDoc {
    return (yaml.load(fs.readFileSync(file, "utf8")) as StackDoc | undefined) ?? {};
}

/** The committed file's secrets provider fields (absent ones left out). */
export function providerOf(doc: StackDoc): Partial<Record<(typeof PROVIDER_FIELDS)[number], string>> {
    return Object.fromEntries(PROVIDER_FIELDS.filter((f) => doc[f] !== undefined).map((f) => [f, doc[f] as string]));
}

export function sameProvider(a: StackDoc, b: StackDoc): boolean {
    return PROVIDER_FIELDS.every((f) => (a[f] ?? "") === (b[f] ?? ""));
}

function hasSecureValue(value: unknown): boolean {
    if (value === null || typeof value !== "object") return false;
    if ("secure" in (value as object)) return true;
    return Object.values(value as object).some(hasSecureValue);
}

export function holdsSecrets(doc: StackDoc): boolean {
    return hasSecureValue(doc.config ?? {});
}

function write(file: string, header: string, doc: StackDoc): void {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, `${header}\n${yaml.dump(doc, { lineWidth: -1 })}`, { mode: 0o600 });
}

/**
 * The person's file, made (or its provider brought up to the committed file's) when it holds no
 * secret yet. Returns false when it holds secrets encrypted for another provider than the
 * committed file's: they cannot be read with the team's key and must be set again.
 */
export function ensureUserFile(files: TeamStackFiles, stack: string): boolean {
    const committed = readStackDoc(files.committed);
    const user: StackDoc = fs.existsSync(files.user) ? readStackDoc(files.user) : {};
    if (sameProvider(user, committed) && fs.existsSync(files.user)) return true;
    if (holdsSecrets(user)) return false;
    write(
        files.user,
        `# Your own values for stack "${stack}" (your SSH CIDR, your key): kept in this checkout, never committed.\n` +
            `# Secrets are encrypted with Pulumi.${stack}.yaml's secrets provider. npm run pulumi -- config set writes here.`,
        { ...providerOf(committed), config: user.config ?? {} },
    );
    return true;
}

/** Writes the file the engine reads for a run: the committed settings, then the person's own. */
export function writeMerged(files: TeamStackFiles, stack: string): void {
    const committed = readStackDoc(files.committed);
    const user = readStackDoc(files.user);
    write(
        files.merged,
        `# Written by npm run pulumi before each run of stack "${stack}": Pulumi.${stack}.yaml, then ${path.relative(
            path.dirname(files.merged),
            files.user,
        )}. Do not edit.`,
        { ...committed, config: { ...(committed.config ?? {}), ...(user.config ?? {}) } },
    );
}
