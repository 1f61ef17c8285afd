// Package later fetches, off the customer's queue, what a connector
// learns about a customer message after the desk has recorded it: the
// customer's display name and the message's media content. The
// connector records the message at once (under the customer's ID, media
// with its content pending) and offers the look-ups to a Queue, whose
// bounded set of fetchers do them, so a slow profile API or a content
// URL that never answers holds up nothing the customer sends after. Each
// fetch is retried a bounded number of times; content then gives up as
// "content unavailable".
//
// A fetch in flight when the process stops is not lost: the message stays
// pending in the store, and when Run starts it reads the messages still
// pending (Desk.PendingContent) and fetches again those received within
// RefetchWindow; older ones, whose content the platform may no longer
// keep, are marked unavailable (Reasons.Lost). The same read runs again
// after a fetch did not fit in the queue, so nothing waits for a restart.
// With several replicas, one that starts may fetch again what another is
// fetching: the first result recorded wins and the other changes nothing.
package later

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/inbox"
	"github.com/socialdesk/socialdesk/internal/backoff"
	"github.com/socialdesk/socialdesk/internal/clock"
	"github.com/socialdesk/socialdesk/internal/retry"
	"github.com/socialdesk/socialdesk/internal/ttlcache"
	"github.com/socialdesk/socialdesk/media"
)

const (
	// DefaultFetchers is Config.Fetchers' default: fetchers mostly
	// wait on the platform, so 16 keep 60 new customers' names, each
	// looked up in 3 s on a slow platform, within about 12 s.
	DefaultFetchers = 16
	// RefetchWindow is how old a message still pending at start may be
	// for its content to be fetched again; older ones are marked
	// unavailable.
	RefetchWindow = 24 * time.Hour
	// DefaultQueue is how many fetches may wait for a fetcher, and how
	// many pending messages a sweep reads at most.
	DefaultQueue = 1000
	nameAttempts = 3
	// contentAttempts bounds the attempts of one content fetch that
	// failed for now (a timeout, a 5xx), each already bounded by the
	// client's timeout and its own retries. Content the platform says
	// it is still preparing (Config.NotReady) is asked for again until
	// contentWait has passed instead.
	contentAttempts = 4
	contentMaxStep  = 30 * time.Second
	contentWait     = 3 * time.Minute
	// nameTTL is how long a name looked up is remembered (Known), so a
	// conversation costs one profile lookup, not one per message.
	nameTTL = time.Hour
)

// nameBackoff waits between profile look-ups.
var nameBackoff = backoff.Policy{Base: time.Second, Max: 10 * time.Second}

// contentBackoff waits between content fetches: doubling from a second,
// at most contentMaxStep, while the waits total at most contentWait.
var contentBackoff = backoff.Policy{Base: time.Second, Max: contentMaxStep}

// Source says where a pending message's content is: ExternalID is the
// platform's message ID, Kind "image", "video" or "audio", URL, when
// set, where an external provider keeps it, and PlatformID, when set,
// the platform's own ID of the content (enquiry.MediaRef.PlatformID),
// for connectors that fetch it by ID.
type Source struct {
	ExternalID, Kind, URL, PreviewURL string
	PlatformID                        string
	Duration                          time.Duration
}

// Reasons are the words for staff when content cannot be had.
type Reasons struct {
	Failed   string // the platform did not give it
	External string // the external provider (Source.URL) did not give it
	NotReady string // the platform did not prepare it in time
	Lost     string // still pending at start, older than RefetchWindow (default ReasonLost)
}

// ReasonLost is Reasons.Lost's default.
const ReasonLost = "The content was not downloaded in time: the desk restarted while fetching it."

// Config configures a Queue. Desk and Channels are required; without
// Name no names are looked up, and without Content no content is fetched.
type Config struct {
	// Desk receives what is fetched, and tells what is still pending.
	Desk enquiry.Completer
	// Channels finds a fetch's channel (its credentials, its kind);
	// enquiry.Store and *enquiry.Desk implement it.
	Channels enquiry.ChannelLookup
	// Kind is the channel kind whose pending content the queue fetches;
	// content of channels of other kinds is left to their connectors.
	// A channel with no Kind counts as Kind, unless StrictKind: a
	// connector that is not the desk's default (LINE's) sets it, so that
	// it leaves the default's channels alone.
	Kind       string
	StrictKind bool
	// Name looks a customer's display name up ("" when the platform has
	// none); the queue cuts it to enquiry.MaxCustomerName and remembers
	// each for an hour (Known).
	Name func(ctx context.Context, ch enquiry.Channel, customer string) (string, error)
	// Content stores a message's content in the blob store under key
	// ("<Kind>/<channel ID>/<ExternalID>") and returns its reference; a *media.Error means it was refused,
	// an error matching NotReady that the platform is still preparing
	// it, another retryable error (internal/retry) to try again.
	Content  func(ctx context.Context, ch enquiry.Channel, src Source, key string) (enquiry.MediaRef, error)
	NotReady error
	Reasons  Reasons
	// Fetchers is how many fetches run at once (default
	// DefaultFetchers); Queue how many may wait (default DefaultQueue).
	Fetchers, Queue int
	// Pause is the wait after a read of pending content failed or a
	// fetch did not fit, before reading again (default the inbox's
	// retry interval, inbox.DefaultRetryInterval).
	Pause time.Duration
	// Sleep waits between attempts (default a timer); tests replace it.
	Sleep func(ctx context.Context, d time.Duration) error
	Clock clock.Clock
	// Logger receives what went wrong, each message prefixed with
	// "<Kind> webhook: ".
	Logger *slog.Logger
}

// fetch is one look-up: a customer's name, or the content of a message
// (the desk's ID) whose content is pending.
type fetch struct {
	channel, customer string
	message           string // "" for a name
	src               Source
}

func (f fetch) id() string {
	if f.message == "" {
		return "name\x00" + f.channel + "\x00" + f.customer
	}
	return "content\x00" + f.message
}

// Queue runs the look-ups. It is safe for concurrent use.
type Queue struct {
	cfg     Config
	service string // prefixes log messages
	queue   chan fetch
	names   *ttlcache.Cache[[2]string, string] // names looked up, for nameTTL

	mu       sync.Mutex
	inflight map[string]struct{} // fetches queued or running, by id
	missed   bool                // a content fetch did not fit: read the store again
	idle     chan struct{}       // closed while inflight is empty
	kick     chan struct{}       // wakes the sweeper after a miss
}

// New returns a Queue for cfg. It does no I/O; Run starts the fetchers.
func New(cfg Config) *Queue {
	if cfg.Fetchers <= 0 {
		cfg.Fetchers = DefaultFetchers
	}
	if cfg.Queue <= 0 {
		cfg.Queue = DefaultQueue
	}
	if cfg.Sleep == nil {
		cfg.Sleep = clock.Sleep
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	cfg.Pause = cmp.Or(max(cfg.Pause, 0), inbox.DefaultRetryInterval)
	cfg.Reasons.Lost = cmp.Or(cfg.Reasons.Lost, ReasonLost)
	cfg.Clock = clock.Or(cfg.Clock)
	q := &Queue{service: cfg.Kind + " webhook", cfg: cfg, queue: make(chan fetch, cfg.Queue), names: ttlcache.New[[2]string, string](4096), inflight: map[string]struct{}{},
		idle: make(chan struct{}), kick: make(chan struct{}, 1)}
	close(q.idle)
	return q
}

// Name queues a look-up of the customer's display name, unless one is
// queued or running. A name that does not fit is looked up with the
// customer's next message. It never blocks.
func (q *Queue) Name(channel, customer string) {
	if q.cfg.Name != nil {
		q.offer(fetch{channel: channel, customer: customer})
	}
}

// Known returns the customer's display name if the queue looked it up,
// or was told it (Remember), within the hour; "" is a name too: the
// platform has none. A connector records the customer's next messages
// under it without looking it up again.
func (q *Queue) Known(channel, customer string) (string, bool) {
	return q.names.Get([2]string{channel, customer}, q.cfg.Clock.Now())
}

// Remember records a display name the connector learnt otherwise (the
// desk had it), as Known's for the hour.
func (q *Queue) Remember(channel, customer, name string) {
	q.names.Put([2]string{channel, customer}, name, q.cfg.Clock.Now().Add(nameTTL))
}

// Forget drops what Known has of the customer's name (the customer
// blocked the account, say).
func (q *Queue) Forget(channel, customer string) { q.names.Forget([2]string{channel, customer}) }

// Content queues a fetch of the content of the desk's message, unless
// one is queued or running. Content that does not fit stays pending in
// the store, and the queue reads it again after a pause. It never blocks.
func (q *Queue) Content(channel, customer, message string, src Source) {
	if q.cfg.Content == nil {
		return
	}
	q.offer(fetch{channel: channel, customer: customer, message: message, src: src})
}

func (q *Queue) offer(j fetch) {
	q.mu.Lock()
	defer q.mu.Unlock()
	id := j.id()
	if _, ok := q.inflight[id]; ok {
		return
	}
	select {
	case q.queue <- j:
	default:
		if j.message != "" {
			q.missed = true
			select {
			case q.kick <- struct{}{}:
			default:
			}
		}
		return
	}
	if len(q.inflight) == 0 {
		q.idle = make(chan struct{})
	}
	q.inflight[id] = struct{}{}
}

func (q *Queue) done(j fetch) {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.inflight, j.id())
	if len(q.inflight) == 0 {
		close(q.idle)
	}
}

// Run starts the fetchers and the sweeper, which first reads the content
// left pending (see the package doc), and returns when ctx ends and they
// have stopped.
func (q *Queue) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for range q.cfg.Fetchers {
		wg.Go(func() {
			for {
				select {
				case <-ctx.Done():
					return
				case j := <-q.queue:
					q.look(ctx, j)
					q.done(j)
				}
			}
		})
	}
	if q.cfg.Content != nil {
		wg.Go(func() { q.sweeper(ctx) })
	}
	wg.Wait()
}

// Drain waits until no look-up is queued or running, or ctx ends.
func (q *Queue) Drain(ctx context.Context) error {
	q.mu.Lock()
	idle := q.idle
	q.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// sweeper reads the messages still pending at start, and again after a
// content fetch did not fit in the queue.
func (q *Queue) sweeper(ctx context.Context) {
	for {
		q.mu.Lock()
		q.missed = false
		q.mu.Unlock()
		if err := q.sweep(ctx); err != nil && ctx.Err() == nil {
			q.cfg.Logger.ErrorContext(ctx, q.service+": reading messages whose content is pending failed; will try again", "err", err)
			q.mu.Lock()
			q.missed = true
			q.mu.Unlock()
		}
		for {
			q.mu.Lock()
			missed := q.missed
			q.mu.Unlock()
			if missed {
				break // after a pause, so a full queue drains first
			}
			select {
			case <-ctx.Done():
				return
			case <-q.kick:
			}
		}
		if q.cfg.Sleep(ctx, q.cfg.Pause) != nil {
			return
		}
	}
}

// sweep queues the content fetches of messages still pending, and marks
// unavailable those older than RefetchWindow.
func (q *Queue) sweep(ctx context.Context) error {
	msgs, err := q.cfg.Desk.PendingContent(ctx, max(q.cfg.Queue, DefaultQueue))
	if err != nil {
		return err
	}
	now := q.cfg.Clock.Now()
	for _, m := range msgs {
		kind := string(m.Content.Kind)
		src := Source{ExternalID: m.ExternalID, Kind: kind}
		if r := m.Content.Media; r != nil {
			src.URL, src.PreviewURL, src.PlatformID, src.Duration = r.URL, r.PreviewURL, r.PlatformID, r.Duration
		}
		j := fetch{channel: m.Channel, customer: m.Author.ID, message: m.ID, src: src}
		if now.Sub(m.Time) > RefetchWindow {
			q.lost(ctx, j)
			continue
		}
		q.offer(j)
	}
	return nil
}

// lost marks a message pending since before RefetchWindow unavailable,
// unless its channel is of another kind.
func (q *Queue) lost(ctx context.Context, j fetch) {
	if ch, err := q.cfg.Channels.Channel(ctx, j.channel); err == nil && !q.mine(ch) {
		return
	}
	q.giveUp(ctx, q.log(j.channel, j), j, "", q.cfg.Reasons.Lost)
}

// mine reports whether ch is of the queue's kind.
func (q *Queue) mine(ch enquiry.Channel) bool {
	return q.cfg.Kind == "" || ch.Kind == q.cfg.Kind || (ch.Kind == "" && !q.cfg.StrictKind)
}

func (q *Queue) log(channel string, j fetch) *slog.Logger {
	l := q.cfg.Logger.With("channel", channel)
	if j.message != "" {
		l = l.With("message", j.src.ExternalID)
	}
	return l
}

// channel looks up j's channel, reporting false when it cannot be had or
// is of another kind (its connector fetches its content).
func (q *Queue) channel(ctx context.Context, j fetch) (enquiry.Channel, bool) {
	ch, err := q.cfg.Channels.Channel(ctx, j.channel)
	if err != nil {
		if ctx.Err() == nil {
			log := q.cfg.Logger.With("channel", j.channel)
			log.WarnContext(ctx, q.service+": channel lookup for a fetch failed", "err", err)
			if j.message != "" && errors.Is(err, enquiry.ErrNotFound) {
				q.giveUp(ctx, log, j, "", q.cfg.Reasons.Failed)
			}
		}
		return ch, false // otherwise left pending: the next start fetches it again
	}
	return ch, q.mine(ch)
}

// look does one look-up.
func (q *Queue) look(ctx context.Context, j fetch) {
	ch, ok := q.channel(ctx, j)
	switch {
	case !ok:
	case j.message == "":
		q.lookUpName(ctx, q.log(ch.ID, j), ch, j.customer)
	default:
		q.fetchContent(ctx, q.log(ch.ID, j), ch, j)
	}
}

// lookUpName looks the customer's display name up and gives it to the
// desk. A name that cannot be had is left out: the customer is shown by
// ID.
func (q *Queue) lookUpName(ctx context.Context, log *slog.Logger, ch enquiry.Channel, user string) {
	for attempt := 1; ; attempt++ {
		n, err := q.cfg.Name(ctx, ch, user)
		if err == nil {
			n = media.CutText(n, enquiry.MaxCustomerName) // as the desk records it
			q.Remember(ch.ID, user, n)
			if n == "" {
				return
			}
			if err := q.cfg.Desk.SetCustomerName(ctx, ch.ID, user, n); err != nil && ctx.Err() == nil {
				log.WarnContext(ctx, q.service+": recording the customer's name failed", "err", err)
			}
			return
		}
		if ctx.Err() != nil {
			return
		}
		if !retry.Retryable(err) || attempt == nameAttempts {
			log.InfoContext(ctx, q.service+": profile lookup failed; the customer is shown by ID", "err", err, "attempts", attempt)
			return
		}
		if q.cfg.Sleep(ctx, nameBackoff.Delay(attempt)) != nil {
			return
		}
	}
}

// fetchContent downloads and judges a message's content, waiting while
// the platform is still preparing it, and settles it on the desk:
// attached, or unavailable with the reason (a refusal by package media
// with its code). When ctx ends first the message stays pending.
func (q *Queue) fetchContent(ctx context.Context, log *slog.Logger, ch enquiry.Channel, j fetch) {
	key := q.cfg.Kind + "/" + ch.ID + "/" + j.src.ExternalID // the blob store key
	waited := time.Duration(0)
	for attempt := 1; ; attempt++ {
		ref, err := q.cfg.Content(ctx, ch, j.src, key)
		if err == nil {
			if ref.Key == "" {
				ref.Key = key
			}
			if ref.Duration == 0 {
				ref.Duration = j.src.Duration
			}
			if ref.PreviewURL == "" {
				ref.PreviewURL = j.src.PreviewURL
			}
			if err := q.cfg.Desk.AttachContent(ctx, j.message, ref); err != nil && ctx.Err() == nil {
				log.ErrorContext(ctx, q.service+": recording downloaded content failed", "err", err)
			}
			return
		}
		if ctx.Err() != nil {
			return
		}
		if me, ok := errors.AsType[*media.Error](err); ok {
			q.giveUp(ctx, log, j, string(me.Code), me.Reason)
			return
		}
		notReady := q.cfg.NotReady != nil && errors.Is(err, q.cfg.NotReady)
		if !retry.Retryable(err) || (notReady && waited >= contentWait) || (!notReady && attempt >= contentAttempts) {
			log.WarnContext(ctx, q.service+": content not downloaded; giving up", "err", err, "attempts", attempt, "waited", waited)
			reason := q.cfg.Reasons.Failed
			switch {
			case notReady:
				reason = q.cfg.Reasons.NotReady
			case j.src.URL != "":
				reason = q.cfg.Reasons.External
			}
			q.giveUp(ctx, log, j, "", reason)
			return
		}
		wait := contentBackoff.Delay(attempt)
		if q.cfg.Sleep(ctx, wait) != nil {
			return
		}
		waited += wait
	}
}

// giveUp marks a message's content unavailable.
func (q *Queue) giveUp(ctx context.Context, log *slog.Logger, j fetch, code, reason string) {
	err := q.cfg.Desk.ContentUnavailable(ctx, j.message, enquiry.UnsupportedNote{Kind: j.src.Kind, Code: code, Reason: reason})
	if err != nil && ctx.Err() == nil {
		log.ErrorContext(ctx, q.service+": recording content as unavailable failed", "err", err)
	}
}
