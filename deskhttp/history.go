package deskhttp

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
)

// The customer panel of a room (GET /api/enquiries/{id}/customer) and the
// search across transcripts (GET /api/search).

const (
	// panelEnquiries is how many of the customer's other enquiries the
	// panel shows, newest first; panelMessages how many messages of each.
	panelEnquiries = 10
	panelMessages  = 50
)

// customerJSON is the customer panel.
type customerJSON struct {
	Customer   profileJSON        `json:"customer"`
	Channel    string             `json:"channel"`
	Friendship enquiry.Friendship `json:"friendship,omitempty"`
	Since      *time.Time         `json:"friendshipSince,omitempty"`
	// Enquiries are the customer's other enquiries on the channel, newest
	// opened first, each with the beginning of its transcript; More says
	// the customer has more than these.
	Enquiries []pastJSON `json:"enquiries"`
	More      bool       `json:"more"`
}

type profileJSON struct {
	ID         string `json:"id"`
	Name       string `json:"name,omitempty"`
	PictureURL string `json:"pictureUrl,omitempty"`
}

// pastJSON is one of the customer's other enquiries in the panel.
type pastJSON struct {
	Enquiry  enquiryJSON   `json:"enquiry"`
	Messages []messageJSON `json:"messages"`
	// More says the transcript goes on past Messages: open the enquiry
	// to read it whole.
	More bool `json:"more"`
}

func (h *Handler) getCustomer(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	e, err := h.cfg.Desk.Enquiry(ctx, r.PathValue("id"))
	if err == nil && !h.mayView(r, e.Channel) {
		err = enquiry.ErrNotFound
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := h.cfg.Desk.Profile(ctx, e.Channel, e.Customer.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	body := customerJSON{
		Customer:   profileJSON{ID: p.ID, Name: cmpOr(p.Name, e.Customer.Name), PictureURL: p.PictureURL},
		Channel:    e.Channel,
		Friendship: p.Friendship,
		Enquiries:  []pastJSON{},
	}
	if !p.FriendshipAt.IsZero() {
		body.Since = &p.FriendshipAt
	}
	list, err := h.cfg.Desk.History(ctx, e.Channel, e.Customer.ID, panelEnquiries+2)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	list = slices.DeleteFunc(list, func(o enquiry.Enquiry) bool { return o.ID == e.ID })
	if len(list) > panelEnquiries {
		list, body.More = list[:panelEnquiries], true
	}
	for _, o := range list {
		msgs, err := h.cfg.Desk.Transcript(ctx, o.ID, 0, panelMessages+1)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		past := pastJSON{Enquiry: enquiryView(o), Messages: make([]messageJSON, 0, len(msgs))}
		if len(msgs) > panelMessages {
			msgs, past.More = msgs[:panelMessages], true
		}
		for _, m := range msgs {
			past.Messages = append(past.Messages, messageView(m))
		}
		body.Enquiries = append(body.Enquiries, past)
	}
	writeJSON(w, http.StatusOK, body)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// hitJSON is a message that matched a search, with its enquiry.
type hitJSON struct {
	Message messageJSON `json:"message"`
	Enquiry enquiryJSON `json:"enquiry"`
}

func (h *Handler) search(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s := enquiry.Search{Text: q.Get("q"), Channels: h.visibleChannels(r), Limit: enquiry.DefaultSearchLimit}
	if asked := q["channel"]; len(asked) > 0 {
		if s.Channels == nil {
			s.Channels = asked
		} else {
			s.Channels = slices.DeleteFunc(slices.Clone(asked), func(c string) bool { return !slices.Contains(s.Channels, c) })
		}
	}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > enquiry.MaxSearchLimit {
			writeError(w, http.StatusBadRequest, "bad_limit", "limit must be a number from 1 to 100")
			return
		}
		s.Limit = n
	}
	if b := q.Get("before"); b != "" {
		c, ok := parseCursor(b)
		if !ok {
			writeError(w, http.StatusBadRequest, "bad_cursor", "before must be the next value of an earlier search's answer")
			return
		}
		s.Before = c
	}
	hits, err := h.cfg.Desk.Search(r.Context(), s)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	body := struct {
		Hits []hitJSON `json:"hits"`
		// Next, when set, is the before of the next page.
		Next string `json:"next,omitempty"`
	}{Hits: make([]hitJSON, len(hits))}
	for i, hit := range hits {
		body.Hits[i] = hitJSON{Message: messageView(hit.Message), Enquiry: enquiryView(hit.Enquiry)}
	}
	if len(hits) == s.Limit {
		body.Next = formatCursor(hits[len(hits)-1].Cursor())
	}
	writeJSON(w, http.StatusOK, body)
}

// visibleChannels returns the channels the request's staff member may
// see, nil meaning every channel. Every credential sees every channel
// today, as GET /api/enquiries lists them; the search and the customer
// panel ask here, so that a restriction made here holds for both.
func (h *Handler) visibleChannels(r *http.Request) []string { return nil }

// mayView reports whether the request may see the channel's enquiries.
func (h *Handler) mayView(r *http.Request, channel string) bool {
	v := h.visibleChannels(r)
	return v == nil || slices.Contains(v, channel)
}

// A search cursor is the time of the last hit in Unix nanoseconds, a dot
// and its message ID: opaque to clients.
func formatCursor(c enquiry.Cursor) string {
	return strconv.FormatInt(c.Time.UnixNano(), 10) + "." + c.Message
}

func parseCursor(s string) (enquiry.Cursor, bool) {
	ns, id, ok := strings.Cut(s, ".")
	n, err := strconv.ParseInt(ns, 10, 64)
	if !ok || err != nil || id == "" || len(s) > 200 {
		return enquiry.Cursor{}, false
	}
	return enquiry.Cursor{Time: time.Unix(0, n).UTC(), Message: id}, true
}
