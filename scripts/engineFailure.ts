// An Automation API failure, printed once and as the engine's own lines. The CommandError's
// message is `code: … stdout: … stderr: … err?: …`: the stdout part repeats the progress that
// onOutput already streamed, so printing the message shows everything twice, wrapped in a dump.
// Pure.

interface CommandResultLike {
    stdout?: string;
    stderr?: string;
    code?: number;
}

/** The lines to print for a failed engine run; `streamed` when stdout already went to the terminal. */
export function engineFailureText(err: unknown, streamed: boolean): string {
    const result = (err as { commandResult?: CommandResultLike } | undefined)?.commandResult;
    if (!result) return String((err as Error)?.message ?? err);
    const parts: string[] = [];
    if (!streamed && result.stdout?.trim()) parts.push(result.stdout.trim());
    if (result.stderr?.trim()) parts.push(result.stderr.trim());
    if (parts.length === 0) parts.push(`the pulumi CLI exited with code ${result.code ?? "?"} and printed nothing more`);
    return parts.join("\n");
}
