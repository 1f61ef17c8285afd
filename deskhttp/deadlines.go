package deskhttp

import (
	"io"
	"net/http"
	"strings"
	"time"
)

// The per-request production limits. The host's README ("Running it in
// production") lists them with what each protects against.
const (
	// DefaultBodyTimeout bounds how long a client may take to send a
	// request's body, from the end of its header.
	DefaultBodyTimeout = 30 * time.Second
	// DefaultWriteTimeout bounds how long after its header a request's
	// answer may take to be written, so a client that never reads it
	// releases the handler. For media it bounds each write instead, so a
	// slow but steady download of a large video still finishes.
	DefaultWriteTimeout = 60 * time.Second
	// DefaultReadHeaderTimeout bounds how long a client may take to send
	// a request's header (a slowloris holds connections open that way).
	DefaultReadHeaderTimeout = 10 * time.Second
	// DefaultIdleTimeout closes a keep-alive connection left idle.
	DefaultIdleTimeout = 60 * time.Second
	// DefaultMaxHeaderBytes caps a request's header (431 beyond).
	DefaultMaxHeaderBytes = 64 << 10
)

// Limits are a Handler's per-request deadlines, the caps of its live
// event streams and the connection limits of the http.Server that
// Handler.Server returns. A zero field means its production default.
type Limits struct {
	Body    time.Duration // body within, after the header (DefaultBodyTimeout)
	Write   time.Duration // answer (media: each write) within (DefaultWriteTimeout)
	Streams StreamLimits

	ReadHeader     time.Duration // header within (DefaultReadHeaderTimeout)
	Idle           time.Duration // keep-alive connection closed when idle (DefaultIdleTimeout)
	MaxHeaderBytes int           // header size (DefaultMaxHeaderBytes)
}

// orDefault returns d, or def when d is zero.
func orDefault[T comparable](d, def T) T {
	var zero T
	if d == zero {
		return def
	}
	return d
}

// Deadlines wraps next with the Handler's per-request deadlines: the body
// read deadline and the write deadline of the answer. ServeHTTP applies
// them itself; a host wraps its other routes (a webhook) with it so that
// one http.Server serves all with the same limits.
//
// A media download renews the write deadline before each write instead,
// so a large video reaches a slow but steady reader. The live event
// stream is exempt: it clears the read deadline and sets a write deadline
// per event itself. Only media answers are wrapped: a wrapped
// ResponseWriter would hide from http.MaxBytesReader the hook that closes
// the connection after a 413.
//
// The http.Server's own ReadTimeout and WriteTimeout should stay zero:
// net/http applies them to every request, the live event stream too.
func (h *Handler) Deadlines(next http.Handler) http.Handler {
	l := h.cfg.Limits
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == eventsPath && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			next.ServeHTTP(w, r)
			return
		}
		rc := http.NewResponseController(w)
		write := orDefault(l.Write, DefaultWriteTimeout)
		// An error means the connection has no deadlines (as under a
		// test recorder): there is nothing to bound then.
		_ = rc.SetReadDeadline(time.Now().Add(orDefault(l.Body, DefaultBodyTimeout)))
		_ = rc.SetWriteDeadline(time.Now().Add(write))
		switch {
		case strings.HasPrefix(r.URL.Path, mediaPath), strings.HasPrefix(r.URL.Path, signedMediaPath):
			w = &renewingWriter{ResponseWriter: w, rc: rc, timeout: write}
		case r.Method == http.MethodPost && isUpload(r.URL.Path):
			r.Body = &renewingBody{ReadCloser: r.Body, rc: rc, timeout: orDefault(l.Body, DefaultBodyTimeout)}
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

// isUpload reports whether path is a media upload's,
// /api/enquiries/{id}/media.
func isUpload(path string) bool {
	id, ok := strings.CutPrefix(path, "/api/enquiries/")
	id, ok2 := strings.CutSuffix(id, "/media")
	return ok && ok2 && id != "" && !strings.Contains(id, "/")
}

// renewingBody renews the connection's read deadline before each read of
// an upload's body, so a large file sent slowly but steadily arrives,
// while a client that stops sending releases the handler within timeout.
type renewingBody struct {
	io.ReadCloser
	rc      *http.ResponseController
	timeout time.Duration
}

func (b *renewingBody) Read(p []byte) (int, error) {
	_ = b.rc.SetReadDeadline(time.Now().Add(b.timeout))
	return b.ReadCloser.Read(p)
}

// Unwrap gives http.ResponseController the connection's own writer.
func (d *renewingWriter) Unwrap() http.ResponseWriter { return d.ResponseWriter }
