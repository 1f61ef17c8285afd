package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/enquiry/postgres"
	"github.com/socialdesk/socialdesk/examples/desk/internal/demo"
	"github.com/socialdesk/socialdesk/inbox"
	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linedesk"
	"github.com/socialdesk/socialdesk/whatsapp/whatsappdesk"
)

// store is the desk's store and the webhook's durable inbox in one:
// enquiry.MemStore and enquiry/postgres are both.
type store interface {
	enquiry.Store
	inbox.Store
}

// openStore returns the store: memory, or PostgreSQL (migrated) with
// DESK_DATABASE_URL, which may set search_path to a schema of its own.
func openStore(ctx context.Context, cfg config, log *slog.Logger) (store, func(), error) {
	if cfg.DatabaseURL == "" {
		return enquiry.NewMemStore(), func() {}, nil
	}
	pg, err := postgres.Open(ctx, cfg.DatabaseURL, postgres.Options{Migrate: true})
	if err != nil {
		return nil, nil, err
	}
	log.InfoContext(ctx, "using PostgreSQL") // never the DSN: it may hold a password
	return pg, pg.Close, nil
}

// connect builds the LINE client (the desk's sender) and, in demo mode,
// the fake platforms it talks to.
func (s *server) connect() {
	lc := line.Config{APIBase: s.cfg.LINE.APIBase, DataAPIBase: s.cfg.LINE.DataAPIBase, Logger: s.log,
		// Staff's media reach LINE at URLs the desk signs (s.http exists before any send).
		MediaURL: func(ctx context.Context, ref enquiry.MediaRef) (string, string, error) {
			return s.http.MediaURL(ctx, ref)
		}}
	if s.cfg.Demo {
		s.demo = demo.New()
		s.closers = append(s.closers, s.demo.Close)
		lc.APIBase, lc.DataAPIBase = s.demo.Platform.URL(), s.demo.Platform.DataURL()
		if !s.cfg.DemoNoWA {
			s.cfg.Wa, s.cfg.WhatsApp = true, s.demo.StartWhatsApp(s.cfg.Instance)
		}
	}
	s.line = line.NewClient(lc)
}

// setUpStaff adds the built-in admin account with DESK_ADMIN_PASSWORD,
// and in demo mode the demo's staff, then puts every account in the roster.
func (s *server) setUpStaff(ctx context.Context) error {
	if !s.cfg.AdminPassword.IsZero() {
		if err := s.staff.EnsureAdmin(ctx, "admin", "Admin", s.cfg.AdminPassword); err != nil {
			return fmt.Errorf("setting up the admin account with DESK_ADMIN_PASSWORD: %w", err)
		}
	}
	if err := s.http.LoadAccounts(ctx); err != nil || !s.cfg.Demo {
		return err
	}
	return s.demo.AddStaff(ctx, s.staff, s.roster)
}

// setUpChannel creates the channel this host serves, if it is not there
// yet: the demo channel, or channel main with the LINE credentials, named
// as its LINE account is and ringing every available staff member.
func (s *server) setUpChannel(ctx context.Context) (enquiry.Channel, error) {
	ch := enquiry.Channel{ID: "main", Credentials: enquiry.Credentials{Secret: s.cfg.LINE.Secret, Token: s.cfg.LINE.AccessToken}}
	if s.cfg.Demo {
		ch = s.demo.Channel(s.baseURL) // points the fake platform at this desk
		ch.Routing = demo.Routing()
	}
	ch.AutoMessages = demo.AutoMessages
	return linedesk.EnsureChannel(ctx, s.desk, s.line, ch, s.log)
}

// startConnector starts the webhook's workers, then checks LINE's set-up
// in the background: the workers resume at once what a previous process
// left pending, and LINE's webhook test can reach the server, which
// serves once start returns.
func (s *server) startConnector(ctx context.Context) error {
	if s.wa != nil {
		wa := enquiry.Channel{AutoMessages: demo.AutoMessages} // ringing everyone available
		if s.demo != nil {
			wa.Routing, s.demo.WAWebhook = demo.Routing(), s.baseURL+"/webhook/whatsapp/"+whatsappdesk.ChannelID
		}
		ch, err := s.wa.EnsureChannel(ctx, s.desk, wa)
		if err != nil {
			return err
		}
		s.wg.Go(func() { s.waHook.Run(ctx) })
		s.wg.Go(func() { whatsappdesk.Diagnose(ctx, s.http, ch, s.log) }) // the demo's fake answers too
	}
	if !s.cfg.Line && !s.cfg.Demo { // WhatsApp alone
		s.wg.Go(func() { s.webhook.Run(ctx) }) // for an earlier run's events
		return nil
	}
	ch, err := s.setUpChannel(ctx)
	if err != nil {
		return err
	}
	s.wg.Go(func() { s.webhook.Run(ctx) })
	if !s.cfg.Demo {
		s.wg.Go(func() { linedesk.Diagnose(ctx, s.http, s.desk, s.line, ch, s.log) })
	}
	return nil
}
