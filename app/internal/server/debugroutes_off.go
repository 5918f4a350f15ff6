//go:build !debugroutes

package server

import "github.com/gin-gonic/gin"

// registerDebugRoutes adds nothing: the debug routes exist only in binaries built with
// -tags debugroutes (the process tests), never in a release.
func registerDebugRoutes(*gin.Engine) {}
