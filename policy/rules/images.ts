// Prod runs images by digest (S19): a tag can be moved under a running service, a digest cannot.
// Judged where an image is run: the container release command (`install-container.sh release
// --image REF`, as ContainerService renders it), a docker provider container, and Kubernetes
// workloads.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { parse } from "shell-quote";

import { gatedResourcePolicy } from "../gatedPolicy";
import { podSpecOf } from "../kubernetesPodSpec";
import { Props } from "../resourceProps";

const DIGEST = /@sha256:[0-9a-f]{64}$/;

/** The images a resource runs, each with where it was found. */
export function imagesRun(type: string, props: Props): { where: string; image: string }[] {
    if (type === "command:remote:Command" || type === "command:local:Command") {
        return (["create", "update"] as const).flatMap((field) => {
            const text = props[field];
            if (typeof text !== "string") {
                return [];
            }
            // The words as the host's shell sees them (the components quote with shell-quote).
            const words = parse(text).filter((w): w is string => typeof w === "string");
            return words.flatMap((w, i) => {
                if (w === "--image" && i + 1 < words.length) return [{ where: `${field} --image`, image: words[i + 1] }];
                if (w.startsWith("--image=")) return [{ where: `${field} --image`, image: w.slice("--image=".length) }];
                return [];
            });
        });
    }
    if (type === "docker:index/container:Container" && typeof props.image === "string") {
        return [{ where: "image", image: props.image }];
    }
    const spec = podSpecOf(type, props);
    if (spec) {
        return [...(spec.initContainers ?? []), ...(spec.containers ?? [])].map((c, i) => ({
            where: `container ${c.name ?? i}`,
            image: String(c.image ?? ""),
        }));
    }
    return [];
}

export const imagesByDigest: ResourceValidationPolicy = gatedResourcePolicy({
    name: "prod-images-by-digest",
    description: "In prod, every image a resource runs must be pinned by digest (REPOSITORY@sha256:<64 hex>).",
    prodOnly: true,
    validate: (args, report) => {
        for (const { where, image } of imagesRun(args.type, args.props)) {
            if (!DIGEST.test(image)) {
                report(
                    `${args.name}: ${where} runs "${image}", which is not pinned by digest; ` +
                        "run REPOSITORY@sha256:<digest> (AppImage's imageRef output) so a moved tag cannot change what prod runs",
                );
            }
        }
    },
});
