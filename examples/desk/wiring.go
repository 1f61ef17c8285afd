package main

import (
	"context"
	"fmt"
	"github.com/socialdesk/socialdesk/examples/desk/internal/demo"
	"log/slog"
	"time"

	"github.com/socialdesk/socialdesk/automsg"
	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/routing"
)

// demoChannel is the demo's channel ID.
const demoChannel = "demo"

// openStore returns the store: memory, or PostgreSQL with DESK_DATABASE_URL.
func openStore(ctx context.Context, cfg config, log *slog.Logger) (enquiry.Store, func(), error) {
	if cfg.DatabaseURL != "" {
		return openPostgres(ctx, cfg.DatabaseURL, log)
	}
	return enquiry.NewMemStore(), func() {}, nil
}

// connect builds the LINE client (the desk's sender) and, in demo mode,
// the fake platform it talks to.
func (s *server) connect() {
	lc := line.Config{APIBase: s.cfg.APIBase, DataAPIBase: s.cfg.DataAPIBase, Logger: s.log}
	if s.cfg.Demo {
		s.demo = demo.New()
		s.closers = append(s.closers, s.demo.Platform.Close)
		lc.APIBase, lc.DataAPIBase = s.demo.Platform.URL(), s.demo.Platform.DataURL()
	}
	s.line = line.NewClient(lc)
}

// routeToStaff rings alice, then bob, for 30 s each; then the enquiry is missed.
func routeToStaff() *routing.Rule {
	r := &routing.Rule{Node: routing.Node{Alternative: []routing.Destination{
		{Staff: "alice", Timeout: 30 * time.Second},
		{Staff: "bob", Timeout: 30 * time.Second},
	}}}
	if err := r.Validate(); err != nil {
		panic(err)
	}
	return r
}

// allOn switches every auto-message on with its default text.
var allOn = automsg.Settings{
	Welcome: automsg.Message{On: true}, Away: automsg.Message{On: true}, Close: automsg.Message{On: true},
	NameFormat: automsg.NameFirst,
}

// setUpChannel creates the channel this host serves, if it is not there yet:
// the demo channel, or channel main with the LINE credentials.
func (s *server) setUpChannel(ctx context.Context) (enquiry.Channel, error) {
	ch := enquiry.Channel{ID: "main", Name: "LINE", Kind: "line", Routing: routeToStaff(), AutoMessages: allOn,
		Credentials: enquiry.Credentials{Secret: enquiry.Secret(s.cfg.Secret), Token: enquiry.Secret(s.cfg.AccessToken)}}
	if s.cfg.Demo {
		s.demo.Webhook = s.baseURL + "/webhook/line/" + demoChannel
		s.demo.Platform.SetWebhook(demo.Bot, s.demo.Webhook, true)
		ch = enquiry.Channel{
			ID: demoChannel, Name: "Demo Shop", Kind: "line", Account: demo.Bot, Routing: routeToStaff(),
			Credentials:  enquiry.Credentials{Secret: demo.Secret, Token: demo.Token},
			AutoMessages: allOn,
			CustomInfo:   "Demo Shop is open 9:00–18:00 (JST), Monday to Friday. Orders ship within two working days; returns are free within 30 days.",
			CustomInfoOn: true,
		}
	}
	if existing, err := s.desk.Channel(ctx, ch.ID); err == nil {
		ch = existing // kept in PostgreSQL from an earlier run
	} else if _, err := s.desk.CreateChannel(ctx, ch); err != nil {
		return ch, fmt.Errorf("setting up channel %s: %w", ch.ID, err)
	}
	return ch, nil
}

// diagnose runs LINE's set-up checks for channel main at start-up, keeps
// the report as the channel's last and logs each result; it records the
// bot user ID on the channel when LINE gives it.
func (s *server) diagnose(ctx context.Context, ch enquiry.Channel) {
	r, _ := s.http.CheckChannel(ctx, ch)
	logReport(ctx, s.log, ch.ID, r)
	if info, err := s.line.BotInfo(ctx, ch); err == nil && info.UserID != "" && ch.Account != info.UserID {
		ch.Account = info.UserID
		if _, err := s.desk.UpdateChannel(ctx, ch); err != nil {
			s.log.Warn("recording the bot user ID failed", "channel", ch.ID, "err", err)
		}
	}
}

// startConnector starts the webhook's workers, then checks LINE's set-up
// in the background: the workers resume at once what a previous process
// left pending, and LINE's webhook test can reach the server, which
// serves once start returns.
func (s *server) startConnector(ctx context.Context) error {
	ch, err := s.setUpChannel(ctx)
	if err != nil {
		return err
	}
	s.wg.Go(func() {
		if err := s.webhook.Run(ctx); err != nil {
			s.log.Error("webhook workers stopped", "err", err)
		}
	})
	if !s.cfg.Demo {
		s.wg.Go(func() { s.diagnose(ctx, ch) })
	}
	return nil
}
