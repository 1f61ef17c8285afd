package line

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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

// Attempts and waits for work after the answer. A desk call that fails
// for now is tried deskAttempts times in a row and then left for the
// sweep (RetryInterval); content LINE is still preparing is awaited off
// the customer's queue (later.go), then recorded as unavailable.
const (
	deskAttempts = 3
	deskBackoff  = 200 * time.Millisecond
	maxPostback  = 300 // characters of postback data shown to staff
	// maxDisplayName caps a customer's display name from LINE's profile
	// API, in UTF-16 units. LINE allows 20 characters (40 units if all
	// are emoji); the margin keeps any real name whole, and the cap keeps
	// a fault upstream from filling every list staff see.
	maxDisplayName = 100
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

// process turns one recorded event into desk calls. It runs in a worker,
// after the webhook has answered.
func (w *Webhook) process(ctx context.Context, rec inbox.Record) outcome {
	d, text, fast := readDetailFast(rec.Payload)
	if !fast {
		d = readDetail(rec.Payload)
	}
	d.WebhookEventID = rec.ID // as recorded: not derived again from the payload
	ev := d.header.event(rec.Payload)
	log := &eventLog{base: w.log, channel: rec.Channel, id: rec.ID, typ: ev.Type}
	if ev.Type == "" {
		log.WarnContext(ctx, "line webhook: event has no usable type; recorded, not processed")
		return done
	}
	if ev.Source.Type == SourceGroup || ev.Source.Type == SourceRoom {
		// The desk serves one-on-one chats only; the event stays recorded.
		log.InfoContext(ctx, "line webhook: group and room chats are not served; event recorded, not processed",
			"source", ev.Source.Type)
		return done
	}
	if ev.Source.UserID == "" {
		log.InfoContext(ctx, "line webhook: event has no user; recorded, not processed")
		return done
	}
	var ch enquiry.Channel
	if o := w.retrying(ctx, log, func(ctx context.Context) (err error) {
		ch, err = w.channels.Channel(ctx, rec.Channel)
		return err
	}); o != done || ch.ID == "" {
		return o
	}
	user := ev.Source.UserID
	undecodable := func() outcome {
		log.WarnContext(ctx, "line webhook: event cannot be decoded; recorded, not processed")
		return done
	}
	switch ev.Type {
	case "message":
		if fast {
			return w.message(ctx, log, ch, &ev, text.content, text.readToken)
		}
		m, err := messageContent(d.Message)
		if err != nil {
			log.WarnContext(ctx, "line webhook: message cannot be decoded; recorded as unsupported")
			return w.receive(ctx, log, ch, &ev, "", enquiry.Content{Kind: enquiry.Unsupported,
				Unsupported: &enquiry.UnsupportedNote{Kind: "unknown", Reason: reasonUnknown}}, ContentSource{})
		}
		return w.message(ctx, log, ch, &ev, m, readToken(d.Message))
	case "unsend":
		var u *webhook.UnsendDetail
		if decodePart(d.Unsend, &u) != nil {
			return undecodable()
		}
		if u == nil || u.MessageId == "" {
			return done
		}
		return w.retrying(ctx, log, func(ctx context.Context) error {
			return w.desk.Unsend(ctx, ch.ID, user, u.MessageId)
		})
	case "follow":
		var f *webhook.FollowDetail
		if decodePart(d.Follow, &f) != nil {
			return undecodable()
		}
		note := noteFollow
		if f != nil && f.IsUnblocked {
			note = noteUnblock
		}
		if o := w.friendship(ctx, log, ch.ID, user, enquiry.Friend, ev.Time); o != done {
			return o
		}
		return w.notice(ctx, log, ch.ID, user, note)
	case "unfollow":
		w.later.Forget(ch.ID, user)
		if o := w.friendship(ctx, log, ch.ID, user, enquiry.Blocked, ev.Time); o != done {
			return o
		}
		return w.notice(ctx, log, ch.ID, user, noteUnfollow)
	case "postback":
		var p *webhook.PostbackContent
		if decodePart(d.Postback, &p) != nil {
			return undecodable()
		}
		if p == nil {
			return done
		}
		return w.notice(ctx, log, ch.ID, user, postbackNote(p))
	default:
		log.DebugContext(ctx, "line webhook: event kind not used by the desk; recorded")
		return done
	}
}

// detail is a recorded event as the workers read it: the header intake
// read, and the part of each kind the desk uses, kept raw and decoded
// only for the event's own kind (as the SDK does: a stray field of
// another kind never matters). This reads an event in one pass where the
// SDK's UnmarshalEvent takes several (29 µs and 140 allocations for a
// text message on the machine of BENCHMARKS.md).
type detail struct {
	header
	Message  json.RawMessage `json:"message"`
	Unsend   json.RawMessage `json:"unsend"`
	Follow   json.RawMessage `json:"follow"`
	Postback json.RawMessage `json:"postback"`
}

// readDetail reads a recorded event with encoding/json: every event the
// fast path (readDetailFast) gives up on.
func readDetail(raw []byte) detail {
	var d detail
	if json.Unmarshal(raw, &d) != nil {
		return detail{} // as intake saw it: no usable type
	}
	return d
}

// decodePart decodes one kind's part of an event into the SDK's type for
// it; an absent part leaves v as it is.
func decodePart(raw json.RawMessage, v any) error {
	if len(raw) == 0 {
		return nil
	}
	return json.Unmarshal(raw, v)
}

// messageContent decodes a message event's "message" into the SDK's
// content type for its kind, exactly as webhook.UnmarshalMessageContent
// does (FuzzMessageContent compares them) in two passes instead of three.
func messageContent(raw json.RawMessage) (webhook.MessageContentInterface, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, err
	}
	var kind string
	if err := json.Unmarshal(fields["type"], &kind); err != nil {
		return nil, err
	}
	switch kind {
	case "text":
		return decodeAs[webhook.TextMessageContent](raw)
	case "image":
		return decodeAs[webhook.ImageMessageContent](raw)
	case "video":
		return decodeAs[webhook.VideoMessageContent](raw)
	case "audio":
		return decodeAs[webhook.AudioMessageContent](raw)
	case "file":
		return decodeAs[webhook.FileMessageContent](raw)
	case "location":
		return decodeAs[webhook.LocationMessageContent](raw)
	case "sticker":
		return decodeAs[webhook.StickerMessageContent](raw)
	}
	return webhook.UnknownMessageContent{Type: kind, Raw: fields}, nil
}

func decodeAs[T webhook.MessageContentInterface](raw json.RawMessage) (webhook.MessageContentInterface, error) {
	var m T
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	return m, nil
}

// message hands one customer message to the desk, with its read token
// and, for text and stickers, its quote token and what it quotes.
func (w *Webhook) message(ctx context.Context, log *eventLog, ch enquiry.Channel, ev *Event, m webhook.MessageContentInterface, readToken string) outcome {
	var (
		id  string
		c   enquiry.Content
		src ContentSource // for media: where its content is
	)
	unsupported := func(kind, reason string) enquiry.Content {
		return enquiry.Content{Kind: enquiry.Unsupported, Unsupported: &enquiry.UnsupportedNote{Kind: kind, Reason: reason}}
	}
	switch m := m.(type) {
	case webhook.TextMessageContent:
		id, c = m.Id, enquiry.Content{Kind: enquiry.Text, Text: m.Text}
	case webhook.ImageMessageContent:
		id, src = m.Id, contentSource(m.Id, "image", m.ContentProvider, 0)
	case webhook.VideoMessageContent:
		id, src = m.Id, contentSource(m.Id, "video", m.ContentProvider, m.Duration)
	case webhook.AudioMessageContent:
		id, src = m.Id, contentSource(m.Id, "audio", m.ContentProvider, m.Duration)
	case webhook.FileMessageContent:
		id, c = m.Id, unsupported("file", reasonFile)
	case webhook.LocationMessageContent:
		id, c = m.Id, unsupported("location", reasonLocation)
	case webhook.StickerMessageContent:
		id = m.Id
		c = enquiry.Content{Kind: enquiry.Sticker, Sticker: &enquiry.StickerRef{
			Package: m.PackageId, ID: m.StickerId, Keywords: m.Keywords}}
	case webhook.UnknownMessageContent:
		// imagemap, template, flex and whatever LINE adds later.
		id = rawString(m.Raw["id"])
		kind := m.Type
		if kind == "" || len(kind) > 40 || !utf8.ValidString(kind) {
			kind = "unknown"
		}
		c = unsupported(kind, fmt.Sprintf("The customer sent a %s message, which is not supported.", kind))
	default:
		c = unsupported("unknown", reasonUnknown)
	}
	if src.Kind != "" {
		c = w.pending(src)
	}
	// Text, stickers, images and videos can be quoted; text and stickers
	// can quote.
	var quoted string
	switch m := m.(type) {
	case webhook.TextMessageContent:
		c.QuoteToken, quoted = m.QuoteToken, m.QuotedMessageId
	case webhook.StickerMessageContent:
		c.QuoteToken, quoted = m.QuoteToken, m.QuotedMessageId
	case webhook.ImageMessageContent:
		c.QuoteToken = m.QuoteToken
	case webhook.VideoMessageContent:
		c.QuoteToken = m.QuoteToken
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
func (w *Webhook) pending(src ContentSource) enquiry.Content {
	if w.content == nil || w.blobs == nil {
		return enquiry.Content{Kind: enquiry.Unsupported, Unsupported: &enquiry.UnsupportedNote{Kind: src.Kind, Reason: reasonNoFetch}}
	}
	return enquiry.Content{Kind: contentKind(src.Kind), State: enquiry.ContentPending, Media: &enquiry.MediaRef{
		Kind: media.Kind(src.Kind), URL: src.ExternalURL, PreviewURL: src.PreviewURL, Duration: src.Duration}}
}

// receive records the message, under the customer's name when it is
// cached, and then hands what is still to fetch (the name, the content)
// to the fetchers: nothing here waits for LINE.
func (w *Webhook) receive(ctx context.Context, log *eventLog, ch enquiry.Channel, ev *Event, id string, c enquiry.Content, src ContentSource) outcome {
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
	var r enquiry.Received
	o := w.retrying(ctx, log, func(ctx context.Context) (err error) {
		r, err = w.desk.Receive(ctx, in)
		if err == nil && r.ReusedID {
			// LINE's message IDs are global: another customer's message
			// had this one. A forgery or a fault upstream; the message
			// is kept. Reported once: a redelivery is a duplicate.
			log.WarnContext(ctx, "line webhook: message ID already recorded for another customer; kept as this customer's message",
				"message", id, "enquiry", r.Enquiry.ID)
		}
		return err
	})
	if o != done || r.Message.ID == "" {
		return o
	}
	// A redelivery (Duplicate) whose content is still pending was cut
	// off mid-fetch: fetch it again.
	if r.Message.Content.State == enquiry.ContentPending && src.Kind != "" {
		w.later.Content(ch.ID, user, r.Message.ID, later.Source{ExternalID: src.MessageID, Kind: src.Kind,
			URL: src.ExternalURL, PreviewURL: src.PreviewURL, Duration: src.Duration})
	}
	switch {
	case named || w.content == nil:
	case r.Enquiry.Customer.Name != "":
		w.later.Remember(ch.ID, user, r.Enquiry.Customer.Name)
	default:
		w.later.Name(ch.ID, user)
	}
	return o
}

// friendship records a follow or block on the customer, when the desk
// keeps friendships (FriendshipRecorder).
func (w *Webhook) friendship(ctx context.Context, log *eventLog, channel, user string, f enquiry.Friendship, at time.Time) outcome {
	rec, ok := w.desk.(FriendshipRecorder)
	if !ok {
		return done
	}
	return w.retrying(ctx, log, func(ctx context.Context) error {
		return rec.SetFriendship(ctx, channel, user, f, at)
	})
}

func (w *Webhook) notice(ctx context.Context, log *eventLog, channel, user, text string) outcome {
	return w.retrying(ctx, log, func(ctx context.Context) error {
		return w.desk.Notice(ctx, channel, user, text)
	})
}

// retrying calls f up to deskAttempts times while it fails for now. An
// error that can never succeed (not found, invalid, closed) is logged and
// the event is done; an ended context stops.
func (w *Webhook) retrying(ctx context.Context, log *eventLog, f func(context.Context) error) outcome {
	wait := deskBackoff
	for attempt := 1; ; attempt++ {
		err := f(ctx)
		switch {
		case err == nil:
			return done
		case ctx.Err() != nil:
			return stopped
		case errors.Is(err, enquiry.ErrNotFound), errors.Is(err, enquiry.ErrInvalid), errors.Is(err, enquiry.ErrClosed):
			log.InfoContext(ctx, "line webhook: event not applicable; recorded", "err", err)
			return done
		case attempt == deskAttempts:
			log.ErrorContext(ctx, "line webhook: processing failed; will retry", "err", err, "attempts", attempt)
			return retryLater
		}
		if w.sleep(ctx, wait) != nil {
			return stopped
		}
		wait *= 2
	}
}

func contentSource(id, kind string, p *webhook.ContentProvider, ms int64) ContentSource {
	src := ContentSource{MessageID: id, Kind: kind, Duration: time.Duration(max(ms, 0)) * time.Millisecond}
	if p != nil && p.Type == webhook.ContentProviderTYPE_EXTERNAL {
		src.ExternalURL, src.PreviewURL = p.OriginalContentUrl, p.PreviewImageUrl
	}
	return src
}

func contentKind(kind string) enquiry.ContentKind {
	switch kind {
	case "image":
		return enquiry.Image
	case "video":
		return enquiry.Video
	}
	return enquiry.Audio
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
