package deskhttp

import (
	"log/slog"
	"net/http"
)

// Server returns the http.Server a desk should serve next under: next is
// the Handler itself, or a host's mux holding it (wrap the mux in
// Deadlines so its other routes get the same per-request deadlines). The
// server bounds each connection's header (ReadHeader, MaxHeaderBytes) and
// idle time (Idle) by the Handler's Limits, and logs its own errors to the
// Handler's Logger. Its ReadTimeout and WriteTimeout stay zero on purpose:
// the Handler sets the body and write deadlines per request and leaves the
// live event stream to set its own. Register EndStreams with its
// RegisterOnShutdown, since event streams never go idle on their own.
func (h *Handler) Server(next http.Handler) *http.Server {
	l := h.cfg.Limits
	return &http.Server{
		Handler:           next,
		ReadHeaderTimeout: orDefault(l.ReadHeader, DefaultReadHeaderTimeout),
		IdleTimeout:       orDefault(l.Idle, DefaultIdleTimeout),
		MaxHeaderBytes:    orDefault(l.MaxHeaderBytes, DefaultMaxHeaderBytes),
		ErrorLog:          slog.NewLogLogger(h.log.Handler(), slog.LevelWarn),
	}
}
