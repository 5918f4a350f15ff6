// Sandbox directives every unit the product installs carries, whatever it runs: none of them has
// any business with the kernel's tunables, modules or log, the cgroup tree, the clock or the host
// name. Each unit adds what fits its own job around these. Pure: no Pulumi import.

export const PROTECT_KERNEL_AND_HOST: readonly string[] = [
    "ProtectKernelTunables=yes",
    "ProtectKernelModules=yes",
    "ProtectKernelLogs=yes",
    "ProtectControlGroups=yes",
    "ProtectClock=yes",
    "ProtectHostname=yes",
];
