// The pod's settings as Kubernetes objects: the plain ones in a ConfigMap, the secret ones in a
// Secret (stringData: the API server stores them base64-encoded, Pulumi keeps them encrypted in its
// state). HOST and PORT are left out of the ConfigMap: the Deployment sets them from `port`, beside
// the probes that use it. Both objects are autonamed by Pulumi, so a change of either replaces it
// under a new name (created before the old one is deleted) while the pods roll onto it. Pure.

import { ObjectMeta, objectLabels } from "./labels";

export interface ConfigMapSpec {
    metadata: ObjectMeta;
    data: Record<string, string>;
}

export interface SecretSpec {
    metadata: ObjectMeta;
    type: "Opaque";
    stringData: Record<string, string>;
}

/** The ConfigMap's data: every plain setting except HOST and PORT, sorted by key. */
export function configMapData(environment: Readonly<Record<string, string>>): Record<string, string> {
    const data: Record<string, string> = {};
    for (const key of Object.keys(environment).sort()) {
        if (key !== "HOST" && key !== "PORT") data[key] = environment[key];
    }
    return data;
}

export function renderConfigMap(appName: string, namespace: string, environment: Readonly<Record<string, string>>): ConfigMapSpec {
    return { metadata: { namespace, labels: objectLabels(appName) }, data: configMapData(environment) };
}

/** Call inside a secret Output only: the result holds the values. */
export function renderSecret(appName: string, namespace: string, secrets: Readonly<Record<string, string>>): SecretSpec {
    const stringData: Record<string, string> = {};
    for (const key of Object.keys(secrets).sort()) stringData[key] = secrets[key];
    return { metadata: { namespace, labels: objectLabels(appName) }, type: "Opaque", stringData };
}
