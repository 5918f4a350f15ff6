// The pack's rules, in one list: index.ts serves them, the tests call them directly.
import { Policies } from "@pulumi/policy";

import { containerNotHostNetwork } from "./rules/containerNetwork";
import { databaseTls } from "./rules/database";
import { imagesByDigest } from "./rules/images";
import { instanceEncryptedRoot, instanceImdsHopLimit, instanceImdsv2 } from "./rules/instance";
import { instanceRoleEcrPullScoped } from "./rules/instanceRole";
import { kubernetesLimits, kubernetesNonRoot, kubernetesProbes, kubernetesServiceExposure } from "./rules/kubernetes";
import { noPublicSsh, opensAppPort } from "./rules/network";
import { ecrImmutableTags } from "./rules/registry";
import { systemdUnitHardening } from "./rules/systemdUnits";

export const PACK_NAME = "gin-deploy";

export const policies: Policies = [
    opensAppPort,
    noPublicSsh,
    instanceImdsv2,
    instanceImdsHopLimit,
    instanceEncryptedRoot,
    ecrImmutableTags,
    instanceRoleEcrPullScoped,
    imagesByDigest,
    databaseTls,
    systemdUnitHardening,
    containerNotHostNetwork,
    kubernetesNonRoot,
    kubernetesLimits,
    kubernetesProbes,
    kubernetesServiceExposure,
];
