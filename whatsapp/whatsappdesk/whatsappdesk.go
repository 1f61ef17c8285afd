// Package whatsappdesk wires one WhatsApp channel into a desk host, from
// the environment: the Cloud API client, the desk's Kind for WhatsApp
// channels, the channel itself, its webhook and its deskhttp.Connector.
//
//	wa, ok, err := whatsappdesk.FromEnv(os.Getenv)
//	desk, err := enquiry.New(enquiry.Config{Kinds: map[string]enquiry.Kind{whatsapp.ChannelKind: wa.Kind()}, …})
//	mux.Handle(whatsappdesk.Webhook, wa.Webhook(store, desk, blobs, log))
package whatsappdesk

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/socialdesk/socialdesk/deskhttp"
	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/inbox"
	"github.com/socialdesk/socialdesk/routing"
	"github.com/socialdesk/socialdesk/whatsapp"
)

// Webhook is the route the host mounts the channel's webhook on (GET for
// Meta's verification handshake, POST for notifications).
const Webhook = "/webhook/whatsapp/{channel}"

// ChannelID is the ID of the channel FromEnv configures.
const ChannelID = "wa"

// Config is one WhatsApp channel's settings. It is a plain value; its
// secrets print as [redacted].
type Config struct {
	AccessToken   enquiry.Secret // WHATSAPP_ACCESS_TOKEN
	AppSecret     enquiry.Secret // WHATSAPP_APP_SECRET: signs webhooks
	VerifyToken   enquiry.Secret // WHATSAPP_VERIFY_TOKEN: the handshake's
	PhoneNumberID string         // WHATSAPP_PHONE_NUMBER_ID
	// APIBase is WHATSAPP_API_BASE: the Graph API base URL, version
	// included (default whatsapp.DefaultAPIBase).
	APIBase string
	// Instance names the process on the inbox's leases (see
	// inbox.Options.Instance).
	Instance string
	Logger   *slog.Logger
}

// FromEnv reads Config from the environment. ok is false when no
// WHATSAPP_ variable is set (no WhatsApp channel); an error names what is
// missing when only some are.
func FromEnv(getenv func(string) string) (cfg Config, ok bool, err error) {
	cfg = Config{AccessToken: enquiry.Secret(getenv("WHATSAPP_ACCESS_TOKEN")), AppSecret: enquiry.Secret(getenv("WHATSAPP_APP_SECRET")),
		VerifyToken: enquiry.Secret(getenv("WHATSAPP_VERIFY_TOKEN")), PhoneNumberID: getenv("WHATSAPP_PHONE_NUMBER_ID"), APIBase: getenv("WHATSAPP_API_BASE")}
	set := 0
	for _, v := range []string{string(cfg.AccessToken), string(cfg.AppSecret), string(cfg.VerifyToken), cfg.PhoneNumberID} {
		if v != "" {
			set++
		}
	}
	switch set {
	case 0:
		return cfg, false, nil
	case 4:
		return cfg, true, nil
	}
	return cfg, false, errors.New("set all of WHATSAPP_ACCESS_TOKEN, WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN and WHATSAPP_PHONE_NUMBER_ID (or none)")
}

// Setup is one WhatsApp channel wired for a host. Its methods are safe for
// concurrent use.
type Setup struct {
	cfg    Config
	client *whatsapp.Client
}

// New returns the Setup of cfg's channel. It does no I/O.
func New(cfg Config) *Setup {
	return &Setup{cfg: cfg, client: whatsapp.NewClient(whatsapp.Config{APIBase: cfg.APIBase, Logger: cfg.Logger})}
}

// Client returns the Cloud API client.
func (s *Setup) Client() *whatsapp.Client { return s.client }

// Kind returns the desk's Kind for WhatsApp channels (whatsapp.DeskKind).
func (s *Setup) Kind() enquiry.Kind { return whatsapp.DeskKind(s.client) }

// Channel returns the channel, ID ChannelID, with routing and
// auto-messages as given; without routing it rings every available staff
// member (routing.RingEveryone).
func (s *Setup) Channel(ch enquiry.Channel) enquiry.Channel {
	ch.ID, ch.Name, ch.Kind, ch.Account = ChannelID, "WhatsApp", whatsapp.ChannelKind, s.cfg.PhoneNumberID
	ch.Credentials = enquiry.Credentials{Secret: s.cfg.AppSecret, Token: s.cfg.AccessToken}
	if ch.Routing == nil {
		ch.Routing = routing.RingEveryone(0) // a new desk works before anyone edits routing
	}
	return ch
}

// EnsureChannel creates the channel (Channel(template)) unless the desk
// has it from an earlier run.
func (s *Setup) EnsureChannel(ctx context.Context, desk *enquiry.Desk, template enquiry.Channel) error {
	if _, err := desk.Channel(ctx, ChannelID); err == nil {
		return nil
	}
	if _, err := desk.CreateChannel(ctx, s.Channel(template)); err != nil {
		return fmt.Errorf("setting up channel %s: %w", ChannelID, err)
	}
	return nil
}

// Webhook returns the channel's webhook: events recorded in events,
// handed to desk, media kept in blobs. Run it (whatsapp.Webhook.Run).
func (s *Setup) Webhook(events inbox.Store, desk *enquiry.Desk, blobs enquiry.BlobStore, log *slog.Logger) *whatsapp.Webhook {
	return whatsapp.NewWebhook(whatsapp.WebhookConfig{
		Apps:   whatsapp.StaticApps{ChannelID: {AppSecret: s.cfg.AppSecret, VerifyToken: s.cfg.VerifyToken}},
		Events: events, Desk: desk, Content: s.client, Blobs: blobs, Channels: desk, Logger: log, Instance: s.cfg.Instance,
	})
}

// Connector returns the deskhttp.Connector of WhatsApp channels.
func Connector() deskhttp.Connector {
	return deskhttp.Connector{Kind: whatsapp.ChannelKind, Name: "WhatsApp", Webhook: Webhook,
		NeedsCredentials: "a WhatsApp channel needs its app secret and an access token (Meta for Developers → your app → WhatsApp → API Setup)"}
}
