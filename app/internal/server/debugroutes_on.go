//go:build debugroutes

package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
)

const maxSlowDelay = 30 * time.Second

// registerDebugRoutes adds GET /debug/slow?ms=N, a request that stays in flight for N ms, so
// the process tests can check that shutdown lets it finish. Compiled only with -tags debugroutes.
func registerDebugRoutes(e *gin.Engine) {
	e.GET("/debug/slow", func(c *gin.Context) {
		ms, err := strconv.Atoi(c.Query("ms"))
		delay := time.Duration(ms) * time.Millisecond
		if err != nil || delay < 0 || delay > maxSlowDelay {
			c.JSON(http.StatusBadRequest, gin.H{"error": "ms must be a whole number of milliseconds up to 30000"})
			return
		}
		select {
		case <-time.After(delay):
			c.JSON(http.StatusOK, gin.H{"sleptMs": ms})
		case <-c.Request.Context().Done():
			c.Status(http.StatusServiceUnavailable)
		}
	})
}
