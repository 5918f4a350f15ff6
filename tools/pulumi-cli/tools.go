//go:build tools

// Package tools pins the Pulumi CLI this project builds from the Go module proxy
// (no CLI binary is served by the registries this project can reach).
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
