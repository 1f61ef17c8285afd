package main

import (
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// The HTTP server's production limits. README's "Running it in
// production" lists them with what each protects against.
const (
	// readHeaderTimeout bounds how long a client may take to send a
	// request's header: a client that opens connections and trickles
	// header bytes holds nothing longer than this.
	readHeaderTimeout = 10 * time.Second
	// bodyTimeout bounds how long a client may take to send a request's
	// body, from the end of its header. The LINE webhook sets a shorter
	// deadline of its own (line.DefaultReadTimeout).
	bodyTimeout = 30 * time.Second
	// writeTimeout bounds how long after its header a request's answer
	// may take to be written, so a client that never reads it releases
	// the handler. For media it bounds each write instead, so a slow but
	// steady download of a large video still finishes.
	writeTimeout = 60 * time.Second
	// idleTimeout closes a keep-alive connection with no request for this
	// long. Put a proxy's idle timeout below it, so the proxy never sends
	// on a connection the desk is closing.
	idleTimeout = 60 * time.Second
	// maxHeaderBytes caps a request's header (net/http allows 1 MiB).
	maxHeaderBytes = 64 << 10
)

// httpLimits are the timeouts and limits of the desk's HTTP server. A zero
// field means the production value above; tests set short ones.
type httpLimits struct {
	ReadHeader     time.Duration // header within (readHeaderTimeout)
	Body           time.Duration // body within, after the header (bodyTimeout)
	Write          time.Duration // answer (media: each write) within (writeTimeout)
	Idle           time.Duration // keep-alive connection closed when idle (idleTimeout)
	MaxHeaderBytes int           // header size (maxHeaderBytes)
}

// orDefault returns d, or def when d is zero.
func orDefault[T comparable](d, def T) T {
	var zero T
	if d == zero {
		return def
	}
	return d
}

// httpServer returns the http.Server for h with the server's limits.
//
// Its ReadTimeout and WriteTimeout stay zero on purpose: net/http applies
// them to every request, the live event stream too, and a read deadline
// that fires in the server's background read cancels the request's
// context. The body and write deadlines are set per request by
// withDeadlines instead, which leaves the stream to set its own.
func (s *server) httpServer(h http.Handler, log *slog.Logger) *http.Server {
	l := s.limits
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: orDefault(l.ReadHeader, readHeaderTimeout),
		IdleTimeout:       orDefault(l.Idle, idleTimeout),
		MaxHeaderBytes:    orDefault(l.MaxHeaderBytes, maxHeaderBytes),
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// withDeadlines sets a request's body read deadline and the write
// deadline of its answer. A media download renews the write deadline
// before each write instead, so a large video reaches a slow but steady
// reader. The live event stream is exempt: it clears the read deadline
// and sets a write deadline per event itself.
//
// Only media answers are wrapped: a wrapped ResponseWriter would hide
// from http.MaxBytesReader the hook that closes the connection after a
// 413.
func (s *server) withDeadlines(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == eventsPath && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			next.ServeHTTP(w, r)
			return
		}
		rc := http.NewResponseController(w)
		write := orDefault(s.limits.Write, writeTimeout)
		// An error means the connection has no deadlines (as under a
		// test recorder): there is nothing to bound then.
		_ = rc.SetReadDeadline(time.Now().Add(orDefault(s.limits.Body, bodyTimeout)))
		_ = rc.SetWriteDeadline(time.Now().Add(write))
		if strings.HasPrefix(r.URL.Path, mediaPath) {
			w = &renewingWriter{ResponseWriter: w, rc: rc, timeout: write}
		}
		next.ServeHTTP(w, r)
	})
}

// renewingWriter renews the connection's write deadline before each
// write, so a client that stops reading releases the handler within
// timeout, while one that keeps reading may take as long as it needs.
type renewingWriter struct {
	http.ResponseWriter
	rc      *http.ResponseController
	timeout time.Duration
}

func (d *renewingWriter) Write(p []byte) (int, error) {
	_ = d.rc.SetWriteDeadline(time.Now().Add(d.timeout))
	return d.ResponseWriter.Write(p)
}

// Unwrap gives http.ResponseController the connection's own writer.
func (d *renewingWriter) Unwrap() http.ResponseWriter { return d.ResponseWriter }
