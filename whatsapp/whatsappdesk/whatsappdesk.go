// Package whatsappdesk wires one WhatsApp channel into a desk host, from
// the environment: the Cloud API client, the desk's Kind for WhatsApp
// channels, the channel itself, its webhook, its deskhttp.Connector with
// WhatsApp's set-up checks, and Diagnose, the host's start-up check.
//
//	wa, ok, err := whatsappdesk.FromEnv(os.Getenv)
//	desk, err := enquiry.New(enquiry.Config{Kinds: map[string]enquiry.Kind{whatsapp.ChannelKind: wa.Kind(blobs)}, …})
//	mux.Handle(whatsappdesk.Webhook, wa.Webhook(store, desk, blobs, log))
package whatsappdesk

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/socialdesk/socialdesk/deskhttp"
	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/inbox"
	"github.com/socialdesk/socialdesk/media"
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

// Kind returns the desk's Kind for WhatsApp channels (whatsapp.DeskKind),
// whose staff media are read from blobs, the desk's blob store.
func (s *Setup) Kind(blobs enquiry.BlobStore) enquiry.Kind { return whatsapp.DeskKind(s.client, blobs) }

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
// has it from an earlier run, and returns it.
func (s *Setup) EnsureChannel(ctx context.Context, desk *enquiry.Desk, template enquiry.Channel) (enquiry.Channel, error) {
	if ch, err := desk.Channel(ctx, ChannelID); err == nil {
		return ch, nil
	}
	ch, err := desk.CreateChannel(ctx, s.Channel(template))
	if err != nil {
		return ch, fmt.Errorf("setting up channel %s: %w", ChannelID, err)
	}
	return ch, nil
}

// Webhook returns the channel's webhook: events recorded in events,
// handed to desk, media kept in blobs. Run it (whatsapp.Webhook.Run).
func (s *Setup) Webhook(events inbox.Store, desk *enquiry.Desk, blobs enquiry.BlobStore, log *slog.Logger) *whatsapp.Webhook {
	return whatsapp.NewWebhook(whatsapp.WebhookConfig{
		Apps:   whatsapp.StaticApps{ChannelID: {AppSecret: s.cfg.AppSecret, VerifyToken: s.cfg.VerifyToken}},
		Events: events, Desk: desk, Content: s.client, Blobs: blobs, Channels: desk, Logger: log, Inbox: inbox.Options{Instance: s.cfg.Instance},
	})
}

// Connector returns the deskhttp.Connector of WhatsApp channels: its
// Check runs WhatsApp's set-up checks (whatsapp.Client.Doctor) with the
// Setup's client, so that POST /api/channels/{id}/check and the console
// show them as they show LINE's.
func (s *Setup) Connector() deskhttp.Connector {
	return deskhttp.Connector{Kind: whatsapp.ChannelKind, Name: "WhatsApp", Webhook: Webhook,
		NeedsCredentials: "a WhatsApp channel needs its app secret and an access token (Meta for Developers → your app → WhatsApp → API Setup)",
		MaxTextUnits:     media.WhatsApp.MaxTextUnits, Words: words,
		Check: func(ctx context.Context, ch enquiry.Channel) deskhttp.CheckReport {
			return deskhttp.Report(s.client.Doctor(ctx, ch), time.Now())
		}}
}

// words are the staff console's words for WhatsApp channels.
var words = deskhttp.Words{
	Webhook:     "Callback URL for Meta for Developers (your app → WhatsApp → Configuration):",
	Check:       "The desk asks Meta whether this channel can work: the access token, the phone number ID, and the app's subscription to the business account's webhooks; it checks the app secret's form.",
	Credentials: "app secret or access token",
	Secret:      "App secret (App settings → Basic)",
	Token:       "Access token (a system user's, with the WhatsApp permissions)",
}

// Diagnose is a host's start-up check of the WhatsApp channel ch: it runs
// the channel's set-up checks through h (which keeps the report as the
// channel's last, for the console and GET /api/channels) and logs each
// result at a level by its outcome. h must have been given Connector.
func Diagnose(ctx context.Context, h *deskhttp.Handler, ch enquiry.Channel, log *slog.Logger) {
	r, ok := h.CheckChannel(ctx, ch)
	if !ok {
		log.Warn("WhatsApp checks are not configured: give the desk's handler whatsappdesk's Connector", "channel", ch.ID)
		return
	}
	for _, c := range r.Checks {
		level := map[string]slog.Level{deskhttp.CheckWarning: slog.LevelWarn, deskhttp.CheckError: slog.LevelError}[c.Status]
		log.Log(ctx, level, "WhatsApp check", "channel", ch.ID, "check", c.Name, "status", c.Status, "detail", c.Reason, "fix", c.Fix)
	}
}
