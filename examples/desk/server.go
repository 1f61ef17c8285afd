package main

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"

	"github.com/socialdesk/socialdesk/deskhttp"
	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/examples/desk/internal/demo"
	"github.com/socialdesk/socialdesk/inbox"
	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linedesk"
	"github.com/socialdesk/socialdesk/whatsapp"
	"github.com/socialdesk/socialdesk/whatsapp/whatsappdesk"
)

// server is the desk host: the desk, its LINE connector, the desk's HTTP
// handler and (in demo mode) the fake LINE platform.
type server struct {
	cfg     config
	log     *slog.Logger
	desk    *enquiry.Desk
	roster  *enquiry.Roster
	http    *deskhttp.Handler
	staff   *deskhttp.StoreAccounts // the staff accounts, in the store
	mux     *http.ServeMux
	line    *line.Client
	webhook *line.Webhook
	wa      *whatsappdesk.Setup // WhatsApp channel wa, when configured
	waHook  *whatsapp.Webhook
	demo    *demo.Demo // demo mode only
	baseURL string     // where the server listens, once known

	cancel    context.CancelFunc
	wg        sync.WaitGroup
	closeOnce sync.Once
	closers   []func()
}

func newServer(ctx context.Context, cfg config, log *slog.Logger) (*server, error) {
	s := &server{cfg: cfg, log: log, roster: &enquiry.Roster{}, mux: http.NewServeMux()}
	store, closeStore, err := openStore(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	s.staff, s.closers = &deskhttp.StoreAccounts{Store: store}, []func(){closeStore}
	s.connect()
	feed, blobs := &enquiry.Feed{}, &enquiry.MemBlobs{}
	kinds := map[string]enquiry.Kind{line.ChannelKind: line.DeskKind(s.line)}
	if s.cfg.Wa { // set by the variables, or by connect in demo mode
		s.wa = whatsappdesk.New(s.cfg.WhatsApp)
		kinds[whatsapp.ChannelKind] = s.wa.Kind(blobs)
	}
	s.desk, err = enquiry.New(enquiry.Config{Store: store, Kinds: kinds, Directory: s.roster, Sink: feed, Blobs: blobs, Logger: log, Instance: cfg.Instance})
	if err != nil {
		return nil, err
	}
	var lineEvents inbox.Store = store
	if s.wa != nil { // one store, two connectors: LINE's workers leave wa alone
		lineEvents = inbox.Only(store, func(ch string) bool { return ch != whatsappdesk.ChannelID })
	}
	s.webhook = line.NewWebhook(line.WebhookConfig{Channels: s.desk, Events: lineEvents, Desk: s.desk, Content: s.line, Blobs: blobs, Logger: log, Inbox: inbox.Options{Instance: cfg.Instance}})
	connectors := []deskhttp.Connector{linedesk.Connector(linedesk.Config{Client: s.line, Store: store, PublicURL: s.publicURL, Offline: cfg.Demo})}
	if s.wa != nil {
		connectors = append(connectors, s.wa.Connector())
		s.waHook = s.wa.Webhook(store, s.desk, blobs, log)
		s.mux.Handle(whatsappdesk.Webhook, s.waHook)
	}
	auth := deskhttp.Open() // loopback only: configFrom refuses others
	if cfg.Token != "" {
		auth = deskhttp.ServiceToken(cfg.Token.Reveal())
	}
	console := deskhttp.Console{Demo: cfg.Demo, Channel: "main"}
	if cfg.Demo {
		console.Channel = demo.ChannelID
	}
	s.http, err = deskhttp.New(deskhttp.Config{
		Desk: s.desk, Feed: feed, Roster: s.roster, Blobs: blobs, Auth: auth, Accounts: s.staff, Sessions: s.staff, Logger: log,
		Media:      deskhttp.MediaLinks{PublicURL: cfg.PublicURL, Key: cfg.MediaKey},
		Connectors: connectors,
		Console:    console,
		Limits:     cfg.limits,
	})
	if err != nil {
		return nil, err
	}
	s.mux.Handle("/webhook/line/{channel}", s.webhook)
	if s.demo != nil {
		s.demo.Routes(s.mux)
	}
	s.mux.Handle("/", s.http)
	return s, nil
}

// publicURL is where LINE reaches this desk: DESK_PUBLIC_URL, or the
// listen address when that is not set.
func (s *server) publicURL() string { return cmp.Or(s.cfg.PublicURL, s.baseURL) }

// Handler returns the server's HTTP handler (webhooks, the demo's phone,
// the desk's API and console) with deskhttp's per-request deadlines.
func (s *server) Handler() http.Handler { return s.http.Deadlines(s.mux) }

// start begins the background work: the desk's timers, the live event
// streams and the webhook workers. It returns once they run.
func (s *server) start(ctx context.Context) error {
	ctx, s.cancel = context.WithCancel(context.WithoutCancel(ctx))
	s.wg.Go(func() { s.desk.Run(ctx) })
	s.wg.Go(func() { s.http.Run(ctx) })
	if err := s.setUpStaff(ctx); err != nil {
		return err
	}
	return s.startConnector(ctx)
}

// Shutdown finishes queued webhook work and stops the background work.
func (s *server) Shutdown(ctx context.Context) error {
	s.http.EndStreams()
	err := s.webhook.Shutdown(ctx)
	if s.waHook != nil {
		err = errors.Join(err, s.waHook.Shutdown(ctx))
	}
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
		s.http.EndStreams()
		if s.cancel != nil {
			s.cancel()
		}
		s.wg.Wait()
		for i := len(s.closers) - 1; i >= 0; i-- {
			s.closers[i]()
		}
	})
}
