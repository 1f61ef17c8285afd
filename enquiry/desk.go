package enquiry

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/socialdesk/socialdesk/automsg"
	"github.com/socialdesk/socialdesk/internal/clock"
	"github.com/socialdesk/socialdesk/internal/uuid"
	"github.com/socialdesk/socialdesk/media"
	"github.com/socialdesk/socialdesk/routing"
)

// Config configures a Desk. The zero value of every field but Sender or
// Kinds (one of which is required) means the documented default.
type Config struct {
	// Store keeps everything. Default: NewMemStore().
	Store Store
	// Sender sends to the customers of channels whose kind has no entry
	// in Kinds, with MediaPolicy's rules and batches of DefaultMaxBatch.
	// The desk calls senders only from Run's senders (or Flush and Tick),
	// never from Receive, Send or the other methods, which record what is
	// to be sent and return.
	Sender Sender
	// Kinds gives, per channel kind (Channel.Kind), the connector's
	// sender and its platform's rules: text limit, media policy, batch
	// size and reply window. Either Sender or Kinds is required.
	Kinds map[string]Kind
	// Senders is how many enquiries' messages Run sends at once: a slow
	// send to one customer delays only that customer's next messages
	// while fewer than Senders sends are slow. Default: DefaultSenders.
	Senders int
	// Directory gives staff presence, load and names. Default: nobody is
	// available, so every enquiry is missed.
	Directory Directory
	// Sink receives desk events for live UIs. Default: none.
	Sink Sink
	// Blobs keeps media; needed for staff to send media. Default: none.
	Blobs BlobStore
	// Clock tells the time. Default: the real time.
	Clock Clock
	// Logger logs with channel and enquiry IDs. Default: slog.Default().
	Logger *slog.Logger
	// MediaPolicy judges what staff send on channels served by Sender.
	// Default: the zero media.Policy.
	MediaPolicy media.Policy
	// AutoAssign gives a new enquiry to the first staff member of the
	// routing step at once ("auto pick-up"), without ringing.
	AutoAssign bool
	// AutoClose closes attended enquiries after a silence. Default: off
	// (an enquiry stays open until closed).
	AutoClose AutoClose
	// Bot is called when a routing step hands an enquiry to a bot. The
	// bot answers through Send with a staff ID of its own choosing and
	// calls Handover to pass the enquiry on; if it does not within the
	// step's timeout, routing continues. Default: bot steps are skipped.
	Bot func(ctx context.Context, bot string, e Enquiry) error
	// TickInterval is how often Run checks timers and retries
	// deliveries. New messages do not wait for it: Run sends them at
	// once. Default: 1s.
	TickInterval time.Duration
	// Lease is how long a desk instance holds a claimed timer before
	// another instance may take it over. Default: 30s.
	Lease time.Duration
	// DeliveryLease is how long a desk instance holds an outbound message
	// it is sending before another instance may send it: it must outlast
	// one Sender.Send with all its retries. Default: 2 minutes.
	DeliveryLease time.Duration
	// MaxAttempts bounds delivery attempts of one message before it is
	// marked failed. Default: 10.
	MaxAttempts int
	// MaxInboundText caps the text of a customer's message, in UTF-16
	// code units: a longer text is stored cut to it,
	// between characters, with Content.OriginalLength set to its length,
	// so staff see that it was cut and nothing else about the message is
	// lost. Default: DefaultMaxInboundText.
	MaxInboundText int
	// Instance names this desk instance: the owner of the leases it takes
	// on timers and deliveries. When Run starts it ends the leases its
	// name holds (Store.EndLeases), so a process restarted under the name
	// of a dead one (a pod's stable name, "host:port") resumes that one's
	// unfinished sends and timers at once, instead of after Lease or
	// DeliveryLease; a send cut off mid-request is retried with the same
	// retry key and reply handle. Instances that run at the same time must
	// never share a name: each would take over the other's work in
	// progress. Default: a new random name, so a restart waits for the
	// leases to run out.
	Instance string
}

// DefaultMaxInboundText is the default Config.MaxInboundText, 5,000: more
// than the platforms' own limits on a text a customer sends. A longer one
// did not come from their apps, and a whole megabyte of it would only slow
// the store and every console that shows it.
const DefaultMaxInboundText = 5000

// AutoClose closes an attended enquiry after After of silence (no message
// either way), sending Warning's text Before the close. Zero After means off.
type AutoClose struct {
	After   time.Duration
	Before  time.Duration // when to warn, before closing; 0 means no warning
	Warning string        // default: DefaultAutoCloseWarning
}

// DefaultAutoCloseWarning is the text sent before an auto-close.
const DefaultAutoCloseWarning = "This conversation will be closed soon because there has been no reply. Send us a message to keep it open."

// Desk runs enquiries: it receives customer messages, routes them to
// staff, drives ring timeouts, sends auto-messages and staff messages, and
// records everything in the Store. It is safe for concurrent use, and
// several Desk instances (in one process or many) may share one Store.
type Desk struct {
	store       Store
	sender      Sender
	kinds       map[string]Kind
	dir         Directory
	sink        Sink
	blobs       BlobStore
	clock       Clock
	log         *slog.Logger
	policy      media.Policy
	autoAssign  bool
	autoClose   AutoClose
	bot         func(ctx context.Context, bot string, e Enquiry) error
	tick        time.Duration
	lease       time.Duration
	sendLease   time.Duration
	nsenders    int
	maxAttempts int
	maxText     int
	instance    string

	chmu  sync.RWMutex // every Receive reads chans; a change of channel writes it
	chans map[string]*deskChannel

	outbox *outbox // what is recorded to send, for Run's senders (outbox.go)

	readMu sync.Mutex
	marked map[string]string // enquiry ID → read token last marked (reads.go)
}

// deskChannel is a channel with its compiled settings; the routing rule
// value is kept between decisions so round-robin and percentage counters
// carry on.
type deskChannel struct {
	ch      Channel
	msgs    *automsg.Compiled
	fetched time.Time
}

const (
	channelCacheTTL = time.Second
	// routeGrace is how long a new enquiry waits for the desk that opened
	// it to route it before any desk instance's timer loop does.
	routeGrace = 5 * time.Second
)

type nobody struct{}

func (nobody) Staff(string) (routing.Staff, bool) { return routing.Staff{}, false }
func (nobody) Name(string) (automsg.Staff, bool)  { return automsg.Staff{}, false }
func (nobody) Publish(Notice)                     {}

// ErrNoSender is returned by New when Config has neither a Sender nor
// Kinds, or a Kind without a Sender.
var ErrNoSender = errors.New("enquiry: Config.Sender or Config.Kinds (each with a Sender) is required")

// New returns a desk. It does no I/O; call Run to send messages and drive
// timers.
func New(cfg Config) (*Desk, error) {
	if cfg.Sender == nil && len(cfg.Kinds) == 0 {
		return nil, ErrNoSender
	}
	kinds := make(map[string]Kind, len(cfg.Kinds))
	for name, k := range cfg.Kinds {
		if k.Sender == nil {
			return nil, fmt.Errorf("%w (kind %q has none)", ErrNoSender, name)
		}
		if k.MaxBatch <= 0 {
			k.MaxBatch = DefaultMaxBatch
		}
		kinds[name] = k
	}
	d := &Desk{
		store: cfg.Store, sender: cfg.Sender, kinds: kinds, dir: cfg.Directory, sink: cfg.Sink, blobs: cfg.Blobs,
		clock: cfg.Clock, log: cfg.Logger, policy: cfg.MediaPolicy, autoAssign: cfg.AutoAssign,
		autoClose: cfg.AutoClose, bot: cfg.Bot, tick: cfg.TickInterval, lease: cfg.Lease, sendLease: cfg.DeliveryLease,
		maxAttempts: cfg.MaxAttempts, maxText: cfg.MaxInboundText, instance: cfg.Instance, nsenders: cfg.Senders,
		chans: map[string]*deskChannel{}, outbox: newOutbox(),
	}
	if d.store == nil {
		d.store = NewMemStore()
	}
	if d.dir == nil {
		d.dir = nobody{}
	}
	if d.sink == nil {
		d.sink = nobody{}
	}
	if d.clock == nil {
		d.clock = clock.Real{}
	}
	if d.nsenders <= 0 {
		d.nsenders = DefaultSenders
	}
	if d.log == nil {
		d.log = slog.Default()
	}
	if d.tick <= 0 {
		d.tick = time.Second
	}
	if d.lease <= 0 {
		d.lease = 30 * time.Second
	}
	if d.sendLease <= 0 {
		d.sendLease = 2 * time.Minute
	}
	if d.maxAttempts <= 0 {
		d.maxAttempts = 10
	}
	if d.maxText <= 0 {
		d.maxText = DefaultMaxInboundText
	}
	if d.instance == "" {
		d.instance = uuid.New()
	}
	if d.autoClose.Warning == "" {
		d.autoClose.Warning = DefaultAutoCloseWarning
	}
	return d, nil
}

// Store returns the desk's store, for queries the desk does not wrap.
func (d *Desk) Store() Store { return d.store }

// channel returns a channel with its compiled auto-messages, from a
// short-lived cache so the hot path does not reread it for every message.
func (d *Desk) channel(ctx context.Context, id string) (*deskChannel, error) {
	now := d.clock.Now()
	d.chmu.RLock()
	c := d.chans[id]
	d.chmu.RUnlock()
	if c != nil && now.Sub(c.fetched) < channelCacheTTL {
		return c, nil
	}
	ch, err := d.store.Channel(ctx, id)
	if err != nil {
		return nil, err
	}
	if c != nil && c.ch.Updated.Equal(ch.Updated) && c.ch.State == ch.State {
		ch.Routing = c.ch.Routing // keep the rule value and its counters
	}
	msgs, err := ch.AutoMessages.Compile()
	if err != nil {
		return nil, fmt.Errorf("enquiry: channel %s has invalid auto-messages: %w", id, err)
	}
	n := &deskChannel{ch: ch, msgs: msgs, fetched: now}
	d.chmu.Lock()
	d.chans[id] = n
	d.chmu.Unlock()
	return n, nil
}

func (d *Desk) forget(id string) {
	d.chmu.Lock()
	delete(d.chans, id)
	d.chmu.Unlock()
}

// publish sends an event with copies of e and m: the sink's readers must
// never share memory with the desk's working values.
func (d *Desk) publish(kind NoticeKind, channel string, e *Enquiry, m *Message) {
	if d.sink == (nobody{}) {
		return
	}
	ev := Notice{Kind: kind, Channel: channel, At: d.clock.Now()}
	if e != nil {
		c := e.clone()
		ev.Enquiry = &c
	}
	if m != nil {
		c := m.clone()
		ev.Message = &c
	}
	d.sink.Publish(ev)
}

// capText cuts c's Text to the desk's limit, recording its length in
// OriginalLength (the larger, if a connector had cut it already).
func (d *Desk) capText(c Content) Content {
	if len(c.Text) <= d.maxText { // bytes ≥ UTF-16 units: within the limit
		return c
	}
	if n := media.UTF16Len(c.Text); n > d.maxText {
		c.Text = media.CutText(c.Text, d.maxText)
		c.OriginalLength = max(c.OriginalLength, n)
	}
	return c
}

// Receive records a customer message. It finds or opens the one open
// enquiry of (channel, customer) atomically; a new enquiry is routed to
// staff and gets the Welcome message (if on). Receive never waits for the
// platform: the Welcome, and the Away message when nobody can answer, are
// recorded as pending and sent by Run's senders, woken at once, so a slow
// platform never delays intake. A message seen before (same
// customer and ExternalID) changes nothing and is reported as Duplicate.
// A text longer than Config.MaxInboundText is recorded cut to it, with
// Content.OriginalLength set. A message whose ExternalID another customer
// of the channel already used is recorded as this customer's and
// reported as ReusedID; the desk does not log it: the connector, which
// knows the platform's event, does.
//
// On a suspended channel the message is recorded and a new enquiry goes
// straight to the missed queue; nothing is sent and nobody is rung.
func (d *Desk) Receive(ctx context.Context, in Inbound) (Received, error) {
	if in.Customer.ID == "" {
		return Received{}, invalid("customer", "a message needs a customer ID", nil)
	}
	c, err := d.channel(ctx, in.Channel)
	if err != nil {
		return Received{}, err
	}
	now := d.clock.Now()
	at := in.Time
	if at.IsZero() {
		at = now
	}
	tmpl := Enquiry{
		ID: uuid.NewOrdered(), Channel: in.Channel, Customer: in.Customer, State: Ringing,
		Opened: now, Updated: now, LastActivity: at, ReadOnly: in.ReadOnly,
		// Should this desk fail before routing it, another takes over.
		Timer: RouteTimer, Deadline: now.Add(routeGrace),
	}
	if in.ReplyHandle != "" && !in.ReadOnly {
		tmpl.Reply = Reply{Handle: in.ReplyHandle, At: at}
	}
	msg := Message{
		ID: uuid.NewOrdered(), Direction: In, Author: Author{Kind: AuthorCustomer, ID: in.Customer.ID},
		Time: at, Content: d.capText(in.Content), ExternalID: in.ExternalID,
	}
	if q := in.Content.Quote; q != nil {
		// The connector says which platform message it quotes; what that
		// is, the desk looks up (quotes).
		msg.Content.Quote = &Quote{ExternalID: q.ExternalID}
	}
	r, err := d.store.Receive(ctx, Arrival{Enquiry: tmpl, Message: msg})
	if err != nil {
		return r, err
	}
	if r.Duplicate {
		if r.Enquiry.Timer == RouteTimer && r.Enquiry.State == Ringing {
			// The desk that recorded it died before routing it (the
			// connector redelivers what it could not finish): route it
			// now rather than at the route timer.
			if e, err := d.start(ctx, c, r.Enquiry); err == nil {
				r.Enquiry = e
			}
		}
		return r, nil
	}
	if r.Opened {
		d.publish(EnquiryOpened, in.Channel, &r.Enquiry, nil)
	}
	if err := d.quotes(ctx, r.Enquiry.ID, []Message{r.Message}); err != nil {
		d.log.WarnContext(ctx, "looking up what a message quotes failed", "channel", in.Channel, "enquiry", r.Enquiry.ID, "err", err)
	}
	d.publish(MessageAdded, in.Channel, &r.Enquiry, &r.Message)
	if r.Opened {
		e, err := d.start(ctx, c, r.Enquiry)
		if err != nil {
			// The message is recorded; the route timer lets any desk
			// instance finish the job, so the caller need not retry.
			d.log.ErrorContext(ctx, "routing a new enquiry failed", "channel", in.Channel, "enquiry", r.Enquiry.ID, "err", err)
			return r, nil
		}
		r.Enquiry = e
	}
	return r, nil
}
