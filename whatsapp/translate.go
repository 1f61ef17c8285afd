package whatsapp

import (
	"cmp"
	"context"
	"encoding/json"
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

// statusPatience is how long a status whose message the desk has not
// recorded as sent yet is retried before it is dropped.
const statusPatience = 10 * time.Minute

// handle is the inbox's Handler: one message or status, to the desk.
func (w *Webhook) handle(ctx context.Context, ev inbox.Record) error {
	var e event
	if err := json.Unmarshal(ev.Payload, &e); err != nil {
		w.log.ErrorContext(ctx, "whatsapp webhook: recorded event unreadable; dropped", "channel", ev.Channel, "event", ev.ID, "err", err)
		return nil
	}
	var err error
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
	w.log.WarnContext(ctx, "whatsapp webhook: handing an event to the desk failed; retried later", "channel", ev.Channel, "event", ev.ID, "err", err)
	return errLater
}

// message records a customer message, a media message with its content
// pending and its media ID, and hands the download to the fetchers
// (later.go): nothing here waits for WhatsApp's media server.
func (w *Webhook) message(ctx context.Context, channel string, m *Message) error {
	c := content(m)
	fetch := m.Media != nil && c.Kind != enquiry.Unsupported
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
			return err // the desk may not have recorded the send yet
		}
		return nil
	}
	return err
}

// content is what the desk records of a customer message.
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
		c.Kind = enquiry.Image
	case TypeVideo:
		c.Kind = enquiry.Video
	case TypeAudio:
		c.Kind = enquiry.Audio
	case TypeLocation:
		c.Kind = enquiry.Text
		if l := m.Location; l != nil {
			c.Text = strings.TrimSpace(fmt.Sprintf("Location: %s %s (%.6f, %.6f)", l.Name, l.Address, l.Latitude, l.Longitude))
		}
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

func article(kind string) string {
	if kind == "" {
		return "a message"
	}
	if strings.ContainsRune("aeiou", rune(kind[0])) {
		return "an " + kind + " message"
	}
	return "a " + kind + " message"
}
