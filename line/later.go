package line

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/internal/backoff"
	"github.com/socialdesk/socialdesk/internal/retry"
	"github.com/socialdesk/socialdesk/media"
)

// Customers' display names and media content are fetched off the
// customer's queue: the worker records the message at once (under the
// customer's ID, media with its content pending) and hands the look-ups
// to a bounded set of fetch goroutines, so a slow profile API or a
// content URL that never answers holds up nothing the customer sends
// after. Each fetch is retried a bounded number of times; content then
// gives up as "content unavailable".
//
// A fetch in flight when the process stops is not lost: the message stays
// pending in the store, and when Run starts it reads the messages still
// pending (Desk.PendingContent) and fetches again those received within
// RefetchWindow; older ones, whose content the platform may no longer
// keep, are marked unavailable (reasonLost). The same read runs again
// after a fetch did not fit in the queue, so nothing waits for a restart.
// With several replicas, one that starts may fetch again what another is
// fetching: the first result recorded wins and the other changes nothing.
const (
	// DefaultFetchers is WebhookConfig.Fetchers' default: fetchers mostly
	// wait on the platform, so 16 keep 60 new customers' names, each
	// looked up in 3 s on a slow LINE, within about 12 s.
	DefaultFetchers = 16
	// RefetchWindow is how old a message still pending at start may be
	// for its content to be fetched again; older ones are marked
	// unavailable.
	RefetchWindow = 24 * time.Hour
	fetchQueue    = 1000 // fetches waiting for a fetcher
	nameAttempts  = 3
	// contentAttempts bounds the attempts of one content fetch that
	// failed for now (a timeout, a 5xx), each already bounded by the
	// client's timeout and its own retries. Content LINE says it is still
	// preparing is asked for again until contentWait has passed instead.
	contentAttempts = 4
)

// nameBackoff waits between profile look-ups.
var nameBackoff = backoff.Policy{Base: time.Second, Max: 10 * time.Second}

// contentBackoff waits between content fetches: doubling from a second,
// at most contentMaxStep, while the waits total at most contentWait.
var contentBackoff = backoff.Policy{Base: time.Second, Max: contentMaxStep}

const reasonLost = "The content was not downloaded in time: the desk restarted while fetching it."

// Completer is the part of a Desk that lets the webhook fill in, after
// Receive, what it fetches off the customer's queue; *enquiry.Desk
// implements it. Its methods must be safe for concurrent use.
type Completer interface {
	// SetCustomerName records the customer's display name.
	SetCustomerName(ctx context.Context, channel, customer, name string) error
	// AttachContent records a pending message's content, stored in the
	// blob store and accepted by package media.
	AttachContent(ctx context.Context, message string, ref enquiry.MediaRef) error
	// ContentUnavailable records why a pending message has no content.
	ContentUnavailable(ctx context.Context, message string, why enquiry.UnsupportedNote) error
	// PendingContent returns messages whose content is still pending,
	// oldest first, at most limit.
	PendingContent(ctx context.Context, limit int) ([]enquiry.Message, error)
}

var _ Completer = (*enquiry.Desk)(nil)

// fetch is one look-up for the fetchers: a customer's name, or the
// content of a message (the desk's ID) whose content is pending.
type fetch struct {
	channel, customer string
	message           string // "" for a name
	src               ContentSource
}

func (f fetch) id() string {
	if f.message == "" {
		return "name\x00" + f.channel + "\x00" + f.customer
	}
	return "content\x00" + f.message
}

// fetchers runs the look-ups. It is safe for concurrent use.
type fetchers struct {
	w     *Webhook
	n     int
	queue chan fetch

	mu       sync.Mutex
	inflight map[string]struct{} // fetches queued or running, by id
	missed   bool                // a content fetch did not fit: read the store again
	idle     chan struct{}       // closed while inflight is empty
	kick     chan struct{}       // wakes the sweeper after a miss
}

func newFetchers(w *Webhook, n, queue int) *fetchers {
	f := &fetchers{w: w, n: n, queue: make(chan fetch, queue), inflight: map[string]struct{}{},
		idle: make(chan struct{}), kick: make(chan struct{}, 1)}
	close(f.idle)
	return f
}

// offer queues a look-up unless the same one is queued or running. It
// never blocks: a name that does not fit is looked up with the
// customer's next message; content that does not fit stays pending in
// the store and the sweeper reads it again.
func (f *fetchers) offer(j fetch) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := j.id()
	if _, ok := f.inflight[id]; ok {
		return
	}
	select {
	case f.queue <- j:
	default:
		if j.message != "" {
			f.missed = true
			select {
			case f.kick <- struct{}{}:
			default:
			}
		}
		return
	}
	if len(f.inflight) == 0 {
		f.idle = make(chan struct{})
	}
	f.inflight[id] = struct{}{}
}

func (f *fetchers) done(j fetch) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.inflight, j.id())
	if len(f.inflight) == 0 {
		close(f.idle)
	}
}

// run starts the fetchers and the sweeper and returns when ctx ends and
// they have stopped.
func (f *fetchers) run(ctx context.Context) {
	var wg sync.WaitGroup
	for range f.n {
		wg.Go(func() {
			for {
				select {
				case <-ctx.Done():
					return
				case j := <-f.queue:
					f.w.look(ctx, j)
					f.done(j)
				}
			}
		})
	}
	wg.Go(func() { f.sweeper(ctx) })
	wg.Wait()
}

// drain waits until no look-up is queued or running, or ctx ends.
func (f *fetchers) drain(ctx context.Context) error {
	f.mu.Lock()
	idle := f.idle
	f.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// sweeper reads the messages still pending at start, and again after a
// content fetch did not fit in the queue.
func (f *fetchers) sweeper(ctx context.Context) {
	for {
		f.mu.Lock()
		f.missed = false
		f.mu.Unlock()
		if err := f.sweep(ctx); err != nil && ctx.Err() == nil {
			f.w.log.ErrorContext(ctx, "line webhook: reading messages whose content is pending failed; will try again", "err", err)
			f.mu.Lock()
			f.missed = true
			f.mu.Unlock()
		}
		for {
			f.mu.Lock()
			missed := f.missed
			f.mu.Unlock()
			if missed {
				break // after a pause, so a full queue drains first
			}
			select {
			case <-ctx.Done():
				return
			case <-f.kick:
			}
		}
		if f.w.sleep(ctx, f.w.retry) != nil {
			return
		}
	}
}

// sweep queues the content fetches of messages still pending, and marks
// unavailable those older than RefetchWindow.
func (f *fetchers) sweep(ctx context.Context) error {
	msgs, err := f.w.desk.PendingContent(ctx, fetchQueue)
	if err != nil {
		return err
	}
	now := f.w.clock.Now()
	for _, m := range msgs {
		kind := string(m.Content.Kind)
		if now.Sub(m.Time) > RefetchWindow {
			f.w.giveUp(ctx, f.w.log.With("channel", m.Channel, "message", m.ExternalID), m.ID, kind, "", reasonLost)
			continue
		}
		src := ContentSource{MessageID: m.ExternalID, Kind: kind}
		if r := m.Content.Media; r != nil {
			src.ExternalURL, src.PreviewURL, src.Duration = r.URL, r.PreviewURL, r.Duration
		}
		f.offer(fetch{channel: m.Channel, customer: m.Author.ID, message: m.ID, src: src})
	}
	return nil
}

// look does one look-up.
func (w *Webhook) look(ctx context.Context, j fetch) {
	log := w.log.With("channel", j.channel)
	ch, err := w.channels.Channel(ctx, j.channel)
	if err != nil {
		if ctx.Err() == nil {
			log.WarnContext(ctx, "line webhook: channel lookup for a fetch failed", "err", err)
			if j.message != "" && errors.Is(err, enquiry.ErrNotFound) {
				w.giveUp(ctx, log, j.message, j.src.Kind, "", reasonFailed)
			}
		}
		return // otherwise left pending: the next start fetches it again
	}
	if j.message == "" {
		w.lookUpName(ctx, log, ch, j.customer)
		return
	}
	w.fetchContent(ctx, log.With("message", j.src.MessageID), ch, j)
}

// lookUpName looks the customer's display name up, caches it and gives it
// to the desk. A name that cannot be had is left out: the customer is
// shown by ID.
func (w *Webhook) lookUpName(ctx context.Context, log *slog.Logger, ch enquiry.Channel, user string) {
	for attempt := 1; ; attempt++ {
		p, err := w.content.Profile(ctx, ch, user)
		if err == nil {
			n := media.CutText(p.DisplayName, maxDisplayName)
			w.names.put(ch.ID, user, n, w.clock.Now())
			if n == "" {
				return
			}
			if err := w.desk.SetCustomerName(ctx, ch.ID, user, n); err != nil && ctx.Err() == nil {
				log.WarnContext(ctx, "line webhook: recording the customer's name failed", "err", err)
			}
			return
		}
		if ctx.Err() != nil {
			return
		}
		if !retry.Retryable(err) || attempt == nameAttempts {
			log.InfoContext(ctx, "line webhook: profile lookup failed; the customer is shown by ID", "err", err, "attempts", attempt)
			return
		}
		if w.sleep(ctx, nameBackoff.Delay(attempt)) != nil {
			return
		}
	}
}

// fetchContent downloads and judges a message's content, waiting while
// the platform is still preparing it, and settles it on the desk:
// attached, or unavailable with the reason (a refusal by package media
// with its code). When ctx ends first the message stays pending.
func (w *Webhook) fetchContent(ctx context.Context, log *slog.Logger, ch enquiry.Channel, j fetch) {
	key := "line/" + ch.ID + "/" + j.src.MessageID
	waited := time.Duration(0)
	for attempt := 1; ; attempt++ {
		ref, err := w.content.FetchContent(ctx, ch, j.src, w.blobs, key)
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
			if err := w.desk.AttachContent(ctx, j.message, ref); err != nil && ctx.Err() == nil {
				log.ErrorContext(ctx, "line webhook: recording downloaded content failed", "err", err)
			}
			return
		}
		if ctx.Err() != nil {
			return
		}
		if me, ok := errors.AsType[*media.Error](err); ok {
			w.giveUp(ctx, log, j.message, j.src.Kind, string(me.Code), me.Reason)
			return
		}
		notReady := errors.Is(err, ErrNotReady)
		if !retry.Retryable(err) || (notReady && waited >= contentWait) || (!notReady && attempt >= contentAttempts) {
			log.WarnContext(ctx, "line webhook: content not downloaded; giving up", "err", err, "attempts", attempt, "waited", waited)
			reason := reasonFailed
			switch {
			case notReady:
				reason = reasonPending
			case j.src.ExternalURL != "":
				reason = reasonExternal
			}
			w.giveUp(ctx, log, j.message, j.src.Kind, "", reason)
			return
		}
		wait := contentBackoff.Delay(attempt)
		if w.sleep(ctx, wait) != nil {
			return
		}
		waited += wait
	}
}

// giveUp marks a message's content unavailable.
func (w *Webhook) giveUp(ctx context.Context, log *slog.Logger, message, kind, code, reason string) {
	err := w.desk.ContentUnavailable(ctx, message, enquiry.UnsupportedNote{Kind: kind, Code: code, Reason: reason})
	if err != nil && ctx.Err() == nil {
		log.ErrorContext(ctx, "line webhook: recording content as unavailable failed", "err", err)
	}
}
