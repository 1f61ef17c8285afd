package enquiry

import (
	"context"

	"github.com/socialdesk/socialdesk/media"
)

// What a connector learns about a customer message after the desk has
// recorded it. A connector records a message at once, under the
// customer's ID and, for an image, video or audio, with its content
// pending; it fetches the customer's display name and the content off the
// customer's queue, and fills them in with the methods here, so that a
// slow or silent platform never holds up the customer's later messages.

// ContentState is where a customer's media content is (Content.State).
type ContentState string

// Content states.
const (
	// ContentPending: the message is recorded; its connector is still
	// fetching the content. Content.Media may already hold what is known
	// without the bytes (Kind, Duration, PreviewURL, and URL: where an
	// external provider keeps it), but no Key.
	ContentPending ContentState = "pending"
	// ContentAvailable: the content is in the blob store under
	// Content.Media.Key, and package media accepted it.
	ContentAvailable ContentState = "available"
	// ContentUnavailable: the content could not be had or was refused;
	// Content.Kind is Unsupported and Content.Unsupported says why.
	ContentUnavailable ContentState = "unavailable"
)

// MaxCustomerName caps a customer's display name, in UTF-16 code units:
// platforms allow far shorter names (20 characters is common); the margin keeps
// any real name whole, and the cap keeps a fault upstream from filling
// every list staff see.
const MaxCustomerName = 100

// LateStore keeps what arrives after a message is recorded: customers'
// display names and media content fetched later.
type LateStore interface {
	// SetCustomerName records the customer's display name on the
	// customer and on their open enquiry, without changing its version
	// (as Receive records it), and returns that enquiry; ok is false
	// when the customer has none open. ErrNotFound for an unknown
	// channel.
	SetCustomerName(ctx context.Context, channel, customer, name string) (e Enquiry, ok bool, err error)
	// CustomerName returns the name SetCustomerName recorded ("" if none).
	CustomerName(ctx context.Context, channel, customer string) (string, error)
	// CompleteContent settles the content of message id if it is still
	// ContentPending, and returns the message as stored; ok is false,
	// and nothing changes, when it was not pending (settled before: the
	// first settlement wins). ErrNotFound if there is no such message.
	// The message keeps its other content fields (tokens, quote).
	CompleteContent(ctx context.Context, id string, c Completion) (m Message, ok bool, err error)
	// PendingContent returns inbound messages whose content is
	// ContentPending, oldest first, at most limit (0 means 100).
	PendingContent(ctx context.Context, limit int) ([]Message, error)
}

// Completion is what became of a message's pending content: exactly one
// field is set.
type Completion struct {
	// Media is the content, in the blob store: the message's Content.Media
	// becomes it and its State ContentAvailable.
	Media *MediaRef
	// Unavailable says why there is no content: the message's Kind
	// becomes Unsupported, Media is dropped, and its State is
	// ContentUnavailable.
	Unavailable *UnsupportedNote
}

// apply settles c's pending content with k.
func (k Completion) apply(c *Content) {
	if k.Media != nil {
		r := *k.Media
		c.Media, c.State = &r, ContentAvailable
		return
	}
	n := *k.Unavailable
	c.Kind, c.Media, c.Unsupported, c.State = Unsupported, nil, &n, ContentUnavailable
}

// Completer is the part of a desk that a connector fills in, after
// Receive, with what it fetches off the customer's queue: the customer's
// display name and a media message's content. *Desk implements it; each
// connector's webhook takes one, within an interface of its own that adds
// the other methods it needs. Its methods must be safe for concurrent use.
type Completer interface {
	// SetCustomerName records the customer's display name.
	SetCustomerName(ctx context.Context, channel, customer, name string) error
	// AttachContent records a pending message's content, stored in the
	// blob store and accepted by package media.
	AttachContent(ctx context.Context, message string, ref MediaRef) error
	// ContentUnavailable records why a pending message has no content.
	ContentUnavailable(ctx context.Context, message string, why UnsupportedNote) error
	// PendingContent returns messages whose content is still pending,
	// oldest first, at most limit.
	PendingContent(ctx context.Context, limit int) ([]Message, error)
}

var _ Completer = (*Desk)(nil)

// SetCustomerName records the customer's display name, cut to
// MaxCustomerName, on the customer and on their open enquiry. Live views
// learn it from an EnquiryChanged event. Connectors call it once they
// have looked the name up, after Receive recorded the message under the
// customer's ID alone. An empty name changes nothing. It is safe for
// concurrent use.
func (d *Desk) SetCustomerName(ctx context.Context, channel, customer, name string) error {
	if customer == "" {
		return invalid("customer", "a name needs a customer ID", nil)
	}
	name = media.CutText(name, MaxCustomerName)
	if name == "" {
		return nil
	}
	e, ok, err := d.store.SetCustomerName(ctx, channel, customer, name)
	if err != nil {
		return err
	}
	if ok {
		d.publish(EnquiryChanged, channel, &e, nil)
	}
	return nil
}

// AttachContent records the content of a message received with its
// content pending (Content.State ContentPending): the connector has
// stored it in the blob store under ref.Key, and package media has
// accepted it. The message becomes ContentAvailable, and live views learn
// it from a MessageUpdated event. Content settled before (attached, or
// marked unavailable) is kept: the call changes nothing and returns nil,
// so a connector may repeat it. ErrNotFound if there is no such message.
// It is safe for concurrent use.
func (d *Desk) AttachContent(ctx context.Context, message string, ref MediaRef) error {
	switch {
	case ref.Key == "":
		return invalid("media.key", "attached content needs its blob store key", nil)
	case ref.Kind != media.KindImage && ref.Kind != media.KindVideo && ref.Kind != media.KindAudio:
		return invalid("media.kind", `must be "image", "video" or "audio"`, nil)
	}
	return d.complete(ctx, message, Completion{Media: &ref})
}

// ContentUnavailable records that a message's pending content could not
// be had, or was refused: why says so in words for staff (and Code, for a
// refusal by package media, which rule). The message becomes Unsupported
// and ContentUnavailable, and live views learn it from a MessageUpdated
// event. Content settled before is kept, as with AttachContent. It is
// safe for concurrent use.
func (d *Desk) ContentUnavailable(ctx context.Context, message string, why UnsupportedNote) error {
	if why.Reason == "" {
		return invalid("reason", "say why the content is unavailable", nil)
	}
	return d.complete(ctx, message, Completion{Unavailable: &why})
}

func (d *Desk) complete(ctx context.Context, message string, c Completion) error {
	m, ok, err := d.store.CompleteContent(ctx, message, c)
	if err != nil || !ok {
		return err
	}
	d.log.InfoContext(ctx, "message content settled", "channel", m.Channel, "enquiry", m.Enquiry,
		"message", m.ID, "state", string(m.Content.State))
	d.publish(MessageUpdated, m.Channel, nil, &m)
	return nil
}

// PendingContent returns customers' messages whose content is still
// pending, oldest first, at most limit (0 means 100): what a connector
// that restarted must fetch again, or give up on. It is safe for
// concurrent use.
func (d *Desk) PendingContent(ctx context.Context, limit int) ([]Message, error) {
	return d.store.PendingContent(ctx, limit)
}

// CustomerName returns the display name last recorded for the customer
// with SetCustomerName ("" if none). It is safe for concurrent use.
func (d *Desk) CustomerName(ctx context.Context, channel, customer string) (string, error) {
	return d.store.CustomerName(ctx, channel, customer)
}

// pendingBefore orders PendingContent's messages: oldest first.
func pendingBefore(a, b *Message) bool {
	if !a.Time.Equal(b.Time) {
		return a.Time.Before(b.Time)
	}
	if a.Enquiry != b.Enquiry {
		return a.Enquiry < b.Enquiry
	}
	return a.Seq < b.Seq
}
