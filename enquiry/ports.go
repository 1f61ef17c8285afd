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
	// ReplyHandle is what the platform gave with the message for
	// answering it, if anything: opaque to the desk, which keeps the
	// latest one and hands it to one send (Outbound.Reply).
	ReplyHandle string
	// ReadOnly is set when the platform says the desk may only read the
	// conversation now (another app answers the customer): the message is
	// recorded, nothing is sent, and ReplyHandle is not kept.
	ReadOnly bool
}

// Outbound is one request to send messages to a customer: up to the
// kind's Kind.MaxBatch messages, in order, as one platform request.
type Outbound struct {
	Channel  Channel
	Customer Customer
	// Reply, when its Handle is set, is the reply handle of one of the
	// customer's messages, handed to this send only. The sender may use
	// it while it is good (never after FreeUntil, when that is set, nor
	// when older, by At, than its platform allows); otherwise it sends
	// without it, the platform's other way (e.g. a push).
	Reply Reply
	// ReplyRetry reports that an earlier attempt of this send, perhaps
	// by a desk process that has since died, may have used Reply.Handle
	// and got no answer. The sender must then not send another way after
	// the handle turns out used: the earlier attempt may have delivered
	// the messages. While the handle is good, the platform refusing it as
	// used means just that (only this send ever had it); once it is not,
	// the outcome is unknown.
	ReplyRetry bool
	// FreeUntil, when set, is the end of the kind's reply window
	// (Kind.ReplyWindow) for this send. On a kind whose platform refuses
	// free-form messages after the window it is counted from the
	// customer's latest message, and a sender refuses a send after it
	// rather than send it to fail. On a kind with Kind.PushAfterWindow it
	// is counted from Reply.At, is set only with a handle, and says until
	// when the handle may be used. Zero: the kind has no window.
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
	// Replied reports the send used Outbound.Reply's handle (else it
	// went the platform's other way, e.g. a push).
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
	// Put stores r's content under key and returns its size. When
	// reading r fails, Put returns the error and keeps nothing under key:
	// the connectors stream content into Put and judge it while it is
	// read, so a refused or cut download ends as r's error.
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

// NoticeKind is what happened on the desk.
type NoticeKind string

// The kinds of Notice, for live UIs.
const (
	EnquiryOpened  NoticeKind = "enquiry.opened"
	EnquiryChanged NoticeKind = "enquiry.changed" // state, owner, ringing or invitees changed
	MessageAdded   NoticeKind = "message.added"
	MessageUpdated NoticeKind = "message.updated" // delivery state or unsent
	ChannelChanged NoticeKind = "channel.changed"
)

// Notice tells live UIs of a change on the desk: the desk publishes one
// to its Sink for each change. (Platform events are inbox.Record, as
// recorded, and the connector's own types, as parsed.)
type Notice struct {
	Kind    NoticeKind `json:"kind"`
	Channel string     `json:"channel"`
	Enquiry *Enquiry   `json:"enquiry,omitempty"`
	Message *Message   `json:"message,omitempty"`
	At      time.Time  `json:"at"`
}

// Sink receives the desk's notices, so UIs can follow changes live.
// Publish must not block: the desk calls it on its hot path. Feed is an
// implementation that fans them out to subscribers.
type Sink interface {
	Publish(Notice)
}
