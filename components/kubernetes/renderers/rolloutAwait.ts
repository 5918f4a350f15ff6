// When `up` may call a release done: the annotation that tells the Kubernetes provider what to wait
// for on the Deployment. The condition is the one `kubectl rollout status` uses: the Deployment
// controller has observed the Deployment's current generation (the provider's waitFor checks
// status.observedGeneration first) and its Progressing condition says NewReplicaSetAvailable, which
// the controller sets only when every replica runs the new template, is available, and no old pod
// is left. A release whose pods never get ready therefore times out (rolloutTimeoutSeconds) and
// `up` fails while the old ReplicaSet keeps serving.
//
// Why not the provider's built-in Deployment await: in pulumi-kubernetes 4.x it can take a stale
// copy for the controller's answer. When the first copy it is handed is the previous generation,
// fully rolled out, it reads the next one (the new spec, not yet observed, still naming the old
// revision) as "no template change" and reports the update done at once, before any new pod has
// started. The generic waitFor condition drops copies older than the one the update returned and
// requires the observed generation to match, so it cannot be fooled that way. Pure.

export const WAIT_FOR_ANNOTATION = "pulumi.com/waitFor";
/** kubectl's JSONPath syntax, as the provider's waitFor takes it. */
export const ROLLOUT_COMPLETE = 'jsonpath={.status.conditions[?(@.type=="Progressing")].reason}=NewReplicaSetAvailable';

export function rolloutAwaitAnnotations(): Record<string, string> {
    return { [WAIT_FOR_ANNOTATION]: ROLLOUT_COMPLETE };
}
