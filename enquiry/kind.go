package enquiry

import (
	"context"
	"errors"
	"time"

	"github.com/socialdesk/socialdesk/media"
)

// Kind is what the desk needs of one kind of channel (Channel.Kind), from
// its connector: the sender that reaches its customers and the rules of
// what its platform carries. A Kind is a plain value; the desk only reads
// it, so one may be shared by desks used concurrently.
type Kind struct {
	// Sender sends to the customers of channels of this kind. Required.
	Sender Sender
	// Policy judges what staff send on this kind of channel: the text
	// limit (and the unit it counts in) and the media types and sizes.
	// The zero Policy is media's default.
	Policy media.Policy
	// MaxBatch is the most messages one platform request carries.
	// Default: DefaultMaxBatch.
	MaxBatch int
	// ReplyWindow, when set, is how long after the customer's latest
	// message the platform allows free-form messages to them. Once it has
	// passed, Send refuses up front with ErrWindowClosed, recording and
	// sending nothing; a message still pending when it passes fails with
	// the same reason instead of being sent to fail. Zero: no window.
	ReplyWindow time.Duration
}

// DefaultMaxBatch is the default Kind.MaxBatch.
const DefaultMaxBatch = 5

// ErrWindowClosed: the channel's kind allows free-form messages only
// within its Kind.ReplyWindow of the customer's latest message, and it has
// passed; nothing was sent. Its text starts with the code "window_closed".
var ErrWindowClosed = errors.New("window_closed: the customer has not written within the platform's reply window; free-form messages cannot be sent until they write again")

// ErrNoConnector: no Kind (and no Config.Sender) serves the channel's kind.
var ErrNoConnector = errors.New("enquiry: no connector serves this channel's kind")

// kind returns the rules and sender for channels of kind k: Config.Kinds[k],
// else the Config.Sender with Config.MediaPolicy. A zero Sender means none.
func (d *Desk) kind(k string) Kind {
	if kd, ok := d.kinds[k]; ok {
		return kd
	}
	return Kind{Sender: d.sender, Policy: d.policy, MaxBatch: DefaultMaxBatch}
}

// freeUntil returns until when e's customer may be sent free-form
// messages on a channel of kind k, from the latest customer message in
// the enquiry; zero when the kind has no window.
func (d *Desk) freeUntil(ctx context.Context, k Kind, e Enquiry) (time.Time, error) {
	if k.ReplyWindow <= 0 {
		return time.Time{}, nil
	}
	var last time.Time
	err := d.eachMessage(ctx, e.ID, func(m *Message) bool {
		if m.Direction == In && m.Author.Kind == AuthorCustomer && m.Time.After(last) {
			last = m.Time
		}
		return true
	})
	if err != nil {
		return time.Time{}, err
	}
	if last.IsZero() {
		return time.Unix(0, 0), nil // the customer never wrote: closed
	}
	return last.Add(k.ReplyWindow), nil
}

// windowOpen returns ErrWindowClosed when the reply window of e's channel
// kind has passed.
func (d *Desk) windowOpen(ctx context.Context, k Kind, e Enquiry) error {
	until, err := d.freeUntil(ctx, k, e)
	if err != nil {
		return err
	}
	if !until.IsZero() && !d.clock.Now().Before(until) {
		return ErrWindowClosed
	}
	return nil
}
