package enquiry

import (
	"context"
	"io"
	"time"

	"github.com/socialdesk/socialdesk/automsg"
	"github.com/socialdesk/socialdesk/internal/clock"
	"github.com/socialdesk/socialdesk/routing"
)

// Inbound is a customer message handed to the desk by a connector.
type Inbound struct {
	Channel  string
	Customer Customer
	// ExternalID is the platform's message ID; a redelivered message with
	// the same ID from the same customer is recorded once.
	ExternalID string
	// Time is when the platform received it.
	Time time.Time
	// Content is the message. A Text longer than the desk's
	// Config.MaxInboundText is cut to it, and Content.OriginalLength says
	// how long it was. Media whose content the connector fetches after
	// the message is recorded has State ContentPending; the connector
	// settles it later with Desk.AttachContent or ContentUnavailable.
	// Customer.Name may be empty too, and set later with
	// Desk.SetCustomerName.
	Content Content
	// ReplyToken is the platform's single-use reply handle, if any.
	ReplyToken string
	// Standby is set when the platform says another app is active: the
	// message is recorded, nothing is sent.
	Standby bool
}

// Outbound is one request to send messages to a customer: up to the
// kind's Kind.MaxBatch messages, in order, as one platform request.
type Outbound struct {
	Channel  Channel
	Customer Customer
	// ReplyToken, when set, may be used instead of a push; ReplyTokenAt
	// says when it was received, so the sender can judge its freshness.
	ReplyToken   string
	ReplyTokenAt time.Time
	// ReplyRetry reports that an earlier attempt of this send, perhaps
	// by a desk process that has since died, may have used ReplyToken and
	// got no answer. The sender must then not push after the token turns
	// out used: the earlier attempt may have delivered the messages. While
	// the token is fresh, the platform refusing it as used means just that (only
	// this send ever had it); once it is stale, the outcome is unknown.
	ReplyRetry bool
	// FreeUntil, when set, is until when the platform allows free-form
	// messages to the customer (its Kind.ReplyWindow after their latest
	// message): a sender refuses a send after it rather than send it to
	// fail. Zero: the kind has no window.
	FreeUntil time.Time
	Messages  []Message
	// RetryKey identifies this logical send (a UUID): the same key is
	// used for every attempt, by any desk instance, so the platform
	// accepts it at most once.
	RetryKey string
}

// Receipt is what the platform said about a send.
type Receipt struct {
	RequestID string
	// Replied reports the reply token was used (else it was pushed).
	Replied bool
}

// Sender sends messages to a customer on a platform; each connector
// implements it. Send returns only after the platform accepted or refused
// the request. An error that has a `Retryable() bool` method returning
// true leaves the messages pending for a later attempt; any other error is
// permanent and marks them failed.
type Sender interface {
	Send(ctx context.Context, out Outbound) (Receipt, error)
}

// ReadMarker is implemented by a Sender whose platform shows customers
// that their messages were read. MarkRead marks
// the customer's messages up to and including the one that carried token
// (Content.ReadToken) as read. A connector whose platform has no read
// marks does not implement it, and the desk marks nothing.
type ReadMarker interface {
	MarkRead(ctx context.Context, ch Channel, customer, token string) error
}

// SenderFunc adapts a function to Sender.
type SenderFunc func(ctx context.Context, out Outbound) (Receipt, error)

// Send calls f.
func (f SenderFunc) Send(ctx context.Context, out Outbound) (Receipt, error) { return f(ctx, out) }

// Directory is the host's staff directory: presence and load for routing,
// and names for auto-messages.
type Directory interface {
	routing.Directory
	// Name returns the staff member's name for display.
	Name(id string) (automsg.Staff, bool)
}

// LoadTracker is implemented by a Directory that wants to know when a
// staff member takes or releases an enquiry (to keep Open counts for
// routing). The desk calls it after the change is stored.
type LoadTracker interface {
	Assigned(staff string, at time.Time)
	Released(staff string, at time.Time)
}

// Clock tells the time. The desk uses the real time by default; tests
// inject a settable clock (clock.Fake) so ring timeouts need no sleeping.
type Clock = clock.Clock

// BlobStore keeps media content. MemBlobs is an in-memory implementation.
type BlobStore interface {
	// Put stores r's content under key and returns its size.
	Put(ctx context.Context, key string, r io.Reader) (int64, error)
	// Open returns the content under key: ErrNotFound.
	Open(ctx context.Context, key string) (Blob, error)
}

// BlobDeleter is implemented by a BlobStore that can remove content, as
// MemBlobs does: a host that stored content for a message the desk then
// refused (the enquiry was closed meanwhile) removes it again.
type BlobDeleter interface {
	// Delete removes the content under key; a key not there is no error.
	Delete(ctx context.Context, key string) error
}

// Blob is stored content.
type Blob interface {
	io.ReaderAt
	io.Closer
	Size() int64
}

// EventKind is what happened on the desk.
type EventKind string

// Desk event kinds, for live UIs.
const (
	EnquiryOpened  EventKind = "enquiry.opened"
	EnquiryChanged EventKind = "enquiry.changed" // state, owner, ringing or invitees changed
	MessageAdded   EventKind = "message.added"
	MessageUpdated EventKind = "message.updated" // delivery state or unsent
	ChannelChanged EventKind = "channel.changed"
)

// DeskEvent is a change on the desk, published to the Sink.
type DeskEvent struct {
	Kind    EventKind `json:"kind"`
	Channel string    `json:"channel"`
	Enquiry *Enquiry  `json:"enquiry,omitempty"`
	Message *Message  `json:"message,omitempty"`
	At      time.Time `json:"at"`
}

// Sink receives desk events, so UIs can follow changes live. Publish must
// not block: the desk calls it on its hot path. Feed is an implementation
// that fans events out to subscribers.
type Sink interface {
	Publish(DeskEvent)
}
