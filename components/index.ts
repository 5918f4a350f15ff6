// The public surface: every component other stacks import (see examples/), with its Args.
export { GoBinary, GoBinaryArgs } from "./build/goBinary";
export { AppHost, AppHostArgs, AppHostInlinePolicy } from "./aws/appHost";
export { SystemdService, SystemdServiceArgs, SystemdServiceOptions } from "./systemd/systemdService";
export { EcrRegistry, EcrRegistryArgs } from "./aws/ecrRegistry";
export { ImageRegistry } from "./container/imageRegistry";
export { AppImage, AppImageArgs } from "./container/appImage";
export { ContainerService, ContainerServiceArgs } from "./container/containerService";
export type { CpuArchitecture } from "./build/cpuArchitecture";
// The reference service's (app/) environment, for stacks that deploy it.
export { serviceEnvironment, ServiceEnvironment, ServiceEnvironmentSettings } from "./shared/appEnvironment";
export { KubernetesService, KubernetesServiceArgs } from "./kubernetes/kubernetesService";
export type { CgoMode } from "./build/goBuildCommand";
