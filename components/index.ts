// The public surface: every component other stacks import (see examples/), with its Args.
export { GoBinary, GoBinaryArgs } from "./goBinary";
export { AppHost, AppHostArgs } from "./appHost";
export { SystemdService, SystemdServiceArgs } from "./systemdService";
export { EcrRegistry, EcrRegistryArgs, ImageRegistry } from "./registry";
export { AppImage, AppImageArgs } from "./appImage";
export { ContainerService, ContainerServiceArgs } from "./containerService";
export type { CpuArchitecture } from "./renderers/instanceArchitecture";
