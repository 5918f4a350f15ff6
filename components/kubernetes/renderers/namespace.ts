// A namespace the component creates when asked to: it enforces the "restricted" Pod Security
// Standard, so the API server itself refuses any pod in it that runs as root, keeps capabilities,
// may escalate privileges or lacks a seccomp profile (the Deployment's pods meet it). Pure.

import { ObjectMeta } from "./labels";

export function renderNamespace(name: string): { metadata: ObjectMeta } {
    return {
        metadata: {
            name,
            labels: {
                "app.kubernetes.io/part-of": "gin-deploy",
                "pod-security.kubernetes.io/enforce": "restricted",
                "pod-security.kubernetes.io/enforce-version": "latest",
                "pod-security.kubernetes.io/warn": "restricted",
            },
        },
    };
}
