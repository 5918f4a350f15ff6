// The local registry (local/registry.sh) as seen from TypeScript: whether it runs, start, stop. The
// deploy:local-k8s script and the suites that push images use it; each stops only what it started.
import { execFileSync } from "child_process";

import { repoRoot } from "./localHost";

const script = (command: string, stdout: "pipe" | "inherit") =>
    execFileSync("bash", ["local/registry.sh", command], { cwd: repoRoot, encoding: "utf8", stdio: ["ignore", stdout, "inherit"] });

export function registryRunning(): boolean {
    return (JSON.parse(script("status", "pipe")) as { running: boolean }).running;
}

/** Starts the registry unless it runs (building its binary the first time: about 3 minutes cold); its progress is shown. */
export function startRegistry(): void {
    script("start", "inherit");
}

export function stopRegistry(): void {
    script("stop", "inherit");
}
