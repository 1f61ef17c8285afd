package deskhttp

import (
	"errors"
	"net/http"
	"time"

	"github.com/socialdesk/socialdesk/automsg"
	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/media"
)

// cannedJSON is a canned reply as the API shows it. Preview is its text
// as it would be sent in the enquiry GET …/replies?enquiry= names.
type cannedJSON struct {
	ID      string    `json:"id"`
	Channel string    `json:"channel"`
	Name    string    `json:"name"`
	Text    string    `json:"text"`
	Preview *string   `json:"preview,omitempty"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

func cannedView(c enquiry.CannedReply) cannedJSON {
	return cannedJSON{ID: c.ID, Channel: c.Channel, Name: c.Name, Text: c.Text, Created: c.Created, Updated: c.Updated}
}

// listCanned lists a channel's canned replies; with ?enquiry= each has
// its preview in that enquiry, {staff} being the credential's staff
// member (or, for a service credential, ?staff=, else who attends).
func (h *Handler) listCanned(w http.ResponseWriter, r *http.Request) {
	list, err := h.cfg.Desk.CannedReplies(r.Context(), r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]cannedJSON, len(list))
	for i, c := range list {
		out[i] = cannedView(c)
	}
	if id := r.URL.Query().Get("enquiry"); id != "" {
		staff := r.URL.Query().Get("staff")
		if p, _ := PrincipalFrom(r.Context()); p.Staff != "" {
			if staff != "" && staff != p.Staff {
				writeError(w, http.StatusForbidden, "not_yourself", "a staff credential previews only as its own staff member: leave out \"staff\" or name yourself")
				return
			}
			staff = p.Staff
		}
		texts, err := h.cfg.Desk.RenderCanned(r.Context(), id, staff, list)
		if errors.Is(err, enquiry.ErrNotFound) {
			writeError(w, http.StatusNotFound, "not_found", "no such enquiry")
			return
		}
		if err != nil {
			h.fail(w, r, err)
			return
		}
		for i := range out {
			out[i].Preview = &texts[i]
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"replies": out})
}

type cannedBody struct {
	Name *string `json:"name"`
	Text *string `json:"text"`
}

func (h *Handler) createCanned(w http.ResponseWriter, r *http.Request) {
	var b cannedBody
	if !readJSON(w, r, &b) {
		return
	}
	c := enquiry.CannedReply{Channel: r.PathValue("id")}
	set(&c.Name, b.Name)
	set(&c.Text, b.Text)
	if _, err := h.cfg.Desk.Channel(r.Context(), c.Channel); err != nil {
		h.fail(w, r, err)
		return
	}
	c, err := h.cfg.Desk.CreateCanned(r.Context(), c)
	if err != nil {
		h.cannedFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"reply": cannedView(c)})
}

func (h *Handler) editCanned(w http.ResponseWriter, r *http.Request) {
	c, err := h.cfg.Desk.CannedReply(r.Context(), r.PathValue("id"), r.PathValue("replyID"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var b cannedBody
	if !readJSON(w, r, &b) {
		return
	}
	set(&c.Name, b.Name)
	set(&c.Text, b.Text)
	if c, err = h.cfg.Desk.UpdateCanned(r.Context(), c); err != nil {
		h.cannedFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"reply": cannedView(c)})
}

func (h *Handler) deleteCanned(w http.ResponseWriter, r *http.Request) {
	if err := h.cfg.Desk.DeleteCanned(r.Context(), r.PathValue("id"), r.PathValue("replyID")); err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// previewCanned renders a text as a canned reply of the channel would
// be, for the editor: the channel's name and display-name format, the
// customer and staff names given.
func (h *Handler) previewCanned(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Text     string        `json:"text"`
		Customer string        `json:"customer"`
		Staff    automsg.Staff `json:"staff"`
	}
	if !readJSON(w, r, &b) {
		return
	}
	ch, err := h.cfg.Desk.Channel(r.Context(), r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	t, err := automsg.Parse(b.Text)
	if err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": map[string]string{"code": "invalid_template", "field": "text", "message": err.Error()}})
		return
	}
	text := t.Render(automsg.Vars{Customer: b.Customer, Staff: b.Staff, Channel: ch.Name}, ch.AutoMessages.NameFormat)
	writeJSON(w, http.StatusOK, map[string]any{"text": text, "units": media.UTF16Len(text)})
}

// cannedFail answers a refused canned reply: its text, with automsg's
// error (invalid_template), a name taken (reply_exists), or as fail does.
func (h *Handler) cannedFail(w http.ResponseWriter, r *http.Request, err error) {
	var ve *enquiry.ValidationError
	switch {
	case errors.Is(err, enquiry.ErrCannedExists):
		writeError(w, http.StatusConflict, "reply_exists", "the channel has a canned reply of that name (names are compared whatever their case): choose another")
	case errors.As(err, &ve) && ve.Field == "text":
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": map[string]string{"code": "invalid_template", "field": "text", "message": ve.Reason}})
	default:
		h.fail(w, r, err)
	}
}
