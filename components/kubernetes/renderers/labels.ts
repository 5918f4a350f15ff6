// The labels and annotations the service's objects carry. The selector is a fixed subset of the
// pod labels, taken from the same function, so a Deployment can never select pods it does not make
// (the API server refuses that: "selector does not match template labels"). The version is a label
// of the Deployment and its pods where Kubernetes allows it (63 label characters) and always an
// annotation; the objects a release leaves alone do not carry it, so a release does not touch them. Pure.

export const NAME_LABEL = "app.kubernetes.io/name";
export const VERSION_LABEL = "app.kubernetes.io/version";
export const VERSION_ANNOTATION = "gin-deploy.io/version";
export const CHECKSUM_ANNOTATION = "gin-deploy.io/config-checksum";

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

/** What the Deployment, Service, PDB and HPA select by. Never changes for a given app name. */
export function selectorLabels(appName: string): Record<string, string> {
    return { [NAME_LABEL]: appName, "app.kubernetes.io/component": "server" };
}

/** The labels of the objects a release does not change (Service, PDB, HPA, ConfigMap, Secret). */
export function objectLabels(appName: string): Record<string, string> {
    return { ...selectorLabels(appName), "app.kubernetes.io/part-of": "gin-deploy" };
}

/** The Deployment's and its pods' labels: also the version, where it fits a label value. */
export function releaseLabels(appName: string, version: string): Record<string, string> {
    const labels = objectLabels(appName);
    if (LABEL_VALUE.test(version)) labels[VERSION_LABEL] = version;
    return labels;
}

export function versionAnnotations(version: string): Record<string, string> {
    return { [VERSION_ANNOTATION]: version };
}

/** The metadata the renderers give each object (names of autonamed objects are left to Pulumi). */
export interface ObjectMeta {
    name?: string;
    namespace?: string;
    labels: Record<string, string>;
    annotations?: Record<string, string>;
}
