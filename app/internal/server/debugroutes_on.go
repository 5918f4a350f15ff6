//go:build debugroutes

package server

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
)

const maxSlowDelay = 30 * time.Second

// registerDebugRoutes adds GET /debug/slow?ms=N, a request that stays in flight for N ms, so
// the process tests can check that shutdown lets it finish. It sends its headers at once, so
// the client knows the handler is running, and its body at the end. Compiled only with
// -tags debugroutes.
func registerDebugRoutes(e *gin.Engine) {
	e.GET("/debug/slow", func(c *gin.Context) {
		ms, err := strconv.Atoi(c.Query("ms"))
		delay := time.Duration(ms) * time.Millisecond
		if err != nil || delay < 0 || delay > maxSlowDelay {
			c.JSON(http.StatusBadRequest, gin.H{"error": "ms must be a whole number of milliseconds up to 30000"})
			return
		}
		c.Header("Content-Type", "application/json")
		c.Status(http.StatusOK)
		c.Writer.Flush()
		select {
		case <-time.After(delay):
			_, _ = fmt.Fprintf(c.Writer, `{"sleptMs":%d}`, ms)
		case <-c.Request.Context().Done():
		}
	})
}
