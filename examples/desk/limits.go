package main

import (
	"cmp"
	"log/slog"
	"net/http"
	"time"
)

// httpLimits are the timeouts and limits of the desk's HTTP server. A zero
// field means the production value: README's "Running it in production"
// lists them with what each protects against. Tests set short ones.
type httpLimits struct {
	ReadHeader     time.Duration // header within (10 s)
	Body           time.Duration // body within, after the header (deskhttp.DefaultBodyTimeout)
	Write          time.Duration // answer (media: each write) within (deskhttp.DefaultWriteTimeout)
	Idle           time.Duration // keep-alive connection closed when idle (60 s)
	MaxHeaderBytes int           // header size (64 KiB)
}

// httpServer returns the http.Server for h with limits l. Its ReadTimeout
// and WriteTimeout stay zero on purpose: the handler sets the body and
// write deadlines per request (deskhttp.Handler.Deadlines) and leaves the
// live event stream to set its own.
func httpServer(h http.Handler, l httpLimits, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: cmp.Or(l.ReadHeader, 10*time.Second),
		IdleTimeout:       cmp.Or(l.Idle, 60*time.Second),
		MaxHeaderBytes:    cmp.Or(l.MaxHeaderBytes, 64<<10),
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}
