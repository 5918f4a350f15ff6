// What a deployed local stack's URL serves: GET <url>/version from here, after an `up`, for the deploy
// scripts to print (or to say why they cannot). Through the project's loopback-only client
// (loopbackHttp.ts): the local stacks serve on 127.0.0.1; a URL elsewhere is refused, named.
import type { OutputMap } from "@pulumi/pulumi/automation";

import { get } from "./loopbackHttp";

/** The stack's url output and the version it answers with, or why there is none. */
export async function servedVersion(outputs: OutputMap): Promise<{ url: string; version: string | undefined } | { error: string }> {
    const url = outputs.url?.value as string | undefined;
    if (!url) return { error: "the stack exported no url output; cannot check the service" };
    const answer = await get(`${url.replace(/\/$/, "")}/version`);
    if (answer.status !== 200) return { error: `GET ${url}/version answered ${answer.status}: ${answer.body}` };
    return { url, version: (JSON.parse(answer.body) as { version?: string }).version };
}
