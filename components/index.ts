// The public surface: what other stacks import (see examples/).
export { GoBinary, GoBinaryArgs } from "./goBinary";
export { AppHost, AppHostArgs } from "./appHost";
export type { CpuArchitecture } from "./renderers/instanceArchitecture";
export { SystemdService, SystemdServiceArgs } from "./systemdService";
