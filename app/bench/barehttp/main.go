// Command barehttp is the benchmark's baseline: a plain net/http handler answering GET / with the
// same JSON as gin-app, and nothing else (no Gin, request id, logging or metrics), served with the
// same http.Server settings (timeouts) as gin-app, so that the benchmark compares the handlers.
package main

import (
	"encoding/json"
	"flag"
	"log"
	"log/slog"
	"net/http"

	"github.com/gin-deploy/app/internal/server"
)

type greeting struct {
	Message string `json:"message"`
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		// Marshalled per request, as gin's c.JSON does.
		body, err := json.Marshal(greeting{Message: "Hello from gin-app"})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(body)
	})
	srv := server.NewHTTPServer(mux, slog.Default())
	srv.Addr = *addr
	log.Fatal(srv.ListenAndServe())
}
