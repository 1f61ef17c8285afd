package enquiry

import (
	"context"
	"time"
)

// Store is the desk's persistence. Every method is atomic, and an
// implementation is safe for concurrent use by many goroutines and, for a
// shared database, by many desk instances at once. MemStore is the default;
// enquiry/postgres serves several replicas. Every implementation must pass
// the suite in enquiry/storetest. The webhooks' durable inbox is another
// interface, inbox.Store, which MemStore and enquiry/postgres implement
// too.
type Store interface {
	ChannelStore
	EnquiryStore
	MessageStore
	CustomerStore
	AccountStore
	LateStore
	SearchStore
	SeenStore
	ReportStore
	CannedStore
}

// ChannelStore keeps channels.
type ChannelStore interface {
	// CreateChannel stores a new channel: ErrChannelExists if the ID is
	// taken, *AccountTakenError if another channel holds (Kind, Account).
	CreateChannel(ctx context.Context, ch Channel) error
	// UpdateChannel replaces a channel: ErrNotFound, *AccountTakenError.
	UpdateChannel(ctx context.Context, ch Channel) error
	// DeleteChannel removes a channel and everything of it: ErrNotFound.
	// The desk refuses to call it while enquiries are open.
	DeleteChannel(ctx context.Context, id string) error
	// Channel returns a channel by ID: ErrNotFound.
	Channel(ctx context.Context, id string) (Channel, error)
	// ChannelByAccount returns the channel holding (kind, account): ErrNotFound.
	ChannelByAccount(ctx context.Context, kind, account string) (Channel, error)
	// Channels returns every channel, ordered by ID.
	Channels(ctx context.Context) ([]Channel, error)
}

// Arrival is an inbound message on its way into the store.
type Arrival struct {
	// Enquiry is the enquiry to open if (Channel, Customer.ID) has none
	// open; its ID, State and other fields are used only then. Whether
	// the enquiry is new or found, Receive also records from it, without
	// changing the version: Reply (when its Handle is set), ReadOnly,
	// Customer.Name (when set) and LastActivity.
	Enquiry Enquiry
	// Message is appended to the open enquiry. Its ExternalID, when set,
	// de-duplicates per customer: a message of the same (Channel,
	// Customer.ID, ExternalID) seen before changes nothing. The same
	// ExternalID from another customer is another message (see
	// Received.ReusedID).
	Message Message
}

// Received is what Receive did.
type Received struct {
	Enquiry   Enquiry
	Message   Message
	Opened    bool // a new enquiry was opened for this message
	Duplicate bool // the message was seen before; nothing changed
	// ReusedID reports that the message was recorded although its
	// ExternalID was already recorded on the channel for another
	// customer. Platform message IDs are global, so this is a forgery or
	// a fault upstream: the message is kept (as the customer's own, in
	// their enquiry) and the caller should log it. It is reported once,
	// when the message is recorded, never on a Duplicate.
	ReusedID bool
}

// Change is a conditional update of one enquiry.
type Change struct {
	// Enquiry is the new value. The update applies only if the stored
	// version equals Enquiry.Version; the store then increments it. Update
	// writes the lifecycle fields (State, Staff, Invited, Direct, Plan,
	// Step, Ringing, Deadline, Timer, Updated, Closed) and LastActivity
	// when later than the stored one; it never writes the fields Receive
	// owns (Customer, Reply, ReadOnly). A change
	// clears any ClaimDue lease.
	Enquiry Enquiry
	// Transition, when set, is recorded with the change.
	Transition *Transition
	// Append are messages added to the transcript with the change (Seq is
	// assigned by the store, in order).
	Append []Message
}

// Filter selects enquiries. Zero fields do not filter.
type Filter struct {
	Channel  string
	Customer string
	Staff    string
	States   []State
	// Before pages: only enquiries opened before it (newest first).
	Before time.Time
	Limit  int // 0 means 100
}

// EnquiryStore keeps enquiries, their transitions and timers.
type EnquiryStore interface {
	// Receive atomically de-duplicates the message (by channel, customer
	// and external ID), finds or opens the one open enquiry of (channel,
	// customer), and appends the message:
	// never two open enquiries for one customer of a channel.
	Receive(ctx context.Context, a Arrival) (Received, error)
	// Open atomically opens e unless (channel, customer) has one open,
	// in which case it returns that one and false. Used when staff start
	// a conversation.
	Open(ctx context.Context, e Enquiry) (Enquiry, bool, error)
	// Update applies c if the enquiry's version is still c.Enquiry.Version
	// (ErrConflict otherwise) and returns the stored enquiry and messages.
	Update(ctx context.Context, c Change) (Enquiry, []Message, error)
	// Enquiry returns an enquiry by ID: ErrNotFound.
	Enquiry(ctx context.Context, id string) (Enquiry, error)
	// Enquiries returns enquiries matching f, newest opened first.
	Enquiries(ctx context.Context, f Filter) ([]Enquiry, error)
	// Transitions returns an enquiry's transitions, oldest first.
	Transitions(ctx context.Context, id string) ([]Transition, error)
	// ClaimDue returns up to limit open enquiries whose Deadline is at or
	// before now and not claimed by anyone else, and claims them for
	// owner (a desk instance's name) for lease: another caller cannot
	// claim them until the lease ends. A claimant that dies loses
	// nothing: the lease ends and another claims, or EndLeases ends it.
	ClaimDue(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]Enquiry, error)
	// EndLeases ends every lease owner holds: its ClaimDue claims and the
	// delivery leases of its pending outbound messages (Delivery.Owner),
	// which may then be claimed at once. A desk calls it when it starts,
	// to take over at once what a dead process of the same name held.
	// It keeps Delivery.Reply, so the retry uses the same handle. An
	// empty owner ends nothing.
	EndLeases(ctx context.Context, owner string) error
	// TakeReply returns the enquiry's unused reply handle, if any (a
	// zero Reply if none), and clears it, atomically: a reply handle goes
	// to one send at most.
	TakeReply(ctx context.Context, id string) (Reply, error)
	// LastServed returns the staff member who attended the customer's
	// most recently closed enquiry on the channel, and when it closed
	// ("" if none).
	LastServed(ctx context.Context, channel, customer string) (staff string, at time.Time, err error)
	// Engage records that staff started a conversation with the customer.
	Engage(ctx context.Context, channel, customer, staff string, at time.Time) error
	// Engagement returns who last started a conversation with the
	// customer, and when ("" if nobody).
	Engagement(ctx context.Context, channel, customer string) (staff string, at time.Time, err error)
}

// MessageStore keeps transcripts.
type MessageStore interface {
	// Messages returns an enquiry's messages with Seq > after, in order,
	// at most limit (0 means 100): keyset pagination.
	Messages(ctx context.Context, enquiry string, after int64, limit int) ([]Message, error)
	// SetDelivery records an outbound message's delivery state: ErrNotFound.
	SetDelivery(ctx context.Context, id string, d Delivery) error
	// ClaimPending returns up to limit outbound messages still pending
	// whose lease has ended, oldest first, and leases them to owner (a
	// desk instance's name) for lease: Delivery.LeaseUntil and Owner.
	// SetDelivery records Owner and Reply too, and
	// every read returns them.
	ClaimPending(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]Message, error)
	// Unsend marks the customer's inbound message with the channel's
	// externalID as unsent by the customer: ErrNotFound. A message with
	// that ID from another customer is left alone.
	Unsend(ctx context.Context, channel, customer, externalID string) (Message, error)
}
