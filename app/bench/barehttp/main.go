// Command barehttp is the benchmark's baseline: plain net/http answering GET / with the same
// JSON as gin-app, and nothing else (no router, logging or metrics).
package main

import (
	"encoding/json"
	"flag"
	"log"
	"net/http"
	"time"
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
	srv := &http.Server{Addr: *addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: 120 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
