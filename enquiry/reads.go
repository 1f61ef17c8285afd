package enquiry

import (
	"context"
	"errors"
	"time"

	"github.com/socialdesk/socialdesk/media"
)

// Read marks and quotes.
//
// A customer's message keeps the platform's read token and quote token
// (Content.ReadToken, Content.QuoteToken). When staff attend an enquiry,
// or open the room of one they attend (MarkRead), the desk marks the
// customer's messages read up to the newest one with a read token, once
// per token, through the Sender's optional ReadMarker. Staff quote a
// customer message with SendQuote: the outbound message carries the
// quoted message's quote token to the platform and a Quote for the
// transcript. A customer's message that quotes another (Quote.ExternalID)
// is shown with what it quotes when that message is in the enquiry.

// maxMarked bounds the read tokens the desk remembers as already marked.
// Forgetting one costs a repeated mark, which the platform ignores.
const maxMarked = 10000

// attendReadTimeout bounds the read mark Attend makes, so a slow platform
// delays attending by at most this; a mark it cuts off is made when the
// room is opened again (MarkRead).
const attendReadTimeout = 5 * time.Second

// MarkRead marks the customer's messages of the enquiry read on the
// platform, up to the newest that carries a read token, on behalf of
// staff, who must attend the enquiry (or be invited into it): ErrNotOwner
// otherwise, ErrClosed for a closed enquiry. A token already marked by
// this desk is not sent again; nothing is marked while the channel is
// suspended or read-only, or the customer blocked the account, and a
// Sender that is not a ReadMarker marks nothing. Attend calls it itself.
func (d *Desk) MarkRead(ctx context.Context, id, staff string) error {
	if staff == "" {
		return invalid("staff", "who reads?", nil)
	}
	e, err := d.store.Enquiry(ctx, id)
	if err != nil {
		return err
	}
	switch {
	case e.State == Closed:
		return ErrClosed
	case !d.mayWrite(&e, staff):
		return ErrNotOwner
	}
	c, err := d.channel(ctx, e.Channel)
	if err != nil {
		return err
	}
	return d.markRead(ctx, c, e)
}

// markRead sends the newest read token of e's transcript, unless it was
// sent before or nothing may be sent.
func (d *Desk) markRead(ctx context.Context, c *deskChannel, e Enquiry) error {
	rm, ok := d.kind(c.ch.Kind).Sender.(ReadMarker)
	if !ok || e.ReadOnly || c.ch.State == Suspended {
		return nil
	}
	if err := d.blocked(ctx, e.Channel, e.Customer.ID); err != nil {
		if errors.Is(err, ErrBlocked) {
			err = nil // the customer sees nothing of the account now
		}
		return err
	}
	token, err := d.newestReadToken(ctx, e.ID)
	if err != nil || token == "" {
		return err
	}
	d.readMu.Lock()
	done := d.marked[e.ID] == token
	d.readMu.Unlock()
	if done {
		return nil
	}
	if err := rm.MarkRead(ctx, c.ch, e.Customer.ID, token); err != nil {
		return err
	}
	d.readMu.Lock()
	if d.marked == nil || len(d.marked) >= maxMarked {
		d.marked = map[string]string{}
	}
	d.marked[e.ID] = token
	d.readMu.Unlock()
	return nil
}

// newestReadToken returns the read token of the enquiry's newest customer
// message that has one.
func (d *Desk) newestReadToken(ctx context.Context, id string) (string, error) {
	var token string
	err := d.eachMessage(ctx, id, func(m *Message) bool {
		if m.Direction == In && m.Author.Kind == AuthorCustomer && m.Content.ReadToken != "" {
			token = m.Content.ReadToken
		}
		return true
	})
	return token, err
}

// eachMessage calls f with the enquiry's messages in order until f
// returns false.
func (d *Desk) eachMessage(ctx context.Context, id string, f func(*Message) bool) error {
	const page = 500
	var after int64
	for {
		ms, err := d.store.Messages(ctx, id, after, page)
		if err != nil {
			return err
		}
		for i := range ms {
			if !f(&ms[i]) {
				return nil
			}
		}
		if len(ms) < page {
			return nil
		}
		after = ms[len(ms)-1].Seq
	}
}

// SendQuote is Send with content quoting the customer message quoted (its
// desk message ID) of the same enquiry: the platform shows the customer
// the quote, and the transcript keeps it (Content.Quote). Only text and
// stickers can quote; the quoted message must be the customer's, not
// unsent, and quotable on its platform (it has a quote token), else the
// error is a *ValidationError for field "quote" and nothing is sent.
func (d *Desk) SendQuote(ctx context.Context, id, staff, quoted string, content Content) (Message, error) {
	if content.Kind != Text && content.Kind != Sticker {
		return Message{}, invalid("quote", "only text and stickers can quote a message", nil)
	}
	var q *Message
	if err := d.eachMessage(ctx, id, func(m *Message) bool {
		if m.ID == quoted {
			q = m
			return false
		}
		return true
	}); err != nil {
		return Message{}, err
	}
	switch {
	case q == nil:
		return Message{}, invalid("quote", "the enquiry has no message with this ID; quote one of the customer's messages in it", nil)
	case q.Direction != In || q.Author.Kind != AuthorCustomer:
		return Message{}, invalid("quote", "only the customer's messages can be quoted", nil)
	case q.Unsent:
		return Message{}, invalid("quote", "the customer unsent this message; it cannot be quoted", nil)
	case q.Content.QuoteToken == "":
		return Message{}, invalid("quote", "the platform does not allow quoting this message", nil)
	}
	content.ReadToken, content.QuoteToken = "", ""
	if err := d.checkFor(ctx, id, &content); err != nil {
		return Message{}, err
	}
	content.Quote = &Quote{Message: q.ID, ExternalID: q.ExternalID, Text: excerpt(q.Content), Token: q.Content.QuoteToken}
	return d.send(ctx, id, staff, content)
}

// excerpt is what a quote shows of c.
func excerpt(c Content) string {
	switch c.Kind {
	case Text:
		return media.CutText(c.Text, MaxQuoteExcerpt)
	case Image:
		return "An image"
	case Video:
		return "A video"
	case Audio:
		return "An audio message"
	case Sticker:
		return "A sticker"
	}
	return "A message"
}

// quotes fills in what the customer messages among ms quote, from the
// enquiry's transcript: the customer's messages by their ExternalID, the
// messages sent to the customer by their send's Delivery.RequestID (as a
// StatusReport names them). A quoted message the enquiry does not have
// keeps only its ExternalID.
func (d *Desk) quotes(ctx context.Context, id string, ms []Message) error {
	want := map[string][]*Quote{}
	for i := range ms {
		if q := ms[i].Content.Quote; ms[i].Direction == In && q != nil && q.ExternalID != "" && q.Message == "" {
			want[q.ExternalID] = append(want[q.ExternalID], q)
		}
	}
	if len(want) == 0 {
		return nil
	}
	return d.eachMessage(ctx, id, func(m *Message) bool {
		ext := m.ExternalID
		if m.Direction == Out && m.Delivery != nil {
			ext = m.Delivery.RequestID // the platform's name for it, as in a StatusReport
		}
		if qs, ok := want[ext]; ok && ext != "" {
			for _, q := range qs {
				q.Message, q.Text = m.ID, excerpt(m.Content)
				if m.Unsent {
					q.Text = ""
				}
			}
			delete(want, ext)
		}
		return len(want) > 0
	})
}
