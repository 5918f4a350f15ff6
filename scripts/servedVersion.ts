// What a deployed stack's URL serves: GET <url>/version from here, after an `up`, for the deploy
// scripts to print (or to say why they cannot).
import * as http from "http";
import type { OutputMap } from "@pulumi/pulumi/automation";

function getVersion(url: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
        const req = http.get(`${url.replace(/\/$/, "")}/version`, { timeout: 5000 }, (res) => {
            let body = "";
            res.on("data", (d) => (body += d));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on("timeout", () => req.destroy(new Error("no answer within 5 s")));
        req.on("error", reject);
    });
}

/** The stack's url output and the version it answers with, or why there is none. */
export async function servedVersion(outputs: OutputMap): Promise<{ url: string; version: string | undefined } | { error: string }> {
    const url = outputs.url?.value as string | undefined;
    if (!url) return { error: "the stack exported no url output; cannot check the service" };
    const answer = await getVersion(url);
    if (answer.status !== 200) return { error: `GET ${url}/version answered ${answer.status}: ${answer.body}` };
    return { url, version: (JSON.parse(answer.body) as { version?: string }).version };
}
