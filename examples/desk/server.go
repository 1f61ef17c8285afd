package main

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/socialdesk/socialdesk/automsg"
	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/routing"
)

// server is the desk host: the desk, its connector, the HTTP handlers and
// (in demo mode) the fake LINE platform.
type server struct {
	cfg     config
	log     *slog.Logger
	desk    *enquiry.Desk
	store   enquiry.Store
	feed    *enquiry.Feed
	roster  *enquiry.Roster
	blobs   enquiry.BlobStore
	api     *api
	mux     *http.ServeMux
	line    *line.Client
	webhook *line.Webhook
	demo    *demo  // demo mode only
	baseURL string // where the server listens, once known
	// limits are the HTTP server's timeouts; zero fields mean the
	// production values. Tests set short ones before serving.
	limits httpLimits
	// streams serves the live event streams.
	streams *hub
	// checks keeps each channel's last set-up check.
	checks *checkResults

	cancel    context.CancelFunc
	wg        sync.WaitGroup
	closeOnce sync.Once
	closers   []func()
}

// demoStaff are the staff of the demo and of channel main.
var demoStaff = []struct {
	id   string
	name automsg.Staff
}{
	{"alice", automsg.Staff{First: "Alice", Last: "Chen"}},
	{"bob", automsg.Staff{First: "Bob", Last: "Tanaka"}},
}

func newServer(ctx context.Context, cfg config, log *slog.Logger) (*server, error) {
	s := &server{cfg: cfg, log: log, feed: &enquiry.Feed{}, roster: &enquiry.Roster{}, blobs: &enquiry.MemBlobs{}, mux: http.NewServeMux(), checks: &checkResults{}}
	for _, st := range demoStaff {
		s.roster.Add(st.id, st.name, 0)
		s.roster.SetPresence(st.id, routing.Available)
	}
	store, closeStore, err := openStore(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	s.store = store
	s.closers = append(s.closers, closeStore)
	sender, err := s.connect(ctx)
	if err != nil {
		return nil, err
	}
	s.desk, err = enquiry.New(enquiry.Config{Store: store, Sender: sender, Directory: s.roster, Sink: s.feed, Blobs: s.blobs, Logger: log, Instance: cfg.Instance})
	if err != nil {
		return nil, err
	}
	s.webhook = line.NewWebhook(line.WebhookConfig{
		Channels: s.desk, Events: store, Desk: s.desk, Content: s.line, Blobs: s.blobs, Logger: log,
		Instance: cfg.Instance,
	})
	s.mux.Handle("/webhook/line/{channel}", s.webhook)
	s.api = &api{desk: s.desk, feed: s.feed, roster: s.roster, blobs: s.blobs, log: log, closing: make(chan struct{}), connect: s.connectChannel, quota: s.channelQuota, checks: s.checks}
	s.streams = newHub(s.feed, streamLimits{}, log, s.api.closing)
	s.api.streams = s.streams
	s.api.routes(s.mux)
	s.mux.HandleFunc("POST /api/channels/{id}/check", s.serveCheck)
	s.mux.HandleFunc("GET /api/config", s.config)
	s.mux.Handle("/", consoleHandler())
	if s.demo != nil {
		s.demo.routes(s.mux)
	}
	return s, nil
}

func (s *server) config(w http.ResponseWriter, r *http.Request) {
	ids := make([]string, len(demoStaff))
	for i, st := range demoStaff {
		ids[i] = st.id
	}
	channel := "main"
	if s.cfg.Demo {
		channel = demoChannel
	}
	writeJSON(w, http.StatusOK, map[string]any{"demo": s.cfg.Demo, "staff": ids, "channel": channel})
}

// Handler returns the server's HTTP handler, with the per-request body
// and write deadlines. /api needs the bearer token when one is
// configured: in the Authorization header, or, only where a browser
// cannot send a header (the event stream and media), in the query as
// access_token. Anywhere else a token in the query is refused with 401,
// even a right one, so that it is not left in URLs and proxy logs.
func (s *server) Handler() http.Handler {
	return s.withDeadlines(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.Token != "" && strings.HasPrefix(r.URL.Path, "/api/") {
			if msg := s.authorize(r); msg != "" {
				w.Header().Set("WWW-Authenticate", `Bearer realm="socialdesk"`)
				writeError(w, http.StatusUnauthorized, "unauthorized", msg)
				return
			}
		}
		s.mux.ServeHTTP(w, r)
	}))
}

// mediaPath is the prefix of media URLs, which <img>, <video> and <audio>
// load without headers.
const mediaPath = "/api/media/"

// authorize checks r's token. It returns "" when r may pass, else what
// the client must do.
func (s *server) authorize(r *http.Request) string {
	const useHeader = "send Authorization: Bearer <DESK_TOKEN>"
	q := r.URL.Query()
	if q.Has("access_token") && !queryTokenAllowed(r) {
		return "a token in the URL is accepted only by GET " + eventsPath + " and " + mediaPath + "…: " + useHeader
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		got = q.Get("access_token")
	}
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(s.cfg.Token)) != 1 {
		return useHeader
	}
	return ""
}

// queryTokenAllowed reports whether r may carry the token in its query:
// a GET (or HEAD) of the event stream, which EventSource opens, or of a
// media file, which the console's <img>, <video> and <audio> load.
func queryTokenAllowed(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	return r.URL.Path == eventsPath || strings.HasPrefix(r.URL.Path, mediaPath)
}

// start begins the background work: the desk's timers and the webhook
// workers. It returns once they run.
func (s *server) start(ctx context.Context) error {
	ctx, s.cancel = context.WithCancel(context.WithoutCancel(ctx))
	s.wg.Add(2)
	go func() {
		defer s.wg.Done()
		s.desk.Run(ctx)
	}()
	go func() {
		defer s.wg.Done()
		s.streams.run(ctx)
	}()
	return s.startConnector(ctx)
}

// endStreams ends the live event streams, so a shutdown need not wait for them.
func (s *server) endStreams() {
	select {
	case <-s.api.closing:
	default:
		close(s.api.closing)
	}
}

// Shutdown finishes queued webhook work and stops the background work.
func (s *server) Shutdown(ctx context.Context) error {
	s.endStreams()
	err := s.shutdownConnector(ctx)
	if s.cancel != nil {
		s.cancel()
	}
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		return ctx.Err()
	}
	return err
}

// Close releases everything; it is safe to call twice.
func (s *server) Close() {
	s.closeOnce.Do(func() {
		s.endStreams()
		if s.cancel != nil {
			s.cancel()
		}
		s.wg.Wait()
		for i := len(s.closers) - 1; i >= 0; i-- {
			s.closers[i]()
		}
	})
}
