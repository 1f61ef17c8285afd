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
	// ReplyWindow, when set, is how long the platform lets the desk
	// answer a customer's message freely. A reply handle the message
	// carried (Inbound.ReplyHandle) is good for that long after it: the
	// desk hands a handle already past it to no send. Unless
	// PushAfterWindow is set, it is also how long after the customer's
	// latest message the platform takes free-form messages at all: once
	// it has passed, Send refuses up front with ErrWindowClosed,
	// recording and sending nothing, and a message still pending when it
	// passes fails with the same reason instead of being sent to fail.
	// Zero: the desk knows no window; handles go to the sender, which
	// judges them itself.
	ReplyWindow time.Duration
	// PushAfterWindow reports that the platform takes messages after the
	// reply window too, by a way that needs no reply handle (a push,
	// which the platform may count against a quota or charge for):
	// ReplyWindow then only bounds how long a handle is good, and nothing
	// is refused for it.
	PushAfterWindow bool
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

// windowEnd returns the end of the reply window the customer's latest
// message in e opened, on a channel of kind k: zero when the kind refuses
// nothing after its window (it has none, or PushAfterWindow), and the
// start of time when the customer never wrote.
func (d *Desk) windowEnd(ctx context.Context, k Kind, e Enquiry) (time.Time, error) {
	if k.ReplyWindow <= 0 || k.PushAfterWindow {
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
// kind has passed and the kind takes nothing after it.
func (d *Desk) windowOpen(ctx context.Context, k Kind, e Enquiry) error {
	until, err := d.windowEnd(ctx, k, e)
	if err != nil {
		return err
	}
	if !until.IsZero() && !d.clock.Now().Before(until) {
		return ErrWindowClosed
	}
	return nil
}

// handleGood reports whether the reply handle r may still be used on a
// channel of kind k at now: it is set, and younger than the kind's reply
// window if it has one (else the sender judges it).
func handleGood(k Kind, r Reply, now time.Time) bool {
	return r.Handle != "" && (k.ReplyWindow <= 0 || now.Before(r.At.Add(k.ReplyWindow)))
}
