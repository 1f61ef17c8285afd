package deskhttp

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/setup"
)

// CheckTimeout bounds one run of a channel's set-up checks: a platform's
// webhook test alone may take a few seconds.
const CheckTimeout = 30 * time.Second

// Outcomes of a check as the API shows them.
const (
	CheckOK      = "ok"
	CheckWarning = "warning"
	CheckError   = "error"
	CheckSkipped = "skipped" // not run, because an earlier check failed
)

// CheckItem is one set-up check as the API shows it: its outcome, one
// line on what was found and, when something is to be done, the fix.
type CheckItem struct {
	Name   string `json:"name"`
	Status string `json:"status"`
	Reason string `json:"reason"`
	Fix    string `json:"fix,omitempty"`
}

// CheckReport is the result of one run of a channel's set-up checks.
// Status is the worst outcome: error when any check failed, else warning
// when any needs a look by hand, else ok.
type CheckReport struct {
	Status  string      `json:"status"`
	Checked time.Time   `json:"checked"`
	Checks  []CheckItem `json:"checks"`
}

// Report turns a connector's set-up checks into the API's report, checked
// at at: its status is the worst outcome (setup.Worst).
func Report(checks []setup.Check, at time.Time) CheckReport {
	r := CheckReport{Status: checkWord[setup.Worst(checks)], Checked: at, Checks: make([]CheckItem, len(checks))}
	for i, c := range checks {
		r.Checks[i] = CheckItem{Name: c.Name, Status: checkWord[c.Status], Reason: c.Detail, Fix: c.Fix}
	}
	return r
}

// checkWord is the API's word for each setup.Status.
var checkWord = map[setup.Status]string{setup.Pass: CheckOK, setup.Warn: CheckWarning, setup.Fail: CheckError, setup.Skip: CheckSkipped}

// checkResults keeps the last check report of each channel, in memory:
// the channel list shows which channel's last check failed. It is safe
// for concurrent use.
type checkResults struct {
	mu   sync.Mutex
	last map[string]CheckReport
}

func (c *checkResults) set(channel string, r CheckReport) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.last == nil {
		c.last = map[string]CheckReport{}
	}
	c.last[channel] = r
}

// forget drops the channel's last report, when the channel is deleted.
func (c *checkResults) forget(channel string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.last, channel)
}

// get returns the channel's last report, or nil when it was never checked.
func (c *checkResults) get(channel string) *CheckReport {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.last[channel]
	if !ok {
		return nil
	}
	return &r
}

// CheckChannel runs ch's set-up checks with its connector's Check, keeps
// the report as the channel's last (the channel list shows it) and
// returns it; ok is false when the channel's kind has no checks. Hosts
// call it at start-up; POST /api/channels/{id}/check calls it too.
func (h *Handler) CheckChannel(ctx context.Context, ch enquiry.Channel) (r CheckReport, ok bool) {
	c, _ := h.connector(ch.Kind)
	if c.Check == nil {
		return CheckReport{}, false
	}
	ctx, cancel := context.WithTimeout(ctx, CheckTimeout)
	defer cancel()
	r = c.Check(ctx, ch)
	h.checks.set(ch.ID, r)
	return r, true
}

// serveCheck serves POST /api/channels/{id}/check (admin): it runs the
// channel's set-up checks now and answers the report.
func (h *Handler) serveCheck(w http.ResponseWriter, r *http.Request) {
	ch, err := h.cfg.Desk.Channel(r.Context(), r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	report, ok := h.CheckChannel(r.Context(), ch)
	if !ok {
		writeError(w, http.StatusUnprocessableEntity, "no_checks", "this desk has no set-up checks for channels of kind "+ch.Kind)
		return
	}
	h.log.Info("channel set-up checked", "channel", ch.ID, "status", report.Status)
	writeJSON(w, http.StatusOK, map[string]any{"check": report})
}
