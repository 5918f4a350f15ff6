// The Pulumi program: the validated config in, the composed stack's outputs out.
// loadConfig() refuses a bad setting before any resource is registered; deployStack() builds the
// binary (systemd mode) before anything remote exists.
import { loadConfig } from "./config";
import { deployStack } from "./stack";

const outputs = deployStack(loadConfig());

export const url = outputs.url;
export const version = outputs.version;
export const mode = outputs.mode;
export const instanceId = outputs.instanceId;
export const publicIp = outputs.publicIp;
export const imageRef = outputs.imageRef;
export const serviceName = outputs.serviceName;
