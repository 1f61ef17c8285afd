package deskhttp

import (
	"net/http"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/media"
)

// maxLastText bounds, in UTF-16 units, the beginning of the newest
// message that the enquiry list shows.
const maxLastText = 200

// listItemJSON is an enquiry as the list shows it: its fields, its
// channel's name, its newest message and, for the reader, how many of
// the customer's messages they have not seen.
type listItemJSON struct {
	enquiryJSON
	ChannelName string    `json:"channelName"`
	Last        *lastJSON `json:"last,omitempty"`
	// Unread is absent when the list was read for nobody (a service
	// credential without ?reader=).
	Unread *int `json:"unread,omitempty"`
}

// lastJSON is an enquiry's newest message as the list shows it: its
// kind, the beginning of its text, who wrote it and when.
type lastJSON struct {
	Seq    int64               `json:"seq"`
	Kind   enquiry.ContentKind `json:"kind"`
	Text   string              `json:"text,omitempty"`
	Author enquiry.AuthorKind  `json:"author"`
	At     time.Time           `json:"at"`
	Unsent bool                `json:"unsent,omitempty"`
}

func lastView(m *enquiry.Message) *lastJSON {
	if m == nil {
		return nil
	}
	v := &lastJSON{Seq: m.Seq, Kind: m.Content.Kind, Author: m.Author.Kind, At: m.Time, Unsent: m.Unsent}
	if (m.Content.Kind == enquiry.Text || m.Content.Kind == enquiry.Note) && !m.Unsent {
		v.Text = media.CutText(m.Content.Text, maxLastText)
	}
	return v
}

// reader is the staff member the list counts unread messages for: a
// staff credential's own, or for a service credential the one ?reader=
// names ("" for none). False when it has answered the request already.
func reader(w http.ResponseWriter, r *http.Request) (string, bool) {
	named := r.URL.Query().Get("reader")
	p, _ := PrincipalFrom(r.Context())
	if p.Staff != "" && named != "" && named != p.Staff {
		writeError(w, http.StatusForbidden, "not_yourself", "a staff credential reads only its own unread counts: leave out \"reader\" or name yourself")
		return "", false
	}
	if p.Staff != "" {
		return p.Staff, true
	}
	return named, true
}

// listItems adds to list what the list shows beside each enquiry's
// fields, counting unread messages for staff ("" for nobody).
func (h *Handler) listItems(r *http.Request, list []enquiry.Enquiry, staff string) ([]listItemJSON, error) {
	ids := make([]string, len(list))
	for i, e := range list {
		ids[i] = e.ID
	}
	sums, err := h.cfg.Desk.Summaries(r.Context(), staff, ids)
	if err != nil {
		return nil, err
	}
	chs, err := h.cfg.Desk.Channels(r.Context())
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(chs))
	for _, ch := range chs {
		names[ch.ID] = ch.Name
	}
	out := make([]listItemJSON, len(list))
	for i, e := range list {
		s := sums[e.ID]
		out[i] = listItemJSON{enquiryJSON: enquiryView(e), ChannelName: names[e.Channel], Last: lastView(s.Last)}
		if staff != "" {
			n := s.Unread
			out[i].Unread = &n
		}
	}
	return out, nil
}

// seen records that the staff member has seen the enquiry's transcript
// up to "seq" (absent or 0: all of it so far): the console calls it when
// they open its room, and as messages arrive while it is open, so that
// the list's unread count for them clears.
func (h *Handler) seen(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Staff string `json:"staff"`
		Seq   int64  `json:"seq"`
	}
	if !readBody(w, r, &b) {
		return
	}
	if b.Seq < 0 {
		writeError(w, http.StatusUnprocessableEntity, "invalid", "seq is the seq of the last message seen, or 0 for all of them")
		return
	}
	staff, ok := actor(w, r, b.Staff)
	if !ok {
		return
	}
	if err := h.cfg.Desk.Seen(r.Context(), r.PathValue("id"), staff, b.Seq); err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
