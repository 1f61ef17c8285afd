// Package linedesk describes LINE channels to the desk's HTTP API: a
// deskhttp.Connector whose Connect asks LINE for a new channel's bot user
// ID, whose Quota reads LINE's monthly message quota and whose Check runs
// LINE's set-up checks (package line/linecheck).
//
//	conn := linedesk.Connector(linedesk.Config{Client: client, Store: store})
//	h, err := deskhttp.New(deskhttp.Config{Desk: desk, Feed: feed, Connectors: []deskhttp.Connector{conn}})
package linedesk

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/socialdesk/socialdesk/deskhttp"
	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linecheck"
	"github.com/socialdesk/socialdesk/media"
)

// Webhook is the path the host mounts line.Webhook on.
const Webhook = "/webhook/line/{channel}"

// Config configures Connector. Client is required.
type Config struct {
	// Client talks to LINE.
	Client *line.Client
	// Store finds which channel holds a bot account, so that the checks
	// warn when one account is connected twice. Nil: not checked.
	Store interface {
		ChannelByAccount(ctx context.Context, kind, account string) (enquiry.Channel, error)
	}
	// PublicURL is where LINE reaches the desk, e.g.
	// https://desk.example.com: the checks expect each channel's webhook
	// URL under it. A func, as a host may learn its address late.
	PublicURL func() string
	// Offline leaves out Connect, for a fake platform that knows only
	// its own accounts.
	Offline bool
}

// Connector returns the deskhttp.Connector of LINE channels. It is safe
// for concurrent use.
func Connector(cfg Config) deskhttp.Connector {
	c := deskhttp.Connector{
		Kind: "line", Name: "LINE", Webhook: Webhook,
		NeedsCredentials: "a LINE channel needs its channel secret and channel access token (LINE Developers console → your channel → Basic settings / Messaging API)",
		Quota:            cfg.quota, Check: cfg.check, MaxTextUnits: media.LINE.MaxTextUnits, Words: words,
	}
	if !cfg.Offline {
		c.Connect = cfg.connect
	}
	return c
}

// words are the staff console's words for LINE channels.
var words = deskhttp.Words{
	Webhook:     "Webhook URL for the LINE Developers console:",
	Check:       "The desk asks LINE whether this channel can work: the access token, the account, the webhook URL and “Use webhook”, LINE's own webhook test, and the channel secret against LINE's signed test request.",
	Credentials: "channel secret or access token",
	Secret:      "Channel secret (Basic settings tab)",
	Token:       "Channel access token (Messaging API tab)",
	Blocked:     "The customer blocked this account on LINE: nothing can be sent until they add it again.",
}

// connect asks LINE for a new channel's bot user ID, so that one account
// cannot be connected twice.
func (cfg Config) connect(ctx context.Context, ch *enquiry.Channel) error {
	info, err := cfg.Client.BotInfo(ctx, *ch)
	if err != nil {
		return fmt.Errorf("LINE did not accept the channel access token: %w", err)
	}
	ch.Account = info.UserID
	return nil
}

// quota reads the channel's quota from LINE and adds what the client
// knows of pushes stopped for it.
func (cfg Config) quota(ctx context.Context, ch enquiry.Channel) deskhttp.Quota {
	var v deskhttp.Quota
	if q, err := cfg.Client.Quota(ctx, ch); err != nil {
		v.ReadError = err.Error() // LINE's words and request ID; never the token
	} else {
		v.Limited, v.Used, v.Exhausted = q.Limited, &q.Used, q.Exhausted()
		if n, ok := q.Remaining(); ok {
			v.Limit, v.Remaining = &q.Limit, &n
		}
	}
	if until, ok := cfg.Client.QuotaExhausted(ch.ID); ok {
		v.Exhausted, v.PushesStoppedUntil = true, &until
	}
	return v
}

// WebhookURL is where LINE must send channel's events under base.
func WebhookURL(base, channel string) string {
	return strings.TrimSuffix(base, "/") + strings.ReplaceAll(Webhook, "{channel}", channel)
}

// check runs LINE's set-up checks for ch.
func (cfg Config) check(ctx context.Context, ch enquiry.Channel) deskhttp.CheckReport {
	dc := linecheck.Config{}
	if cfg.Store != nil {
		dc.Owner = func(bot string) (string, bool) {
			c, err := cfg.Store.ChannelByAccount(ctx, "line", bot)
			return c.ID, err == nil
		}
	}
	if cfg.PublicURL != nil {
		dc.WebhookURL = WebhookURL(cfg.PublicURL(), ch.ID)
	}
	return deskhttp.Report(linecheck.Run(ctx, cfg.Client, ch, dc), time.Now())
}

// Diagnose is a host's start-up check of a LINE channel: it runs the
// channel's set-up checks through h (which keeps the report as the
// channel's last), logs each result at a level by its outcome, and
// records the bot user ID on the channel when LINE gives one it lacks. A
// channel NewChannel made without LINE's answer (named DefaultName, with
// no bot user ID) takes the account's name then too.
func Diagnose(ctx context.Context, h *deskhttp.Handler, desk *enquiry.Desk, client *line.Client, ch enquiry.Channel, log *slog.Logger) {
	r, _ := h.CheckChannel(ctx, ch)
	for _, c := range r.Checks {
		level := map[string]slog.Level{deskhttp.CheckWarning: slog.LevelWarn, deskhttp.CheckError: slog.LevelError}[c.Status]
		log.Log(ctx, level, "LINE check", "channel", ch.ID, "check", c.Name, "status", c.Status, "detail", c.Reason, "fix", c.Fix)
	}
	if info, err := client.BotInfo(ctx, ch); err == nil && info.UserID != "" && ch.Account != info.UserID {
		if ch.Account == "" && ch.Name == DefaultName && info.DisplayName != "" {
			ch.Name = info.DisplayName
		}
		ch.Account = info.UserID
		if _, err := desk.UpdateChannel(ctx, ch); err != nil {
			log.Warn("recording the bot user ID failed", "channel", ch.ID, "err", err)
		}
	}
}

// Env is one LINE channel's settings, from the environment.
type Env struct {
	Secret      enquiry.Secret // LINE_CHANNEL_SECRET
	AccessToken enquiry.Secret // LINE_CHANNEL_ACCESS_TOKEN
	APIBase     string         // LINE_API_BASE: default LINE's
	DataAPIBase string         // LINE_DATA_API_BASE: default LINE's
}

// FromEnv reads Env from the environment. ok is false when neither
// credential is set (no LINE channel); it is an error to set only one.
func FromEnv(getenv func(string) string) (e Env, ok bool, err error) {
	e = Env{Secret: enquiry.Secret(getenv("LINE_CHANNEL_SECRET")), AccessToken: enquiry.Secret(getenv("LINE_CHANNEL_ACCESS_TOKEN")),
		APIBase: getenv("LINE_API_BASE"), DataAPIBase: getenv("LINE_DATA_API_BASE")}
	if e.Secret.IsZero() != e.AccessToken.IsZero() {
		return e, false, errors.New("set both LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN (or neither)")
	}
	return e, !e.Secret.IsZero(), nil
}
