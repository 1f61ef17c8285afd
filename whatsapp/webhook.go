package whatsapp

import (
	"cmp"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/inbox"
	"github.com/socialdesk/socialdesk/internal/clock"
	"github.com/socialdesk/socialdesk/internal/later"
)

// Desk is what the webhook's workers hand customers' messages to;
// *enquiry.Desk implements it. Its methods must be safe for concurrent use
// and idempotent for a repeated ExternalID (the workers may repeat a call
// after a crash or a failed acknowledgement).
type Desk interface {
	Receive(ctx context.Context, in enquiry.Inbound) (enquiry.Received, error)
	// Completer settles media content fetched after Receive (names
	// come with the messages: SetCustomerName is never called).
	enquiry.Completer
	// DeliveryStatus records what the platform said became of a sent
	// message, named by the receipt's request ID.
	DeliveryStatus(ctx context.Context, channel, customer string, s enquiry.StatusReport) error
}

var _ Desk = (*enquiry.Desk)(nil)

// WebhookConfig configures a Webhook. Apps, Events and Desk are required;
// every other zero field means its documented default.
type WebhookConfig struct {
	// Apps finds a channel's app secret and verify token.
	Apps Apps
	// Events is the durable inbox: every message and status is recorded
	// here before the webhook answers Meta, and marked done once the desk
	// has it. enquiry.MemStore and enquiry/postgres are inboxes. It may be
	// shared with other connectors: the workers handle only the events of
	// channels Apps knows (inbox.Only); give the others' workers a store
	// that leaves these channels out.
	Events inbox.Store
	// Desk receives the customers' messages and the statuses.
	Desk Desk
	// Content downloads customers' media; with Blobs, where it is kept.
	// When either is nil, media are recorded as unsupported ("content
	// download is not configured").
	Content *Client
	Blobs   enquiry.BlobStore
	// Channels tells a channel's phone number and token, for downloads
	// (enquiry.Store and *enquiry.Desk implement it); needed with Content.
	Channels enquiry.ChannelLookup
	// Fetchers is how many media downloads run at once, off the
	// customers' queues (default DefaultFetchers).
	Fetchers int
	// ChannelID, MaxBodyBytes and ReadTimeout are IntakeConfig's.
	ChannelID    func(r *http.Request) string
	MaxBodyBytes int64
	ReadTimeout  time.Duration
	// Inbox configures the workers (see inbox.Options); its
	// RetryInterval is also the fetchers' pause after a miss. Its Logger
	// and Clock are the webhook's.
	Inbox inbox.Options
	// Logger receives structured logs (default slog.Default()), never a
	// secret or a message's text.
	Logger *slog.Logger
	// Clock stamps arrivals (default the real time).
	Clock enquiry.Clock
}

// Webhook receives WhatsApp's webhook requests for many channels and hands
// what they carry to the desk, in the same shape as line.Webhook: the
// intake (an Intake) verifies each body and appends its messages and
// statuses to the durable inbox before answering, so nothing accepted is
// lost; Run's workers (package inbox) hand each customer's events, in
// order, to the desk. A redelivered message or status (same ID) is dropped
// by the inbox and changes nothing. It is an http.Handler, safe for
// concurrent use.
type Webhook struct {
	intake   *Intake
	events   inbox.Store
	desk     Desk
	content  *Client
	blobs    enquiry.BlobStore
	channels enquiry.ChannelLookup
	log      *slog.Logger
	inbox    *inbox.Workers

	fetching // the media downloads, off the customers' queues (later.go)
}

// NewWebhook returns a Webhook for cfg. It does no I/O. It panics if
// cfg.Apps, cfg.Events or cfg.Desk is nil: a wiring mistake.
func NewWebhook(cfg WebhookConfig) *Webhook {
	if cfg.Apps == nil || cfg.Events == nil || cfg.Desk == nil {
		panic("whatsapp: NewWebhook needs WebhookConfig.Apps, Events and Desk")
	}
	// The store may be shared with other connectors' webhooks: these
	// workers take only the events of channels Apps knows.
	events := inbox.Only(cfg.Events, func(channel string) bool {
		_, err := cfg.Apps.App(context.Background(), channel)
		return err == nil
	})
	w := &Webhook{events: events, desk: cfg.Desk, content: cfg.Content, blobs: cfg.Blobs, channels: cfg.Channels,
		log: cmp.Or(cfg.Logger, slog.Default()), fetching: fetching{clock: clock.Or(cfg.Clock), sleep: clock.Sleep}}
	if w.channels == nil {
		w.content = nil
	}
	w.intake = NewIntake(IntakeConfig{Apps: cfg.Apps, Recorder: recorder{w}, ChannelID: cfg.ChannelID,
		MaxBodyBytes: cfg.MaxBodyBytes, ReadTimeout: cfg.ReadTimeout, Logger: w.log, Clock: cfg.Clock})
	opts := cfg.Inbox
	opts.Logger, opts.Clock = w.log, cfg.Clock
	w.inbox = inbox.New(events, w.handle, opts)
	w.later = w.newLater(cfg.Fetchers, 0, opts.RetryInterval)
	w.run = later.NewRunner(w.inbox, w.later)
	return w
}

// ServeHTTP answers one request as Intake.ServeHTTP does: GET is the
// verification handshake; a POSTed body is verified, parsed and recorded
// in the inbox (500 when it cannot be, so Meta redelivers) before the 200.
func (w *Webhook) ServeHTTP(rw http.ResponseWriter, r *http.Request) { w.intake.ServeHTTP(rw, r) }

// Run hands recorded events to the desk until ctx is done or Shutdown
// has drained the queue (see inbox.Workers.Run). It also runs the
// downloads of customers' media (WebhookConfig.Fetchers), first of
// content a previous process left pending (see RefetchWindow). It
// returns inbox.ErrRunning when already running.
func (w *Webhook) Run(ctx context.Context) error { return w.run.Run(ctx) }

// Shutdown stops queueing new events (they are still recorded), waits
// until the queued ones are handled and the media they download are in,
// or ctx is done, and makes Run return. It returns ctx.Err() if ctx
// ended first; content still downloading then stays pending, and the
// next start fetches it again.
func (w *Webhook) Shutdown(ctx context.Context) error { return w.run.Shutdown(ctx) }

// event is an inbox payload: one message or one status. It holds the
// message's or status's JSON as Meta sent it (its Raw) and, of a message,
// what the rest of the body said: its ID (derived, or told apart from
// another message's) and its sender's profile name; readEvent parses it
// again. Records of versions before issue 20 hold the parsed Message or
// Status instead, which readEvent reads as they are.
type event struct {
	Message *Message `json:"message,omitempty"`
	Status  *Status  `json:"status,omitempty"`

	ID          string          `json:"id,omitempty"`
	ProfileName string          `json:"profile_name,omitempty"`
	RawMessage  json.RawMessage `json:"raw_message,omitempty"`
	RawStatus   json.RawMessage `json:"raw_status,omitempty"`
}

// readEvent reads an inbox payload of either form into its Message or
// Status.
func readEvent(payload []byte) (event, error) {
	var e event
	if err := json.Unmarshal(payload, &e); err != nil {
		return event{}, err
	}
	switch {
	case e.RawMessage != nil:
		m := parseMessage(e.RawMessage)
		m.ID, m.ProfileName = e.ID, e.ProfileName
		e.Message = &m
	case e.RawStatus != nil:
		s := parseStatus(e.RawStatus)
		e.Status = &s
	}
	return e, nil
}

// messagePayload and statusPayload are the payloads of a message and a
// status, written without reflection: their Raw is valid JSON already.
func messagePayload(m *Message) []byte {
	b := make([]byte, 0, len(`{"id":,"profile_name":,"raw_message":}`)+len(m.ID)+len(m.ProfileName)+len(m.Raw)+8)
	b = append(b, `{"id":`...)
	b = appendString(b, m.ID)
	b = append(b, `,"profile_name":`...)
	b = appendString(b, m.ProfileName)
	b = append(b, `,"raw_message":`...)
	b = append(b, m.Raw...)
	return append(b, '}')
}

func statusPayload(s *Status) []byte {
	b := make([]byte, 0, len(`{"raw_status":}`)+len(s.Raw))
	b = append(b, `{"raw_status":`...)
	b = append(b, s.Raw...)
	return append(b, '}')
}

// appendString appends s as a JSON string: as it is between quotes when
// it is UTF-8 without quotes, backslashes or control characters (IDs and
// names nearly always are), else as encoding/json writes it.
func appendString(b []byte, s string) []byte {
	plain := utf8.ValidString(s)
	for i := 0; plain && i < len(s); i++ {
		plain = s[i] >= 0x20 && s[i] != '"' && s[i] != '\\'
	}
	if plain {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	q, _ := json.Marshal(s) // a string always encodes
	return append(b, q...)
}

// recorder appends a notification's messages and statuses to the inbox.
type recorder struct{ w *Webhook }

// Record implements Recorder: a message's event ID is its message ID, a
// status's "status:" and its EventID; both are keyed by the customer.
func (r recorder) Record(ctx context.Context, channel string, n Notification, received time.Time) error {
	var evs []inbox.Record
	for _, c := range n.Changes {
		for i := range c.Messages {
			m := &c.Messages[i]
			evs = append(evs, inbox.Record{Channel: channel, ID: m.ID, Key: m.From, Received: received, Payload: messagePayload(m)})
		}
		for i := range c.Statuses {
			s := &c.Statuses[i]
			evs = append(evs, inbox.Record{Channel: channel, ID: "status:" + s.EventID(), Key: s.RecipientID, Received: received, Payload: statusPayload(s)})
		}
	}
	if len(evs) == 0 {
		return nil
	}
	fresh, err := r.w.events.AppendEvents(ctx, evs)
	if err != nil {
		return err
	}
	r.w.inbox.Offer(fresh)
	return nil
}
