package main

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/line"
)

// checkTimeout bounds one run of a channel's set-up checks: LINE's
// webhook test alone may take a few seconds.
const checkTimeout = 30 * time.Second

// Outcomes of a check as the API shows them.
const (
	checkOK      = "ok"
	checkWarning = "warning"
	checkError   = "error"
	checkSkipped = "skipped" // not run, because an earlier check failed
)

// checkItem is one set-up check as the API shows it: its outcome, one
// line on what was found and, when something is to be done, the fix.
type checkItem struct {
	Name   string `json:"name"`
	Status string `json:"status"`
	Reason string `json:"reason"`
	Fix    string `json:"fix,omitempty"`
}

// checkReport is the result of one run of a channel's set-up checks.
// Status is the worst outcome: error when any check failed, else warning
// when any needs a look by hand, else ok.
type checkReport struct {
	Status  string      `json:"status"`
	Checked time.Time   `json:"checked"`
	Checks  []checkItem `json:"checks"`
}

// checkStatus is the API's word for a line.CheckStatus.
func checkStatus(s line.CheckStatus) string {
	switch s {
	case line.Pass:
		return checkOK
	case line.Warn:
		return checkWarning
	case line.Fail:
		return checkError
	}
	return checkSkipped
}

// newCheckReport turns Doctor's checks into the API's report.
func newCheckReport(checks []line.Check, at time.Time) checkReport {
	r := checkReport{Status: checkOK, Checked: at, Checks: make([]checkItem, len(checks))}
	for i, c := range checks {
		r.Checks[i] = checkItem{Name: c.Name, Status: checkStatus(c.Status), Reason: c.Detail, Fix: c.Fix}
		switch {
		case c.Status == line.Fail:
			r.Status = checkError
		case c.Status == line.Warn && r.Status == checkOK:
			r.Status = checkWarning
		}
	}
	return r
}

// checkResults keeps the last check report of each channel, in memory:
// the channel list shows which channel's last check failed. It is safe
// for concurrent use.
type checkResults struct {
	mu   sync.Mutex
	last map[string]checkReport
}

func (c *checkResults) set(channel string, r checkReport) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.last == nil {
		c.last = map[string]checkReport{}
	}
	c.last[channel] = r
}

// forget drops the channel's last report, when the channel is deleted.
func (c *checkResults) forget(channel string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.last, channel)
}

// get returns the channel's last report, or nil when it was never checked.
func (c *checkResults) get(channel string) *checkReport {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.last[channel]
	if !ok {
		return nil
	}
	return &r
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

// checkChannel runs LINE's set-up checks for ch, keeps the report as the
// channel's last and returns it.
func (s *server) checkChannel(ctx context.Context, ch enquiry.Channel) checkReport {
	owner := func(bot string) (string, bool) {
		c, err := s.store.ChannelByAccount(ctx, "line", bot)
		return c.ID, err == nil
	}
	checks := s.line.Doctor(ctx, ch, line.DoctorConfig{Owner: owner, WebhookURL: s.webhookURL(ch.ID)})
	r := newCheckReport(checks, time.Now())
	s.checks.set(ch.ID, r)
	return r
}

// serveCheck serves POST /api/channels/{id}/check (admin): it runs the
// channel's set-up checks now and answers the report.
func (s *server) serveCheck(w http.ResponseWriter, r *http.Request) {
	ch, err := s.desk.Channel(r.Context(), r.PathValue("id"))
	if err != nil {
		s.api.fail(w, r, err)
		return
	}
	if ch.Kind != "line" {
		writeError(w, http.StatusUnprocessableEntity, "not_line", "set-up checks exist only for LINE channels")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), checkTimeout)
	defer cancel()
	report := s.checkChannel(ctx, ch)
	s.log.Info("LINE set-up checked", "channel", ch.ID, "status", report.Status)
	writeJSON(w, http.StatusOK, map[string]any{"check": report})
}

// logReport logs each check of a report, at a level by its outcome.
func logReport(ctx context.Context, log *slog.Logger, channel string, r checkReport) {
	for _, c := range r.Checks {
		level := slog.LevelInfo
		switch c.Status {
		case checkWarning:
			level = slog.LevelWarn
		case checkError:
			level = slog.LevelError
		}
		log.Log(ctx, level, "LINE check", "channel", channel, "check", c.Name, "status", c.Status, "detail", c.Reason, "fix", c.Fix)
	}
}
