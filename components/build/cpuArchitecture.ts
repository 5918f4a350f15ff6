// The CPU architectures a Go build targets (GOARCH), whatever runs the binary: an EC2 instance
// type's (aws/instanceArchitecture.ts), an SSH host's or a cluster node's (config).

export type CpuArchitecture = "amd64" | "arm64";
