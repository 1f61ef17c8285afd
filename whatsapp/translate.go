package whatsapp

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/inbox"
	"github.com/socialdesk/socialdesk/internal/later"
	"github.com/socialdesk/socialdesk/media"
)

// errLater tells the inbox that an event failed for now.
var errLater = errors.New("whatsapp: handling the event failed for now; it is retried later")

// errNotYet is status's answer for a status whose message the desk has
// not recorded as sent: retried, unlike the desk's ErrNotFound.
var errNotYet = errors.New("whatsapp: the desk has not recorded the message of this status yet")

// statusPatience is how long a status whose message the desk has not
// recorded as sent yet is retried before it is dropped.
const statusPatience = 10 * time.Minute

// handle is the inbox's Handler: one message or status, to the desk.
func (w *Webhook) handle(ctx context.Context, ev inbox.Record) error {
	e, err := readEvent(ev.Payload)
	if err != nil {
		w.log.ErrorContext(ctx, "whatsapp webhook: recorded event unreadable; dropped", "channel", ev.Channel, "event", ev.ID, "err", err)
		return nil
	}
	switch {
	case e.Message != nil:
		err = w.message(ctx, ev.Channel, e.Message)
	case e.Status != nil:
		err = w.status(ctx, ev, e.Status)
	}
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if enquiry.Permanent(err) { // retrying cannot help: no such channel, say
		w.log.InfoContext(ctx, "whatsapp webhook: event not applicable; recorded", "channel", ev.Channel, "event", ev.ID, "err", err)
		return nil
	}
	w.log.WarnContext(ctx, "whatsapp webhook: handing an event to the desk failed; retried later", "channel", ev.Channel, "event", ev.ID, "err", err)
	return errLater
}

// message records a customer message, a media message with its content
// pending and its media ID, and hands the download to the fetchers
// (later.go): nothing here waits for WhatsApp's media server.
func (w *Webhook) message(ctx context.Context, channel string, m *Message) error {
	c := content(m)
	fetch := m.Media != nil && (c.Kind == enquiry.Image || c.Kind == enquiry.Video || c.Kind == enquiry.Audio)
	if fetch && (w.content == nil || w.blobs == nil) {
		c = enquiry.UnsupportedNote{Kind: m.Type, Reason: "The customer sent " + article(m.Type) + "; content download is not configured."}.Content()
		fetch = false
	}
	if fetch {
		c.State = enquiry.ContentPending
		c.Media = &enquiry.MediaRef{Kind: media.Kind(m.Type), PlatformID: m.Media.ID}
	}
	r, err := w.desk.Receive(ctx, enquiry.Inbound{
		Channel: channel, Customer: enquiry.Customer{ID: m.From, Name: m.ProfileName},
		ExternalID: m.ID, Time: m.Time, Content: c,
	})
	if err != nil {
		return err
	}
	if r.ReusedID {
		w.log.WarnContext(ctx, "whatsapp webhook: a message ID another customer's message had; recorded as this customer's", "channel", channel, "message", m.ID)
	}
	// A redelivery (Duplicate) whose content is still pending was cut
	// off mid-download: fetch it again.
	if fetch && r.Message.Content.State == enquiry.ContentPending {
		w.later.Content(channel, m.From, r.Message.ID, later.Source{ExternalID: m.ID, Kind: m.Type, PlatformID: m.Media.ID})
	}
	return nil
}

// status records a delivery status on the message it names.
func (w *Webhook) status(ctx context.Context, ev inbox.Record, s *Status) error {
	r := enquiry.StatusReport{RequestID: s.ID, At: s.Time}
	switch s.Status {
	case StatusDelivered:
		r.State = enquiry.Delivered
	case StatusRead:
		r.State = enquiry.Read
	case StatusFailed:
		r.State, r.Reason = enquiry.Failed, "WhatsApp could not deliver it"
		if len(s.Errors) > 0 {
			p := s.Errors[0]
			r.Reason = fmt.Sprintf("WhatsApp could not deliver it (code %d: %s)", p.Code, cmp.Or(p.Message, p.Title))
		}
	default:
		return nil // "sent" the desk knows from the send's answer
	}
	err := w.desk.DeliveryStatus(ctx, ev.Channel, s.RecipientID, r)
	if errors.Is(err, enquiry.ErrNotFound) {
		if w.clock.Now().Sub(ev.Received) < statusPatience {
			return errNotYet // the desk may not have recorded the send yet
		}
		return nil
	}
	return err
}

// content is what the desk records of a customer message. A media
// message's caption is its Text, beside the media; a document is a note
// that names its file; a reaction is a text with the emoji that quotes
// the message reacted to; a sticker is a sticker whose ID is its media ID.
func content(m *Message) enquiry.Content {
	c := enquiry.Content{ReadToken: m.ID, QuoteToken: m.ID}
	if m.Context != nil && m.Context.ID != "" {
		c.Quote = &enquiry.Quote{ExternalID: m.Context.ID}
	}
	switch m.Kind {
	case TypeText:
		c.Kind, c.Text = enquiry.Text, m.Text
	case TypeInteractive, TypeButton:
		c.Kind, c.Text = enquiry.Text, m.Text
	case TypeImage:
		c.Kind, c.Text = enquiry.Image, m.Text
	case TypeVideo:
		c.Kind, c.Text = enquiry.Video, m.Text
	case TypeAudio:
		c.Kind = enquiry.Audio
	case TypeLocation:
		c.Kind = enquiry.Text
		if l := m.Location; l != nil {
			c.Text = strings.TrimSpace(fmt.Sprintf("Location: %s %s (%.6f, %.6f)", l.Name, l.Address, l.Latitude, l.Longitude))
		}
	case TypeContacts:
		c.Kind, c.Text = enquiry.Text, contactsText(m.Contacts)
	case TypeReaction:
		// A reaction is not a message to quote or mark read: it is
		// shown as the emoji, quoting the message it reacts to.
		c = enquiry.Content{Kind: enquiry.Text, Text: "Reacted with " + m.Reaction.Emoji}
		if m.Reaction.Emoji == "" {
			c.Text = "Removed a reaction"
		}
		if m.Reaction.MessageID != "" {
			c.Quote = &enquiry.Quote{ExternalID: m.Reaction.MessageID}
		}
	case TypeSticker:
		// Sticker images are not downloaded: the sticker is named by
		// its media ID, in no package.
		c.Kind, c.Sticker = enquiry.Sticker, &enquiry.StickerRef{ID: m.Media.ID}
	case TypeDocument:
		what := "a document"
		if name := media.CutText(m.Media.Filename, maxFilename); name != "" {
			what = "the document \"" + name + "\""
		}
		why := "The customer sent " + what + ". The desk does not show documents; ask for its content another way."
		n := enquiry.UnsupportedNote{Kind: m.Type, Reason: why}.Content()
		n.Text, n.ReadToken, n.QuoteToken, n.Quote = m.Text, c.ReadToken, c.QuoteToken, c.Quote
		return n
	default:
		n := enquiry.UnsupportedNote{Kind: m.Type, Reason: "The customer sent " + article(m.Type) + ", which the desk does not show."}.Content()
		n.ReadToken, n.QuoteToken, n.Quote = c.ReadToken, c.QuoteToken, c.Quote
		return n
	}
	if c.Kind == enquiry.Text && c.Text == "" {
		c.Text = "(empty " + m.Type + " message)"
	}
	return c
}

// maxFilename is how much of a document's file name a note quotes, in
// UTF-16 code units.
const maxFilename = 200

// contactsText is the shared contact cards as one text: each card's name
// and phone numbers.
func contactsText(cards []SharedContact) string {
	label := "Contact: "
	if len(cards) > 1 {
		label = "Contacts: "
	}
	var b strings.Builder
	b.WriteString(label)
	for i, sc := range cards {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(cmp.Or(strings.TrimSpace(sc.Name), "(no name)"))
		if len(sc.Phones) > 0 {
			b.WriteString(", " + strings.Join(sc.Phones, ", "))
		}
	}
	return b.String()
}

func article(kind string) string {
	if kind == "" {
		return "a message"
	}
	if strings.ContainsRune("aeiou", rune(kind[0])) {
		return "an " + kind + " message"
	}
	return "a " + kind + " message"
}
