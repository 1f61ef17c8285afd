package deskhttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
)

// Config configures a Handler. Desk and Feed are required; the zero value
// of every other field means its documented default.
type Config struct {
	// Desk is the desk the API works on.
	Desk *enquiry.Desk
	// Feed is the desk's event sink (enquiry.Config.Sink): GET
	// /api/events streams what it publishes.
	Feed *enquiry.Feed
	// Roster is the desk's staff directory (enquiry.Config.Directory):
	// GET /api/staff lists it and POST /api/staff/{id}/presence sets
	// presence in it. Nil: an empty roster.
	Roster *enquiry.Roster
	// Blobs keeps the media GET /api/media/{key} serves and POST
	// /api/enquiries/{id}/media stores: the desk's (enquiry.Config.Blobs).
	// Nil: every media key is 404 and uploads are refused.
	Blobs enquiry.BlobStore
	// Media configures the signed media URLs handed to the platforms
	// (MediaURL) and served at /media/{key}: the desk's public address,
	// the signing key (shared by replicas), how long a URL is valid.
	Media MediaLinks
	// Auth says who a request acts as. Nil leaves the API open: every
	// request acts as an admin service credential. Use nil only on a
	// loopback address, for development.
	Auth Authenticator
	// Accounts keeps the staff accounts: with it, staff sign in (POST
	// /api/session) and use their own API tokens, and admins manage
	// accounts under /api/staff. Nil: no accounts; only Auth's
	// credentials.
	Accounts Accounts
	// Sessions keeps the signed-in sessions. Nil: a MemSessions on Now.
	Sessions Sessions
	// SessionTTL is how long a sign-in lasts; zero means
	// DefaultSessionTTL. A custom Sessions keeps its own expiry.
	SessionTTL time.Duration
	// SecureCookies marks the session cookie Secure on every answer, for
	// a desk behind a TLS-terminating proxy; over TLS it is Secure anyway.
	SecureCookies bool
	// Connectors say what the API knows of each kind of channel: its
	// webhook path, its name in messages, how a new channel is checked,
	// the console's words for it (GET /api/config lists them).
	// The first is the default kind of a channel created without one.
	Connectors []Connector
	// Console configures the staff console's start-up settings (GET
	// /api/config).
	Console Console
	// Limits are the per-request deadlines and the event stream's caps.
	Limits Limits
	// Logger receives what goes wrong; nil discards it.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Console is what the staff console learns at start-up from GET
// /api/config.
type Console struct {
	// Demo shows the console's demo page links (the customer phone).
	Demo bool
	// Channel is the channel the console opens first.
	Channel string
}

// Handler serves the desk over HTTP: the staff JSON API under /api/, the
// live event stream at /api/events and the staff console at /. Create it
// with New, start its event fan-out with Run and end its streams with
// EndStreams before a server shutdown. It is safe for concurrent use.
type Handler struct {
	cfg     Config
	log     *slog.Logger
	roster  *enquiry.Roster
	mux     *http.ServeMux
	streams *hub
	checks  *checkResults
	// sessions keeps sign-ins; the throttles count failed ones.
	sessions                         Sessions
	accountFailures, addressFailures *throttle
	// origins refuses cross-origin state changes from browsers.
	origins *http.CrossOriginProtection
	// closing ends event streams when the server shuts down.
	closing   chan struct{}
	closeOnce sync.Once
	// patterns are the mux's routes, in the order routes registers them.
	patterns []string
	// signer makes and checks the signed media URLs.
	signer signer
}

// New returns a Handler for cfg. It does no I/O; call Run for live events
// to flow.
func New(cfg Config) (*Handler, error) {
	if cfg.Desk == nil || cfg.Feed == nil {
		return nil, errors.New("deskhttp: Config needs Desk and Feed")
	}
	for _, c := range cfg.Connectors {
		if c.Kind == "" {
			return nil, errors.New("deskhttp: every Connector needs a Kind")
		}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	h := &Handler{cfg: cfg, log: cfg.Logger, roster: cfg.Roster, mux: http.NewServeMux(), checks: &checkResults{}, closing: make(chan struct{}),
		sessions: cfg.Sessions, accountFailures: newThrottle(accountFailures, accountFailureEvery), addressFailures: newThrottle(addressFailures, addressFailureEvery),
		origins: http.NewCrossOriginProtection()}
	if h.sessions == nil {
		h.sessions = &MemSessions{TTL: cfg.SessionTTL, Now: cfg.Now}
	}
	h.origins.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusForbidden, "cross_origin", "cross-origin requests may not change anything here")
	}))
	if h.roster == nil {
		h.roster = &enquiry.Roster{}
	}
	var generated bool
	if h.signer, generated = newSigner(cfg.Media, cfg.Now); generated && h.signer.base != "" {
		h.log.Warn("deskhttp: signed media URLs use a key made for this process (Config.Media.Key is empty): they stop working when it restarts, and replicas must share one key")
	}
	h.streams = newHub(cfg.Feed, cfg.Limits.Streams, h.log, h.closing)
	h.routes()
	return h, nil
}

// Format prints the handler as "&deskhttp.Handler{[redacted]}" with every
// verb (%v, %+v, %#v and %s included; %p still prints its address): its
// configuration holds secrets, the service token among them and the
// media links' signing key, which fmt would print raw from unexported
// fields. A log line through log/slog's text handler prints the same.
func (h *Handler) Format(f fmt.State, verb rune) {
	io.WriteString(f, "&deskhttp.Handler{[redacted]}")
}

// ServeHTTP serves r with its deadlines, after authenticating every /api
// request but a sign-in or sign-out and the API reference (GET
// /api/openapi.json). A browser's cross-origin request that would change
// something is answered 403 (http.CrossOriginProtection), so that a
// session cookie cannot be used by another site.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.Deadlines(h.origins.Handler(http.HandlerFunc(h.serve))).ServeHTTP(w, r)
}

func (h *Handler) serve(w http.ResponseWriter, r *http.Request) {
	signing := r.URL.Path == "/api/session" && (r.Method == http.MethodPost || r.Method == http.MethodDelete)
	if strings.HasPrefix(r.URL.Path, "/api/") && !signing && r.URL.Path != openAPIPath {
		p, msg := h.authenticate(r)
		if msg != "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="socialdesk"`)
			writeError(w, http.StatusUnauthorized, "unauthorized", msg)
			return
		}
		// The desk records, on what staff write, the credential they used.
		r = r.WithContext(enquiry.WithVia(withPrincipal(r.Context(), p), string(p.Via)))
	}
	h.mux.ServeHTTP(w, r)
}

// Run fans the desk's events out to the live event streams until ctx is
// done; then it ends every stream. Start it once, in its own goroutine.
func (h *Handler) Run(ctx context.Context) { h.streams.run(ctx) }

// EndStreams ends the live event streams and refuses new ones, so that a
// server's Shutdown need not wait for them: register it with
// http.Server.RegisterOnShutdown. It is safe to call more than once.
func (h *Handler) EndStreams() {
	h.closeOnce.Do(func() { close(h.closing) })
}

// DropStreams ends every open event stream but accepts new ones: the
// consoles reconnect and reload what they show.
func (h *Handler) DropStreams() { h.streams.dropAll() }

// Streams returns how many live event streams are open.
func (h *Handler) Streams() int { return h.streams.count() }

// connector returns the connector of kind.
func (h *Handler) connector(kind string) (Connector, bool) {
	i := slices.IndexFunc(h.cfg.Connectors, func(c Connector) bool { return c.Kind == kind })
	if i < 0 {
		return Connector{}, false
	}
	return h.cfg.Connectors[i], true
}

// defaultKind is the kind of a channel created without one.
func (h *Handler) defaultKind() string {
	if len(h.cfg.Connectors) == 0 {
		return ""
	}
	return h.cfg.Connectors[0].Kind
}

func (h *Handler) config(w http.ResponseWriter, r *http.Request) {
	ids := h.roster.IDs()
	slices.Sort(ids)
	kinds := make([]kindJSON, len(h.cfg.Connectors))
	for i, c := range h.cfg.Connectors {
		kinds[i] = c.view()
	}
	writeJSON(w, http.StatusOK, map[string]any{"demo": h.cfg.Console.Demo, "staff": ids, "channel": h.cfg.Console.Channel, "accounts": h.cfg.Accounts != nil, "kinds": kinds})
}
