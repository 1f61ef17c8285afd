package deskhttp

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/socialdesk/socialdesk/automsg"
	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/internal/apiclient"
	"github.com/socialdesk/socialdesk/media"
	"github.com/socialdesk/socialdesk/routing"
)

// enquiryJSON is an enquiry as the API shows it.
type enquiryJSON struct {
	ID         string           `json:"id"`
	Channel    string           `json:"channel"`
	State      enquiry.State    `json:"state"`
	Staff      string           `json:"staff"`
	Customer   enquiry.Customer `json:"customer"`
	Ringing    []string         `json:"ringing"`
	Invited    []string         `json:"invited"`
	Direct     bool             `json:"direct"`
	Standby    bool             `json:"standby"`
	Opened     time.Time        `json:"opened"`
	Updated    time.Time        `json:"updated"`
	Closed     *time.Time       `json:"closed,omitempty"`
	Deadline   *time.Time       `json:"deadline,omitempty"`
	LastActive time.Time        `json:"lastActivity"`
}

func enquiryView(e enquiry.Enquiry) enquiryJSON {
	v := enquiryJSON{
		ID: e.ID, Channel: e.Channel, State: e.State, Staff: e.Staff, Customer: e.Customer,
		Ringing: nonNil(e.Ringing), Invited: nonNil(e.Invited), Direct: e.Direct, Standby: e.ReadOnly,
		Opened: e.Opened, Updated: e.Updated, LastActive: e.LastActivity,
	}
	if !e.Closed.IsZero() {
		v.Closed = &e.Closed
	}
	if !e.Deadline.IsZero() {
		v.Deadline = &e.Deadline
	}
	return v
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// messageJSON is a transcript entry as the API shows it.
type messageJSON struct {
	ID        string             `json:"id"`
	Enquiry   string             `json:"enquiry"`
	Seq       int64              `json:"seq"`
	Direction enquiry.Direction  `json:"direction"`
	Author    enquiry.AuthorKind `json:"author"`
	AuthorID  string             `json:"authorId,omitempty"`
	Staff     string             `json:"staff,omitempty"`
	// Via is the credential the staff member wrote through: "service",
	// "session" or "token".
	Via         string                   `json:"via,omitempty"`
	Kind        enquiry.ContentKind      `json:"kind"`
	Text        string                   `json:"text,omitempty"`
	Media       *enquiry.MediaRef        `json:"media,omitempty"`
	MediaURL    string                   `json:"mediaUrl,omitempty"`
	Sticker     *enquiry.StickerRef      `json:"sticker,omitempty"`
	Unsupported *enquiry.UnsupportedNote `json:"unsupported,omitempty"`
	// ContentState is, for a customer's image, video or audio, where its
	// content is: "pending" while the desk fetches it, then "available"
	// (MediaURL) or "unavailable" (Kind is "unsupported" and Unsupported
	// says why). A message.updated event announces the change.
	ContentState enquiry.ContentState `json:"contentState,omitempty"`
	Unsent       bool                 `json:"unsent,omitempty"`
	// Internal marks a note for staff (a system or bot note such as the
	// channel's custom info): it was never sent to the customer.
	Internal  bool                  `json:"internal,omitempty"`
	Time      time.Time             `json:"time"`
	Delivery  enquiry.DeliveryState `json:"delivery,omitempty"`
	Reason    string                `json:"deliveryReason,omitempty"`
	RequestID string                `json:"requestId,omitempty"`

	// OriginalLength, when set, is how long the customer's text was (in
	// UTF-16 units, as JavaScript counts): Text is its beginning, cut by
	// the desk (enquiry.Config.MaxInboundText).
	OriginalLength int `json:"originalLength,omitempty"`

	// Quote is what the message quotes; Quotable says staff may quote
	// this customer message (POST …/messages with "quote": its id).
	Quote    *quoteJSON `json:"quote,omitempty"`
	Quotable bool       `json:"quotable,omitempty"`
}

// quoteJSON is a quoted message as the API shows it: never its tokens.
type quoteJSON struct {
	// ID is the quoted message's id in the enquiry, "" when the enquiry
	// does not have it (the customer quoted an older message).
	ID   string `json:"id,omitempty"`
	Text string `json:"text,omitempty"`
}

func messageView(m enquiry.Message) messageJSON {
	v := messageJSON{
		ID: m.ID, Enquiry: m.Enquiry, Seq: m.Seq, Direction: m.Direction, Author: m.Author.Kind, AuthorID: m.Author.ID,
		Kind: m.Content.Kind, Text: m.Content.Text, Media: m.Content.Media, Sticker: m.Content.Sticker,
		Unsupported: m.Content.Unsupported, ContentState: m.Content.State, Unsent: m.Unsent, Internal: m.Content.Kind == enquiry.Note, Time: m.Time,
		OriginalLength: m.Content.OriginalLength,
	}
	if m.Author.Kind == enquiry.AuthorStaff {
		v.Staff, v.Via = m.Author.ID, m.Author.Via
	}
	if m.Content.Media != nil && m.Content.Media.Key != "" {
		v.MediaURL = "/api/media/" + m.Content.Media.Key
	}
	if d := m.Delivery; d != nil {
		v.Delivery, v.Reason, v.RequestID = d.State, d.Reason, d.RequestID
	}
	if q := m.Content.Quote; q != nil {
		v.Quote = &quoteJSON{ID: q.Message, Text: q.Text}
	}
	v.Quotable = m.Direction == enquiry.In && m.Author.Kind == enquiry.AuthorCustomer && m.Content.QuoteToken != "" && !m.Unsent
	return v
}

func (h *Handler) listEnquiries(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := enquiry.Filter{Channel: q.Get("channel"), Staff: q.Get("staff"), Customer: q.Get("customer")}
	for _, s := range q["state"] {
		for _, s := range strings.Split(s, ",") {
			switch st := enquiry.State(s); st {
			case enquiry.Ringing, enquiry.Attending, enquiry.Missed, enquiry.Closed:
				f.States = append(f.States, st)
			case "open":
				f.States = append(f.States, enquiry.Ringing, enquiry.Attending, enquiry.Missed)
			default:
				writeError(w, http.StatusBadRequest, "bad_state", fmt.Sprintf("unknown state %q: use ringing, attending, missed, closed or open", s))
				return
			}
		}
	}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 1000 {
			writeError(w, http.StatusBadRequest, "bad_limit", "limit must be a number from 1 to 1000")
			return
		}
		f.Limit = n
	}
	staff, ok := reader(w, r)
	if !ok {
		return
	}
	list, err := h.cfg.Desk.Enquiries(r.Context(), f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out, err := h.listItems(r, list, staff)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"enquiries": out})
}

func (h *Handler) getEnquiry(w http.ResponseWriter, r *http.Request) {
	e, err := h.cfg.Desk.Enquiry(r.Context(), r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var after int64
	if s := r.URL.Query().Get("after"); s != "" {
		after, _ = strconv.ParseInt(s, 10, 64)
	}
	msgs, err := h.cfg.Desk.Transcript(r.Context(), e.ID, after, 500)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]messageJSON, len(msgs))
	for i, m := range msgs {
		out[i] = messageView(m)
	}
	// The enquiry's fields at the top level, and again under "enquiry",
	// with its messages and the channel's custom info for staff.
	view := enquiryView(e)
	body := struct {
		enquiryJSON
		Enquiry    enquiryJSON   `json:"enquiry"`
		Messages   []messageJSON `json:"messages"`
		CustomInfo *string       `json:"customInfo,omitempty"`
		// Friendship is "blocked" when the customer blocked the account
		// (nothing can be sent), "friend" after a follow, else absent.
		Friendship enquiry.Friendship `json:"friendship,omitempty"`
		// TextLimit is the platform's longest text, in UTF-16 code units
		// (Connector.MaxTextUnits), when known.
		TextLimit int `json:"textLimit,omitempty"`
		// Kind is the channel's kind, whose words the console has from
		// GET /api/config, when the channel is known.
		Kind string `json:"kind,omitempty"`
	}{enquiryJSON: view, Enquiry: view, Messages: out}
	if ch, err := h.cfg.Desk.Channel(r.Context(), e.Channel); err == nil {
		c, _ := h.connector(ch.Kind)
		body.TextLimit, body.Kind = c.MaxTextUnits, ch.Kind
	}
	if body.Friendship, err = h.cfg.Desk.Friendship(r.Context(), e.Channel, e.Customer.ID); err != nil {
		h.fail(w, r, err)
		return
	}
	info, err := h.cfg.Desk.CustomInfo(r.Context(), e.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if info != "" { // switched on, and the enquiry is not addressed to one staff member
		body.CustomInfo = &info
	}
	writeJSON(w, http.StatusOK, body)
}

type staffBody struct {
	Staff string `json:"staff"`
}

// staffOnly reads a body that names at most the staff member acting
// ({"staff"}, for a service credential) and returns who acts, from the
// credential; false when it has answered the request already.
func (h *Handler) staffOnly(w http.ResponseWriter, r *http.Request) (string, bool) {
	var b staffBody
	if !readBody(w, r, &b) {
		return "", false
	}
	return h.actor(w, r, b.Staff)
}

func (h *Handler) attend(w http.ResponseWriter, r *http.Request) {
	staff, ok := h.staffOnly(w, r)
	if !ok {
		return
	}
	e, err := h.cfg.Desk.Attend(r.Context(), r.PathValue("id"), staff)
	h.reply(w, r, e, err)
}

func (h *Handler) close(w http.ResponseWriter, r *http.Request) {
	staff, ok := h.staffOnly(w, r)
	if !ok {
		return
	}
	e, err := h.cfg.Desk.Close(r.Context(), r.PathValue("id"), staff)
	h.reply(w, r, e, err)
}

func (h *Handler) transfer(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Staff string       `json:"staff"`
		To    routing.Step `json:"to"`
	}
	if !readBody(w, r, &b) {
		return
	}
	staff, ok := h.actor(w, r, b.Staff)
	if !ok {
		return
	}
	e, err := h.cfg.Desk.Transfer(r.Context(), r.PathValue("id"), staff, b.To)
	h.reply(w, r, e, err)
}

func (h *Handler) invite(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Staff     string `json:"staff"`
		Colleague string `json:"colleague"`
	}
	if !readBody(w, r, &b) {
		return
	}
	staff, ok := h.actor(w, r, b.Staff)
	if !ok {
		return
	}
	e, err := h.cfg.Desk.Invite(r.Context(), r.PathValue("id"), staff, b.Colleague)
	h.reply(w, r, e, err)
}

func (h *Handler) reply(w http.ResponseWriter, r *http.Request, e enquiry.Enquiry, err error) {
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"enquiry": enquiryView(e)})
}

func (h *Handler) send(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Staff   string              `json:"staff"`
		Text    string              `json:"text"`
		Kind    enquiry.ContentKind `json:"kind"`
		Media   *enquiry.MediaRef   `json:"media"`
		Sticker *enquiry.StickerRef `json:"sticker"`
		// Quote is the id of a customer message of the enquiry to quote.
		Quote string `json:"quote"`
	}
	if !readBody(w, r, &b) {
		return
	}
	staff, ok := h.actor(w, r, b.Staff)
	if !ok {
		return
	}
	c := enquiry.Content{Kind: b.Kind, Text: b.Text, Media: b.Media, Sticker: b.Sticker}
	if c.Kind == "" {
		c.Kind = enquiry.Text
	}
	var (
		m   enquiry.Message
		err error
	)
	if b.Quote != "" {
		m, err = h.cfg.Desk.SendQuote(r.Context(), r.PathValue("id"), staff, b.Quote, c)
	} else {
		m, err = h.cfg.Desk.Send(r.Context(), r.PathValue("id"), staff, c)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.answerSent(w, r, m)
}

// answerSent answers a request that recorded staff message m: 200 once it
// is sent (or failed) within sendWait, else 202.
func (h *Handler) answerSent(w http.ResponseWriter, r *http.Request, m enquiry.Message) {
	m = settle(r.Context(), h.cfg.Desk, m, sendWait)
	status := http.StatusOK
	if m.Delivery != nil && m.Delivery.State == enquiry.Pending {
		// Recorded, and the outbox is still trying after sendWait: a
		// message.updated event on /api/events tells how it went.
		status = http.StatusAccepted
	}
	writeJSON(w, status, map[string]any{"message": messageView(m)})
}

// markRead marks the customer's messages read on the platform, as far as
// the newest: the console calls it when the staff member attending the
// enquiry opens its room, and as messages arrive while it is open.
func (h *Handler) markRead(w http.ResponseWriter, r *http.Request) {
	staff, ok := h.staffOnly(w, r)
	if !ok {
		return
	}
	err := h.cfg.Desk.MarkRead(r.Context(), r.PathValue("id"), staff)
	if pe, ok := errors.AsType[*apiclient.Error](err); ok {
		h.log.WarnContext(r.Context(), "the platform refused marking messages read", "enquiry", r.PathValue("id"), "err", pe)
		c, _ := h.connector(pe.Service)
		writeError(w, http.StatusBadGateway, cmp.Or(pe.Service, "platform")+"_refused", c.name()+" did not mark the messages read: "+pe.Error())
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// channelJSON is a channel as the API shows and takes it. Credentials
// are write-only: responses say only whether they are set. Once decoded
// they are held as enquiry.Secret, so a channelJSON printed, marshalled
// or logged shows "[redacted]" in their place.
type channelJSON struct {
	ID           string               `json:"id"`
	Name         string               `json:"name"`
	Kind         string               `json:"kind"`
	Account      string               `json:"account,omitempty"`
	Secret       enquiry.Secret       `json:"secret,omitempty"`
	Token        enquiry.Secret       `json:"token,omitempty"`
	HasSecret    bool                 `json:"hasSecret"`
	HasToken     bool                 `json:"hasToken"`
	Routing      *routing.Rule        `json:"routing,omitempty"`
	AutoMessages automsg.Settings     `json:"autoMessages"`
	CustomInfo   string               `json:"customInfo"`
	CustomInfoOn bool                 `json:"customInfoOn"`
	State        enquiry.ChannelState `json:"state"`
	Webhook      string               `json:"webhook"`
	Created      time.Time            `json:"created"`
	Updated      time.Time            `json:"updated"`
	// Check is the channel's last set-up check (POST
	// /api/channels/{id}/check, or at start-up); absent when never run.
	Check *CheckReport `json:"check,omitempty"`
}

func (h *Handler) channelView(ch enquiry.Channel) channelJSON {
	c, _ := h.connector(ch.Kind)
	return channelJSON{
		ID: ch.ID, Name: ch.Name, Kind: ch.Kind, Account: ch.Account,
		HasSecret: !ch.Credentials.Secret.IsZero(), HasToken: !ch.Credentials.Token.IsZero(),
		Routing: ch.Routing, AutoMessages: ch.AutoMessages, CustomInfo: ch.CustomInfo, CustomInfoOn: ch.CustomInfoOn,
		State: ch.State, Webhook: c.webhook(ch.ID), Created: ch.Created, Updated: ch.Updated,
	}
}

func (h *Handler) listChannels(w http.ResponseWriter, r *http.Request) {
	list, err := h.cfg.Desk.Channels(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]channelJSON, len(list))
	for i, ch := range list {
		out[i] = h.channelView(ch)
		out[i].Check = h.checks.get(ch.ID)
	}
	writeJSON(w, http.StatusOK, map[string]any{"channels": out})
}

func (h *Handler) getChannel(w http.ResponseWriter, r *http.Request) {
	ch, err := h.cfg.Desk.Channel(r.Context(), r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := h.channelView(ch)
	v.Check = h.checks.get(ch.ID)
	writeJSON(w, http.StatusOK, map[string]any{"channel": v})
}

func (h *Handler) createChannel(w http.ResponseWriter, r *http.Request) {
	var b channelJSON
	if !readJSON(w, r, &b) {
		return
	}
	if b.Kind == "" {
		b.Kind = h.defaultKind()
	}
	conn, ok := h.connector(b.Kind)
	if !ok {
		writeError(w, http.StatusUnprocessableEntity, "unknown_kind", fmt.Sprintf("this desk has no connector for channels of kind %q", b.Kind))
		return
	}
	if b.ID == "" {
		b.ID = slug(b.Name, h.cfg.Now())
	}
	ch := enquiry.Channel{
		ID: b.ID, Name: b.Name, Kind: b.Kind, Account: b.Account,
		Credentials: enquiry.Credentials{Secret: b.Secret, Token: b.Token},
		Routing:     b.Routing, AutoMessages: b.AutoMessages, CustomInfo: b.CustomInfo, CustomInfoOn: b.CustomInfoOn, State: b.State,
	}
	if conn.NeedsCredentials != "" && (ch.Credentials.Secret.IsZero() || ch.Credentials.Token.IsZero()) {
		writeError(w, http.StatusUnprocessableEntity, "invalid", conn.NeedsCredentials)
		return
	}
	if err := ch.Validate(); err == nil && conn.Connect != nil {
		if err := conn.Connect(r.Context(), &ch); err != nil {
			writeError(w, http.StatusUnprocessableEntity, conn.Kind+"_check_failed", err.Error())
			return
		}
	}
	ch, err := h.cfg.Desk.CreateChannel(r.Context(), ch)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"channel": h.channelView(ch)})
}

// editChannel applies the fields present in the body (PUT and PATCH alike:
// a field left out keeps its value; credentials change only when given).
func (h *Handler) editChannel(w http.ResponseWriter, r *http.Request) {
	ch, err := h.cfg.Desk.Channel(r.Context(), r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var b channelEdit
	if !readJSON(w, r, &b) {
		return
	}
	set(&ch.Name, b.Name)
	set(&ch.CustomInfo, b.CustomInfo)
	set(&ch.CustomInfoOn, b.CustomInfoOn)
	set(&ch.State, b.State)
	set(&ch.AutoMessages, b.AutoMessages)
	set(&ch.Credentials.Secret, b.Secret)
	set(&ch.Credentials.Token, b.Token)
	if len(b.Routing) > 0 {
		if string(b.Routing) == "null" {
			ch.Routing = nil
		} else {
			var rule routing.Rule
			if err := json.Unmarshal(b.Routing, &rule); err != nil {
				writeError(w, http.StatusUnprocessableEntity, "invalid_routing", err.Error())
				return
			}
			ch.Routing = &rule
		}
	}
	ch, err = h.cfg.Desk.UpdateChannel(r.Context(), ch)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"channel": h.channelView(ch)})
}

// channelEdit is the body of a channel edit: each field present replaces
// the channel's. The credentials are held as enquiry.Secret from the
// moment they are decoded, so an edit printed, marshalled or logged shows
// "[redacted]" in their place.
type channelEdit struct {
	Name         *string               `json:"name"`
	Secret       *enquiry.Secret       `json:"secret"`
	Token        *enquiry.Secret       `json:"token"`
	Routing      json.RawMessage       `json:"routing"`
	AutoMessages *automsg.Settings     `json:"autoMessages"`
	CustomInfo   *string               `json:"customInfo"`
	CustomInfoOn *bool                 `json:"customInfoOn"`
	State        *enquiry.ChannelState `json:"state"`
}

func set[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

func (h *Handler) suspendChannel(w http.ResponseWriter, r *http.Request) {
	ch, err := h.cfg.Desk.SuspendChannel(r.Context(), r.PathValue("id"))
	h.channelReply(w, r, ch, err)
}

func (h *Handler) resumeChannel(w http.ResponseWriter, r *http.Request) {
	ch, err := h.cfg.Desk.ResumeChannel(r.Context(), r.PathValue("id"))
	h.channelReply(w, r, ch, err)
}

func (h *Handler) channelReply(w http.ResponseWriter, r *http.Request, ch enquiry.Channel, err error) {
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"channel": h.channelView(ch)})
}

func (h *Handler) deleteChannel(w http.ResponseWriter, r *http.Request) {
	force := r.URL.Query().Get("force") == "true"
	if err := h.cfg.Desk.DeleteChannel(r.Context(), r.PathValue("id"), force); err != nil {
		h.fail(w, r, err)
		return
	}
	h.checks.forget(r.PathValue("id")) // a channel made again under the ID is checked anew
	writeJSON(w, http.StatusOK, map[string]any{"deleted": r.PathValue("id")})
}

// preview renders an auto-message for the settings editor.
func (h *Handler) preview(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Settings automsg.Settings `json:"settings"`
		Kind     automsg.Kind     `json:"kind"`
		Customer string           `json:"customer"`
		Staff    automsg.Staff    `json:"staff"`
		Channel  string           `json:"channel"`
	}
	if !readJSON(w, r, &b) {
		return
	}
	text, err := automsg.Preview(b.Settings, b.Kind, automsg.Vars{Customer: b.Customer, Staff: b.Staff, Channel: b.Channel})
	if err != nil {
		writeError(w, http.StatusUnprocessableEntity, "invalid_template", err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"text": text, "units": media.UTF16Len(text)})
}

func (h *Handler) setPresence(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Presence string `json:"presence"`
	}
	if !readJSON(w, r, &b) {
		return
	}
	p, ok := map[string]routing.Presence{"available": routing.Available, "busy": routing.Busy, "idle": routing.Idle, "offline": routing.Offline}[b.Presence]
	if !ok {
		writeError(w, http.StatusUnprocessableEntity, "invalid", "presence is available, busy, idle or offline")
		return
	}
	p0, _ := PrincipalFrom(r.Context())
	if p0.Staff != "" && p0.Staff != r.PathValue("id") && p0.Role != RoleAdmin {
		writeError(w, http.StatusForbidden, "not_yourself", "a staff member sets only their own presence")
		return
	}
	if !h.roster.SetPresence(r.PathValue("id"), p) {
		writeError(w, http.StatusNotFound, "not_found", "no such staff member")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": r.PathValue("id"), "presence": b.Presence})
}

func presenceName(p routing.Presence) string {
	switch p {
	case routing.Available:
		return "available"
	case routing.Busy:
		return "busy"
	case routing.Idle:
		return "idle"
	}
	return "offline"
}

func (h *Handler) getMedia(w http.ResponseWriter, r *http.Request) {
	if h.cfg.Blobs == nil {
		writeError(w, http.StatusNotFound, "not_found", "not found")
		return
	}
	b, err := h.cfg.Blobs.Open(r.Context(), r.PathValue("key"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	defer b.Close()
	head := make([]byte, 512)
	n, _ := b.ReadAt(head, 0)
	w.Header().Set("Content-Type", http.DetectContentType(head[:n]))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, "", time.Time{}, readSeeker(b))
}

// nameFormatAdvice is the message of a bad_name_format error.
const nameFormatAdvice = `unknown staff display-name format: autoMessages.nameFormat is "none", "first" or "full"`

// fail maps desk errors to status codes and a JSON error body.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	var (
		me *media.Error
		ve *enquiry.ValidationError
		at *enquiry.AttendedError
		tk *enquiry.AccountTakenError
	)
	if accountError(w, err) {
		return
	}
	switch {
	case errors.As(err, &me):
		writeError(w, http.StatusUnprocessableEntity, string(me.Code), me.Reason)
	case errors.Is(err, automsg.ErrUnknownNameFormat):
		writeError(w, http.StatusUnprocessableEntity, "bad_name_format", nameFormatAdvice)
	case errors.As(err, &ve):
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": map[string]string{"code": "invalid", "field": ve.Field, "message": ve.Field + ": " + ve.Reason}})
	case errors.As(err, &at):
		writeError(w, http.StatusConflict, "already_attended", "already attended by "+at.Staff)
	case errors.As(err, &tk):
		writeError(w, http.StatusConflict, "account_taken", fmt.Sprintf("this %s account is already connected to channel %q", h.platformName(tk.Kind), tk.Channel))
	case errors.Is(err, enquiry.ErrNotFound):
		writeError(w, http.StatusNotFound, "not_found", "not found")
	case errors.Is(err, enquiry.ErrClosed):
		writeError(w, http.StatusConflict, "closed", "the enquiry is closed")
	case errors.Is(err, enquiry.ErrNotOwner):
		writeError(w, http.StatusForbidden, "not_owner", "attend the enquiry first: only the staff member attending it (or invited) may do that")
	case errors.Is(err, enquiry.ErrChannelExists):
		writeError(w, http.StatusConflict, "channel_exists", "a channel with that ID exists")
	case errors.Is(err, enquiry.ErrOpenEnquiries):
		writeError(w, http.StatusConflict, "open_enquiries", "the channel has open enquiries: close them or delete with ?force=true")
	case errors.Is(err, enquiry.ErrSuspended):
		writeError(w, http.StatusConflict, "suspended", "the channel is suspended: resume it to send")
	case errors.Is(err, enquiry.ErrBlocked):
		writeError(w, http.StatusConflict, "blocked", "the customer blocked this channel's account: nothing can be sent until they follow it again")
	case errors.Is(err, enquiry.ErrWindowClosed):
		writeError(w, http.StatusConflict, "window_closed", "the customer has not written within the platform's reply window: free-form messages cannot be sent until they write again")
	case errors.Is(err, enquiry.ErrReadOnly):
		writeError(w, http.StatusConflict, "standby", "the platform says another app is active on this channel (standby): nothing may be sent")
	case errors.Is(err, enquiry.ErrInvalid):
		writeError(w, http.StatusUnprocessableEntity, "invalid", err.Error())
	default:
		h.log.ErrorContext(r.Context(), "API request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		writeError(w, http.StatusInternalServerError, "internal", "internal error")
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": msg}})
}

// readBody is readJSON for a body that may be empty, as a staff
// member's own attend or close is: v keeps its zero value then.
func readBody(w http.ResponseWriter, r *http.Request, v any) bool {
	if r.ContentLength == 0 {
		return true
	}
	return readJSON(w, r, v)
}

// readJSON decodes a JSON body of at most 1 MiB into v, answering 400 or
// 413 itself when it cannot.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(v); err != nil {
		var (
			tooBig *http.MaxBytesError
			rule   *routing.RuleError
		)
		switch {
		case errors.As(err, &tooBig):
			writeError(w, http.StatusRequestEntityTooLarge, "too_large", "request body over 1 MiB")
		case errors.As(err, &rule):
			// Well-formed JSON whose routing rule breaks a rule of the
			// domain, e.g. percentages that do not total 100.
			writeError(w, http.StatusUnprocessableEntity, "invalid_routing", rule.Error())
		case errors.Is(err, automsg.ErrUnknownNameFormat):
			writeError(w, http.StatusUnprocessableEntity, "bad_name_format", nameFormatAdvice)
		case errors.Is(err, io.EOF):
			writeError(w, http.StatusBadRequest, "bad_json", "empty request body: send JSON")
		default:
			writeError(w, http.StatusBadRequest, "bad_json", "request body is not the expected JSON")
		}
		return false
	}
	return true
}
