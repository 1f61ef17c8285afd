package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/socialdesk/socialdesk/deskhttp"
	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/line"
)

// lineConnector is what the desk's HTTP API knows of LINE channels.
func (s *server) lineConnector() deskhttp.Connector {
	c := deskhttp.Connector{
		Kind: "line", Name: "LINE", Webhook: "/webhook/line/{channel}",
		NeedsCredentials: "a LINE channel needs its channel secret and channel access token (LINE Developers console → your channel → Basic settings / Messaging API)",
		Quota:            s.quota, Check: s.checkChannel,
	}
	if !s.cfg.Demo { // the demo platform knows only the demo account
		c.Connect = s.connectChannel
	}
	return c
}

// connectChannel asks LINE for a new channel's bot user ID, so that one
// account cannot be connected twice.
func (s *server) connectChannel(ctx context.Context, ch *enquiry.Channel) error {
	info, err := s.line.BotInfo(ctx, *ch)
	if err != nil {
		return fmt.Errorf("LINE did not accept the channel access token: %w", err)
	}
	ch.Account = info.UserID
	return nil
}

// quota reads the channel's quota from LINE and adds what the client
// knows of pushes stopped for it.
func (s *server) quota(ctx context.Context, ch enquiry.Channel) deskhttp.Quota {
	var v deskhttp.Quota
	if q, err := s.line.Quota(ctx, ch); err != nil {
		v.ReadError = err.Error() // LINE's words and request ID; never the token
	} else {
		v.Limited, v.Used, v.Exhausted = q.Limited, &q.Used, q.Exhausted()
		if n, ok := q.Remaining(); ok {
			v.Limit, v.Remaining = &q.Limit, &n
		}
	}
	if until, ok := s.line.QuotaExhausted(ch.ID); ok {
		v.Exhausted, v.PushesStoppedUntil = true, &until
	}
	return v
}

// webhookURL is where LINE must send channel's events: under
// DESK_PUBLIC_URL, or under the listen address when that is not set.
func (s *server) webhookURL(channel string) string {
	base := s.cfg.PublicURL
	if base == "" {
		base = s.baseURL
	}
	return strings.TrimSuffix(base, "/") + "/webhook/line/" + channel
}

// checkChannel runs LINE's set-up checks (line.Doctor) for ch.
func (s *server) checkChannel(ctx context.Context, ch enquiry.Channel) deskhttp.CheckReport {
	owner := func(bot string) (string, bool) {
		c, err := s.store.ChannelByAccount(ctx, "line", bot)
		return c.ID, err == nil
	}
	checks := s.line.Doctor(ctx, ch, line.DoctorConfig{Owner: owner, WebhookURL: s.webhookURL(ch.ID)})
	r := deskhttp.CheckReport{Status: deskhttp.CheckOK, Checked: time.Now(), Checks: make([]deskhttp.CheckItem, len(checks))}
	for i, c := range checks {
		r.Checks[i] = deskhttp.CheckItem{Name: c.Name, Status: checkStatus[c.Status], Reason: c.Detail, Fix: c.Fix}
		switch {
		case c.Status == line.Fail:
			r.Status = deskhttp.CheckError
		case c.Status == line.Warn && r.Status == deskhttp.CheckOK:
			r.Status = deskhttp.CheckWarning
		}
	}
	return r
}

// checkStatus is the API's word for each line.CheckStatus; others are skipped.
var checkStatus = map[line.CheckStatus]string{line.Pass: deskhttp.CheckOK, line.Warn: deskhttp.CheckWarning, line.Fail: deskhttp.CheckError, line.Skip: deskhttp.CheckSkipped}

// logReport logs each check of a report, at a level by its outcome.
func logReport(ctx context.Context, log *slog.Logger, channel string, r deskhttp.CheckReport) {
	for _, c := range r.Checks {
		level := map[string]slog.Level{deskhttp.CheckWarning: slog.LevelWarn, deskhttp.CheckError: slog.LevelError}[c.Status]
		log.Log(ctx, level, "LINE check", "channel", channel, "check", c.Name, "status", c.Status, "detail", c.Reason, "fix", c.Fix)
	}
}
