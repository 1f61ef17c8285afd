package line

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/inbox"
	"github.com/socialdesk/socialdesk/internal/later"
	"github.com/socialdesk/socialdesk/media"
)

// Attempts and waits for work after the answer. An event whose desk
// calls fail for now is handled again, deskAttempts times in a row, and
// then left for the sweep (Inbox.RetryInterval); the desk's methods are
// idempotent, so a call that succeeded before is harmless again. Content
// LINE is still preparing is awaited off the customer's queue
// (later.go), then recorded as unavailable.
const (
	deskAttempts = 3
	deskBackoff  = 200 * time.Millisecond
	maxPostback  = 300 // characters of postback data shown to staff
)

// Notes for staff. They are system notes in the customer's enquiry and are
// never sent to the customer.
const (
	noteFollow     = "The customer added this account as a friend."
	noteUnblock    = "The customer unblocked this account."
	noteUnfollow   = "The customer blocked this account: messages can no longer be delivered to them."
	reasonFile     = "The customer sent a file. Files are not supported; ask for the content another way."
	reasonLocation = "The customer shared a location. Locations are not supported."
	reasonNoFetch  = "The content was not downloaded: content download is not configured."
	reasonFailed   = "The content could not be downloaded from LINE."
	reasonExternal = "The content could not be downloaded from the provider that keeps it for LINE."
	reasonPending  = "LINE did not make the content available in time."
	reasonUnknown  = "LINE sent a kind of message the desk does not support."
)

// errLater tells the inbox that an event failed for now.
var errLater = errors.New("line: processing the event failed for now; it is retried later")

// process is the inbox's Handler: it turns one recorded event into desk
// calls, in a worker, after the webhook has answered. It returns nil when
// the event is handled or never can be (a final error, logged), errLater
// when it failed for now deskAttempts times, and ctx's error when ctx
// ended first.
func (w *Webhook) process(ctx context.Context, rec inbox.Record) error {
	d := readDetail(rec.Payload)
	d.WebhookEventID = rec.ID // as recorded: not derived again from the payload
	ev := d.event(rec.Payload)
	log := &eventLog{base: w.log, channel: rec.Channel, id: rec.ID, typ: ev.Type}
	if ev.Type == "" {
		log.log(ctx, slog.LevelWarn, "line webhook: event has no usable type; recorded, not processed")
		return nil
	}
	if ev.Source.Type == SourceGroup || ev.Source.Type == SourceRoom {
		// The desk serves one-on-one chats only; the event stays recorded.
		log.log(ctx, slog.LevelInfo, "line webhook: group and room chats are not served; event recorded, not processed",
			"source", ev.Source.Type)
		return nil
	}
	if ev.Source.UserID == "" {
		log.log(ctx, slog.LevelInfo, "line webhook: event has no user; recorded, not processed")
		return nil
	}
	wait := deskBackoff
	for attempt := 1; ; attempt++ {
		err := w.handle(ctx, log, rec.Channel, &ev, &d)
		switch {
		case err == nil:
			return nil
		case ctx.Err() != nil:
			return ctx.Err()
		case enquiry.Permanent(err):
			log.log(ctx, slog.LevelInfo, "line webhook: event not applicable; recorded", "err", err)
			return nil
		case attempt == deskAttempts:
			log.log(ctx, slog.LevelError, "line webhook: processing failed; will retry", "err", err, "attempts", attempt)
			return errLater
		}
		if w.sleep(ctx, wait) != nil {
			return cmp.Or(ctx.Err(), errLater)
		}
		wait *= 2
	}
}

// handle makes an event's desk calls, once.
func (w *Webhook) handle(ctx context.Context, log *eventLog, channel string, ev *Event, d *detail) error {
	ch, err := w.cfg.Channels.Channel(ctx, channel)
	if err != nil || ch.ID == "" {
		return err
	}
	user := ev.Source.UserID
	// part decodes the event's part for its kind; one that cannot be
	// decoded is logged, and the event is done.
	part := func(raw json.RawMessage, v any) bool {
		if len(raw) == 0 {
			return true // absent: v stays as it is
		}
		if json.Unmarshal(raw, v) != nil {
			log.log(ctx, slog.LevelWarn, "line webhook: event cannot be decoded; recorded, not processed")
			return false
		}
		return true
	}
	switch ev.Type {
	case "message":
		if m, token, ok := readText(d.Message); ok {
			return w.message(ctx, log, ch, ev, m, token)
		}
		m, err := webhook.UnmarshalMessageContent(d.Message)
		if err != nil {
			log.log(ctx, slog.LevelWarn, "line webhook: message cannot be decoded; recorded as unsupported")
			return w.message(ctx, log, ch, ev, nil, "") // an unknown kind of message
		}
		return w.message(ctx, log, ch, ev, m, readToken(d.Message))
	case "unsend":
		var u *webhook.UnsendDetail
		if !part(d.Unsend, &u) || u == nil || u.MessageId == "" {
			return nil
		}
		return w.cfg.Desk.Unsend(ctx, ch.ID, user, u.MessageId)
	case "follow":
		var f *webhook.FollowDetail
		if !part(d.Follow, &f) {
			return nil
		}
		note := noteFollow
		if f != nil && f.IsUnblocked {
			note = noteUnblock
		}
		return w.friendship(ctx, ch.ID, user, enquiry.Friend, ev.Time, note)
	case "unfollow":
		w.later.Forget(ch.ID, user)
		return w.friendship(ctx, ch.ID, user, enquiry.Blocked, ev.Time, noteUnfollow)
	case "postback":
		var p *webhook.PostbackContent
		if !part(d.Postback, &p) || p == nil {
			return nil
		}
		return w.cfg.Desk.Notice(ctx, ch.ID, user, postbackNote(p))
	default:
		log.log(ctx, slog.LevelDebug, "line webhook: event kind not used by the desk; recorded")
		return nil
	}
}

// message hands one customer message to the desk, with its read token
// and its quote token (text, stickers, images and videos can be quoted)
// and, for text and stickers, what it quotes.
func (w *Webhook) message(ctx context.Context, log *eventLog, ch enquiry.Channel, ev *Event, m webhook.MessageContentInterface, readToken string) error {
	var (
		id, quoted string
		c          enquiry.Content
		src        later.Source // for media: where its content is
	)
	switch m := m.(type) {
	case webhook.TextMessageContent:
		id, c, quoted = m.Id, enquiry.Content{Kind: enquiry.Text, Text: m.Text, QuoteToken: m.QuoteToken}, m.QuotedMessageId
	case webhook.ImageMessageContent:
		id, src, c.QuoteToken = m.Id, contentSource(m.Id, "image", m.ContentProvider, 0), m.QuoteToken
	case webhook.VideoMessageContent:
		id, src, c.QuoteToken = m.Id, contentSource(m.Id, "video", m.ContentProvider, m.Duration), m.QuoteToken
	case webhook.AudioMessageContent:
		id, src = m.Id, contentSource(m.Id, "audio", m.ContentProvider, m.Duration)
	case webhook.FileMessageContent:
		id, c = m.Id, enquiry.UnsupportedNote{Kind: "file", Reason: reasonFile}.Content()
	case webhook.LocationMessageContent:
		id, c = m.Id, enquiry.UnsupportedNote{Kind: "location", Reason: reasonLocation}.Content()
	case webhook.StickerMessageContent:
		id, quoted = m.Id, m.QuotedMessageId
		c = enquiry.Content{Kind: enquiry.Sticker, QuoteToken: m.QuoteToken, Sticker: &enquiry.StickerRef{
			Package: m.PackageId, ID: m.StickerId, Keywords: m.Keywords}}
	case webhook.UnknownMessageContent:
		// imagemap, template, flex and whatever LINE adds later.
		id = rawString(m.Raw["id"])
		kind := m.Type
		if kind == "" || len(kind) > 40 || !utf8.ValidString(kind) {
			kind = "unknown"
		}
		c = enquiry.UnsupportedNote{Kind: kind, Reason: fmt.Sprintf("The customer sent a %s message, which is not supported.", kind)}.Content()
	default:
		c = enquiry.UnsupportedNote{Kind: "unknown", Reason: reasonUnknown}.Content()
	}
	if src.Kind != "" {
		c = w.pending(src, c.QuoteToken)
	}
	if quoted != "" {
		c.Quote = &enquiry.Quote{ExternalID: quoted}
	}
	c.ReadToken = readToken
	return w.receive(ctx, log, ch, ev, id, c, src)
}

// pending is a media message's content as recorded before it is fetched:
// pending, with what is known without the bytes (Media.URL is where an
// external provider keeps it, so a restarted process can fetch it
// again). Without a content fetcher it is unsupported at once.
func (w *Webhook) pending(src later.Source, quoteToken string) enquiry.Content {
	if w.cfg.Content == nil || w.cfg.Blobs == nil {
		return enquiry.Content{Kind: enquiry.Unsupported, QuoteToken: quoteToken,
			Unsupported: &enquiry.UnsupportedNote{Kind: src.Kind, Reason: reasonNoFetch}}
	}
	return enquiry.Content{Kind: enquiry.ContentKind(src.Kind), State: enquiry.ContentPending, QuoteToken: quoteToken, Media: &enquiry.MediaRef{
		Kind: media.Kind(src.Kind), URL: src.URL, PreviewURL: src.PreviewURL, Duration: src.Duration}}
}

// receive records the message, under the customer's name when it is
// cached, and then hands what is still to fetch (the name, the content)
// to the fetchers: nothing here waits for LINE.
func (w *Webhook) receive(ctx context.Context, log *eventLog, ch enquiry.Channel, ev *Event, id string, c enquiry.Content, src later.Source) error {
	user := ev.Source.UserID
	name, named := w.later.Known(ch.ID, user)
	in := enquiry.Inbound{
		Channel:    ch.ID,
		Customer:   enquiry.Customer{ID: user, Name: name},
		ExternalID: id,
		Time:       ev.Time,
		Content:    c,
		ReadOnly:   ev.Standby(), // another app answers the chat: read only
	}
	if !in.ReadOnly {
		in.ReplyHandle = ev.ReplyToken
	}
	if in.Time.IsZero() {
		in.Time = w.clock.Now()
	}
	r, err := w.cfg.Desk.Receive(ctx, in)
	if err != nil || r.Message.ID == "" {
		return err
	}
	if r.ReusedID {
		// LINE's message IDs are global: another customer's message had
		// this one. A forgery or a fault upstream; the message is kept.
		// Reported once: a redelivery is a duplicate.
		log.log(ctx, slog.LevelWarn, "line webhook: message ID already recorded for another customer; kept as this customer's message",
			"message", id, "enquiry", r.Enquiry.ID)
	}
	// A redelivery (Duplicate) whose content is still pending was cut
	// off mid-fetch: fetch it again.
	if r.Message.Content.State == enquiry.ContentPending && src.Kind != "" {
		w.later.Content(ch.ID, user, r.Message.ID, src)
	}
	switch {
	case named || w.cfg.Content == nil:
	case r.Enquiry.Customer.Name != "":
		w.later.Remember(ch.ID, user, r.Enquiry.Customer.Name)
	default:
		w.later.Name(ch.ID, user)
	}
	return nil
}

// friendship records a follow or block on the customer, when the desk
// keeps friendships (FriendshipRecorder), and then the note for staff.
// A friendship the desk finds not applicable still gets its note.
func (w *Webhook) friendship(ctx context.Context, channel, user string, f enquiry.Friendship, at time.Time, note string) error {
	if rec, ok := w.cfg.Desk.(FriendshipRecorder); ok {
		if err := rec.SetFriendship(ctx, channel, user, f, at); err != nil && !enquiry.Permanent(err) {
			return err
		}
	}
	return w.cfg.Desk.Notice(ctx, channel, user, note)
}

// contentSource is where a media message's content is: on LINE, or
// with an external provider.
func contentSource(id, kind string, p *webhook.ContentProvider, ms int64) later.Source {
	src := later.Source{ExternalID: id, Kind: kind, Duration: time.Duration(max(ms, 0)) * time.Millisecond}
	if p != nil && p.Type == webhook.ContentProviderTYPE_EXTERNAL {
		src.URL, src.PreviewURL = p.OriginalContentUrl, p.PreviewImageUrl
	}
	return src
}

func postbackNote(p *webhook.PostbackContent) string {
	var b strings.Builder
	b.WriteString("The customer chose an action")
	data := p.Data
	if utf8.RuneCountInString(data) > maxPostback {
		data = string([]rune(data)[:maxPostback]) + "…"
	}
	if data != "" {
		fmt.Fprintf(&b, " (postback data %q)", data)
	}
	for _, k := range slices.Sorted(maps.Keys(p.Params)) {
		fmt.Fprintf(&b, ", %s %q", k, p.Params[k])
	}
	b.WriteString(".")
	return b.String()
}

// readToken returns a message's markAsReadToken, which the SDK's types
// do not have yet: "" if there is none.
func readToken(raw json.RawMessage) string {
	var t struct {
		MarkAsReadToken string `json:"markAsReadToken"`
	}
	if json.Unmarshal(raw, &t) != nil {
		return ""
	}
	return t.MarkAsReadToken
}

// rawString decodes a JSON string, "" if raw is not one.
func rawString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}
