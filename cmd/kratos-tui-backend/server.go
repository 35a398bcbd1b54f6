package main

import (
	"net/http"
	"time"

	"github.com/rs/zerolog"

	"github.com/kratos-tui/kratos-tui/cmd/kratos-tui-backend/whoami"
)

// newServer builds the HTTP server with timeouts on every phase.
func newServer(c config, logger zerolog.Logger) *http.Server {
	client := &http.Client{Timeout: c.kratosTimeout}
	return &http.Server{
		Handler:           newMux(whoami.NewHandler(c.kratosAPI, client, logger)),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      c.kratosTimeout + 5*time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
}

// newMux routes /whoami and /healthz; anything else is a JSON 404.
func newMux(whoamiHandler http.Handler) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("/whoami", whoamiHandler)
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write([]byte(`{"status":"ok"}` + "\n"))
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"error":{"code":404,"message":"not found"}}` + "\n"))
	})
	return mux
}
