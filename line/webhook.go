package line

import (
	"cmp"
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/inbox"
	"github.com/socialdesk/socialdesk/internal/clock"
	"github.com/socialdesk/socialdesk/internal/hookbody"
	"github.com/socialdesk/socialdesk/internal/later"
)

// Defaults for WebhookConfig's zero fields.
const (
	DefaultMaxBodyBytes = hookbody.DefaultMaxBytes // 1 MiB; LINE's bodies are far smaller
	DefaultReadTimeout  = hookbody.DefaultTimeout  // 10 s
)

// WebhookConfig configures a Webhook. Channels, Events and Desk are
// required; every other zero field means its documented default.
type WebhookConfig struct {
	// Channels finds the channel a request is for (its secret, its state).
	Channels enquiry.ChannelLookup
	// Events is the durable inbox: every event is recorded here before
	// the webhook answers, and marked done once the desk has it.
	// enquiry.MemStore and enquiry/postgres are inboxes.
	Events inbox.Store
	// Desk receives the customers' messages and notes.
	Desk Desk
	// Content downloads media and looks up customers' names, off the
	// customer's queue (see Fetchers). When nil, images, videos and
	// audio are recorded as unsupported ("content download is not
	// configured") and customers have no name.
	Content ContentFetcher
	// Blobs keeps downloaded media (needed when Content is set).
	Blobs enquiry.BlobStore
	// ChannelID extracts the channel ID from a request. The default is
	// r.PathValue("channel"), for a route like "POST /webhook/line/{channel}".
	ChannelID func(r *http.Request) string
	// MaxBodyBytes limits a request body (default 1 MiB); larger → 413,
	// at once when the declared Content-Length is larger, otherwise as
	// soon as more arrives.
	MaxBodyBytes int64
	// ReadTimeout is how long reading one request's body may take, from
	// when the webhook starts handling the request (default 10 s; LINE
	// sends its small bodies at once). A body not received in time is
	// answered 408 and its connection closed. The webhook sets the
	// connection's read deadline itself (http.ResponseController), which
	// replaces the http.Server's; when the server's ReadTimeout is
	// shorter, the webhook uses that instead, so it never extends it.
	// With a ResponseWriter that has no read deadlines
	// (httptest.ResponseRecorder), the body is read without one.
	ReadTimeout time.Duration
	// Fetchers is how many names and contents are fetched at once, off
	// the customers' queues, as the package doc tells (default
	// DefaultFetchers).
	Fetchers int
	// Inbox configures the workers; inbox.Options documents each field
	// and its default: how many events are processed at once, how many
	// wait in memory, how often those that failed for now are tried again
	// (also the fetchers' pause after a miss), how long processed events
	// are remembered to drop LINE's redeliveries, and this process's name
	// among replicas sharing Events (never shared by two). Its Logger and
	// Clock are the webhook's.
	Inbox inbox.Options
	// Logger receives structured logs (default slog.Default()). Logs
	// carry channel and event IDs, never secrets or message text.
	Logger *slog.Logger
	// Clock stamps events' arrival (default the real time).
	Clock enquiry.Clock
}

// Webhook receives LINE's webhook requests for many channels and hands
// their events to the desk. It is an http.Handler; Run processes the
// recorded events. It is safe for concurrent use.
type Webhook struct {
	cfg     WebhookConfig // as given, ChannelID defaulted
	log     *slog.Logger
	clock   enquiry.Clock
	workers *inbox.Workers
	later   *later.Queue  // the look-ups of names and content
	run     *later.Runner // the workers and the look-ups' fetchers
	// sleep waits between attempts; tests replace it.
	sleep func(ctx context.Context, d time.Duration) error
}

// NewWebhook returns a Webhook for cfg. It does no I/O. It panics if
// cfg.Channels, cfg.Events or cfg.Desk is nil: that is a wiring mistake,
// better found at start than on LINE's first request.
func NewWebhook(cfg WebhookConfig) *Webhook {
	if cfg.Channels == nil || cfg.Events == nil || cfg.Desk == nil {
		panic("line: NewWebhook needs WebhookConfig.Channels, Events and Desk")
	}
	w := &Webhook{cfg: cfg, log: cmp.Or(cfg.Logger, slog.Default()), clock: clock.Or(cfg.Clock), sleep: clock.Sleep}
	if w.cfg.ChannelID == nil {
		w.cfg.ChannelID = func(r *http.Request) string { return r.PathValue("channel") }
	}
	opts := cfg.Inbox
	opts.Logger, opts.Clock = w.log, w.clock
	w.workers = inbox.New(cfg.Events, w.process, opts)
	w.later = w.newLater(0)
	w.run = later.NewRunner(w.workers, w.later)
	return w
}

// ServeHTTP answers one webhook request. It first sets the read deadline
// for the body (ReadTimeout), then decides all it can from the request's
// head, without reading the body, in this order: a method other than POST
// → 405; a declared Content-Length over MaxBodyBytes → 413; an unknown
// channel → 404 (500 if looking it up fails); no X-Line-Signature → 401.
// Each of these answers closes the connection when the request has a
// body, so a client that never sends it holds nothing. Then it reads the
// body: more than MaxBodyBytes → 413; not received within ReadTimeout →
// 408; cut off or otherwise unreadable → 400 (the last three close the
// connection too). Then, from the bytes read: a wrong signature → 401
// (the response does not say how it is wrong); a body that is not a
// webhook body → 400 (the response never quotes it); the store failing
// to record → 500, so LINE redelivers; otherwise 200, after every event
// is recorded. A suspended channel's events are recorded too (the desk
// keeps them and sends nothing). LINE's verification request (no events)
// gets 200.
func (w *Webhook) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	b, ok := hookbody.Begin(rw, r, hookbody.Limits{MaxBytes: w.cfg.MaxBodyBytes, Timeout: w.cfg.ReadTimeout})
	if !ok {
		return
	}
	ctx, id := r.Context(), w.cfg.ChannelID(r)
	signed := hookbody.Signed{Header: SignatureHeader, NotFound: enquiry.ErrNotFound, Verify: VerifySignature,
		Service: "line webhook", Channel: id, Log: w.log}
	ch, err := w.cfg.Channels.Channel(ctx, id)
	if !b.Found(err, signed) {
		return
	}
	body, ok := b.Verified(ch.Credentials.Secret.Reveal(), signed)
	if !ok {
		return
	}
	batch, err := ParseEvents(body)
	if err != nil {
		http.Error(rw, "malformed webhook body", http.StatusBadRequest)
		return
	}
	if len(batch.Events) == 0 {
		rw.WriteHeader(http.StatusOK) // LINE's verification request
		return
	}
	if ch.Account != "" && batch.Destination != "" && batch.Destination != ch.Account {
		w.log.WarnContext(ctx, "line webhook: destination is not the channel's account; check the webhook URL",
			"channel", ch.ID, "destination", batch.Destination, "account", ch.Account)
	}
	now := w.clock.Now()
	records := make([]inbox.Record, len(batch.Events))
	for i := range batch.Events {
		e := &batch.Events[i]
		records[i] = inbox.Record{Channel: ch.ID, ID: e.ID, Key: e.Key(), Received: now, Payload: e.Raw}
	}
	fresh, err := w.cfg.Events.AppendEvents(ctx, records)
	if err != nil {
		w.log.ErrorContext(ctx, "line webhook: recording events failed; LINE will redeliver", "channel", ch.ID, "events", len(records), "err", err)
		http.Error(rw, "cannot record events", http.StatusInternalServerError)
		return
	}
	rw.WriteHeader(http.StatusOK)
	w.workers.Offer(fresh)
}

// Run processes recorded events until ctx is done or Shutdown has
// drained the queue, as inbox.Workers.Run does (whose doc says what
// several replicas sharing one inbox may expect): first what a previous
// process left pending, then each new event after its webhook request is
// answered, a customer's events in order. It also runs the fetchers of
// names and content (WebhookConfig.Fetchers), first for content a
// previous process left pending (see RefetchWindow). It returns
// inbox.ErrRunning if called while running. An event handed over twice (a
// replica stalled past its lease, say) reaches Desk.Receive, which drops
// a repeated message; a Notice may then appear twice.
func (w *Webhook) Run(ctx context.Context) error { return w.run.Run(ctx) }

// Shutdown stops queueing new events (they are still recorded and
// answered, and the next start processes them), waits until the queued
// ones are processed and the names and contents they fetch are in, or
// ctx is done, and then makes Run return. It returns ctx.Err() if ctx
// ended first; content still being fetched then stays pending, and the
// next start fetches it again.
func (w *Webhook) Shutdown(ctx context.Context) error { return w.run.Shutdown(ctx) }
