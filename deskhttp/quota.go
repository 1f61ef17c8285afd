package deskhttp

import (
	"net/http"
	"time"
)

// Quota is a channel's monthly message quota as the API shows it
// (GET /api/channels/{id}/quota): the platform's figures, read now, and
// whether pushes have stopped because the platform refused one for the
// monthly limit. A Connector's Quota function fills it in.
type Quota struct {
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
	// raised sooner (for LINE, the start of next month in Japan).
	PushesStoppedUntil *time.Time `json:"pushesStoppedUntil,omitempty"`
	// ReadError says why the platform's figures could not be read.
	ReadError string `json:"readError,omitempty"`
}

// getQuota serves GET /api/channels/{id}/quota.
func (h *Handler) getQuota(w http.ResponseWriter, r *http.Request) {
	ch, err := h.cfg.Desk.Channel(r.Context(), r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	c, _ := h.connector(ch.Kind)
	if c.Quota == nil {
		writeError(w, http.StatusNotFound, "not_found", "this channel has no message quota to show")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"quota": c.Quota(r.Context(), ch)})
}
