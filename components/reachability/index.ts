// The reachability check's public surface: the resource, and the pure diagnosis doctor shares.
export { ReachabilityCheck } from "./reachabilityCheck";
export type { ReachabilityCheckArgs } from "./reachabilityCheck";
export { describeCause } from "./causes";
export type { Cause, CauseId } from "./causes";
export { diagnose, formatDiagnosis, securityGroupOpensPort } from "./diagnosis";
export type { Diagnosis, IngressRule, Symptom } from "./diagnosis";
export { probe, requestOnce } from "./probe";
export type { ProbeOptions, ProbeResult } from "./probe";
