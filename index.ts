// The Pulumi program: the validated config in, the composed stack's outputs out.
// loadConfig() refuses a bad setting before any resource is registered; deployStack() builds the
// binary (systemd mode) before anything remote exists. Only the outputs this stack's target and
// mode have are exported (an undefined export would make the engine warn on every run).
// It says once, first, which environment (dev or prod) the stack is and why.
import * as pulumi from "@pulumi/pulumi";

import { environmentNotice, loadConfig } from "./config";
import { deployStack } from "./stack";

const config = loadConfig();
void pulumi.log.info(environmentNotice(config));
const outputs = deployStack(config);

export = Object.fromEntries(Object.entries(outputs).filter(([, value]) => value !== undefined));
