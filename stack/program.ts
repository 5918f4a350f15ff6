// The one program of this project. Every way of running it runs this: `pulumi up` through
// index.ts (the Node.js language host), deploy:local and deploy:local-k8s through the Automation
// API's inline program (no language host needed), and the suites that drive the real engine.
// It says once, first, which environment (dev or prod) the stack is and why; it exports only the
// outputs this stack's target and mode have (an undefined export makes the engine warn every run).
import * as pulumi from "@pulumi/pulumi";

import { environmentNotice, loadConfig } from "../config";
import { deployStack } from "./index";
import type { StackOptions } from "./outputs";

export interface ProgramOptions extends StackOptions {
    /** Where Pulumi.yaml is (the config schema's home); default the repository. */
    projectDir?: string;
}

export function stackProgram(options: ProgramOptions = {}): Record<string, unknown> {
    const { projectDir, ...stackOptions } = options;
    const config = projectDir === undefined ? loadConfig() : loadConfig(projectDir);
    void pulumi.log.info(environmentNotice(config));
    const outputs = deployStack(config, stackOptions);
    return Object.fromEntries(Object.entries(outputs).filter(([, value]) => value !== undefined));
}
