package main

import (
	"net/http"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
)

// quotaJSON is a channel's monthly message quota as the API shows it
// (GET /api/channels/{id}/quota): LINE's figures, read now, and whether
// pushes have stopped because LINE refused one for the monthly limit.
type quotaJSON struct {
	// Limited reports a monthly limit; Limit, Used and Remaining are
	// this month's figures (Used and Remaining count pushes, one per
	// recipient; replies are free). Absent when LINE could not be read.
	Limited   bool   `json:"limited"`
	Limit     *int64 `json:"limit,omitempty"`
	Used      *int64 `json:"used,omitempty"`
	Remaining *int64 `json:"remaining,omitempty"`
	// Exhausted reports that pushes are not sent: the quota is used up.
	// Staff messages then reach the customer only as replies, while the
	// customer's last message is fresh; others end quota_exhausted.
	Exhausted bool `json:"exhausted"`
	// PushesStoppedUntil is when pushes start again unless the quota is
	// raised sooner: the start of next month in Japan.
	PushesStoppedUntil *time.Time `json:"pushesStoppedUntil,omitempty"`
	// ReadError says why LINE's figures could not be read.
	ReadError string `json:"readError,omitempty"`
}

// channelQuota reads the channel's quota from LINE and adds what the
// client knows of pushes stopped for it.
func (s *server) channelQuota(r *http.Request, ch enquiry.Channel) quotaJSON {
	var v quotaJSON
	if q, err := s.line.Quota(r.Context(), ch); err != nil {
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

// getQuota serves GET /api/channels/{id}/quota.
func (a *api) getQuota(w http.ResponseWriter, r *http.Request) {
	ch, err := a.desk.Channel(r.Context(), r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if a.quota == nil || ch.Kind != "line" {
		writeError(w, http.StatusNotFound, "not_found", "this channel has no message quota to show")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"quota": a.quota(r, ch)})
}
