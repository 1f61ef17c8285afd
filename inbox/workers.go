package inbox

import (
	"context"
	"crypto/rand"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/socialdesk/socialdesk/internal/clock"
)

// Defaults for Options' zero fields.
const (
	DefaultWorkers       = 16
	DefaultQueueSize     = 10_000
	DefaultRetryInterval = time.Minute
	DefaultKeepEvents    = 7 * 24 * time.Hour
	// KeyLease is how long a replica's lease on a customer's events
	// lasts without renewal (Leaser): another replica takes over about
	// this long after the holder died.
	KeyLease      = 30 * time.Second
	pruneInterval = time.Hour
)

// Handler handles one recorded event, typically by translating it into
// desk calls. It returns nil when the event is handled, or never can be
// (it is then marked done), and an error when it failed for now: the
// event and its key's later ones stay in the store and are tried again
// after Options.RetryInterval. When ctx ends it should return promptly
// with an error, leaving the event pending for the next start. A Handler
// is called from many goroutines at once, but never twice at once for one
// Key within a process (nor across replicas, with a Leaser store); it may
// still see an event again (after a crash, or a failure to mark it done),
// so it must be idempotent.
type Handler func(ctx context.Context, ev Record) error

// Options configures Workers. Every zero field means its documented default.
type Options struct {
	// Workers is how many events are handled at once (default 16).
	Workers int
	// QueueSize is how many recorded events may wait in memory (default
	// 10,000). Beyond it, events wait in the store and are fetched again
	// in order when there is room.
	QueueSize int
	// RetryInterval is how often events whose handling failed for now
	// are tried again (default 1 minute).
	RetryInterval time.Duration
	// KeepEvents is how long handled events are remembered, so that
	// redeliveries of them are dropped (default 7 days; negative:
	// forever). When the store is a Pruner, Run deletes older handled
	// events at start and then every hour.
	KeepEvents time.Duration
	// Instance names this process among the replicas sharing the store,
	// when the store is a Leaser: one process at a time handles a
	// customer's events, and its lease lets another take over KeyLease
	// after it dies. The default is a new random name for each Workers;
	// a name that a restarted process keeps (a pod's stable name, say)
	// lets it take its own keys back at once after a crash. Replicas must
	// never share a name.
	Instance string
	// Logger receives structured logs (default slog.Default()). Logs
	// carry channel IDs and counts, never payloads.
	Logger *slog.Logger
	// Clock tells the time for leases and pruning (default the real time).
	Clock clock.Clock
}

// ErrRunning is returned by Run when the workers are already running.
var ErrRunning = errors.New("inbox: workers are already running")

// Workers hand a store's recorded events to a Handler: each key's
// events in the order they were recorded, one at a time; different keys
// in parallel. Offer hands over freshly appended events at once; what
// does not fit in memory, what a previous process left, and what failed
// for now is fetched again from the store, in order. It is safe for
// concurrent use.
type Workers struct {
	store   Store
	pool    *pool
	workers int
	retry   time.Duration
	keep    time.Duration
	log     *slog.Logger
	clock   clock.Clock

	mu       sync.Mutex
	running  bool
	shutdown chan struct{} // closed by Shutdown once drained
}

// New returns Workers that hand store's events to handle. It does no
// I/O; Run starts them. It panics if store or handle is nil: that is a
// wiring mistake, better found at start.
func New(store Store, handle Handler, opts Options) *Workers {
	if store == nil || handle == nil {
		panic("inbox: New needs a store and a handler")
	}
	w := &Workers{
		store:    store,
		workers:  opts.Workers,
		retry:    opts.RetryInterval,
		keep:     opts.KeepEvents,
		log:      opts.Logger,
		clock:    clock.Or(opts.Clock),
		shutdown: make(chan struct{}),
	}
	if w.workers <= 0 {
		w.workers = DefaultWorkers
	}
	if w.retry <= 0 {
		w.retry = DefaultRetryInterval
	}
	if w.keep == 0 {
		w.keep = DefaultKeepEvents
	}
	if w.log == nil {
		w.log = slog.Default()
	}
	queue := opts.QueueSize
	if queue <= 0 {
		queue = DefaultQueueSize
	}
	w.pool = newPool(store, w.clock, queue, handle)
	w.pool.log = w.log
	if l, ok := store.(Leaser); ok {
		owner := opts.Instance
		if owner == "" {
			owner = rand.Text()
		}
		w.pool.useLeases(l, owner, KeyLease)
	}
	return w
}

// Run is New(store, handle, opts).Run(ctx).
func Run(ctx context.Context, store Store, handle Handler, opts Options) error {
	return New(store, handle, opts).Run(ctx)
}

// Offer hands events just returned by the store's AppendEvents to the
// workers, in order, so they need not wait for a sweep. It never blocks
// on I/O; events that do not fit wait in the store. Offering an event
// twice, or one a sweep has already fetched, hands it over once.
func (w *Workers) Offer(events []Record) { w.pool.offer(events) }

// Run hands recorded events to the handler until ctx is done or Shutdown
// has drained the queue: first what a previous process left pending, then
// each offered event. When ctx ends, each worker finishes or abandons
// (leaving it pending, for the next start) the event it is on, and Run
// returns nil. Run returns ErrRunning if called while running. While it
// runs, it also deletes handled events older than KeepEvents, when the
// store is a Pruner.
//
// Several replicas may each run Workers on one shared store. When the
// store is a Leaser, one replica at a time handles a customer's events,
// from the store, in the order they were recorded, whichever replica
// recorded them; a replica that dies holding a customer's lease delays
// that customer's events by about KeyLease, or not at all when it
// restarts under the same Instance name. Leases are judged by the
// replicas' clocks, which must agree (NTP); a replica stalled, or unable
// to renew, for KeyLease may lose a lease while handing over an event,
// and the next holder may then hand that event over again. With a store
// that does not lease keys, replicas handle what they record
// independently: a customer's events recorded by two replicas within
// moments may be handled in either order, and a sweep may repeat an event
// another replica is handling.
func (w *Workers) Run(ctx context.Context) error {
	w.mu.Lock()
	if w.running {
		w.mu.Unlock()
		return ErrRunning
	}
	w.running = true
	w.mu.Unlock()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for range w.workers {
		wg.Go(func() { w.pool.worker(ctx) })
	}
	wg.Go(func() { w.pool.sweeper(ctx, w.retry) })
	if p, ok := w.store.(Pruner); ok && w.keep > 0 {
		wg.Go(func() { w.prune(ctx, p) })
	}
	if w.pool.leaser != nil {
		wg.Go(func() { w.pool.renewLeases(ctx) })
		defer func() {
			ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			w.pool.expireLeases(ctx)
		}()
	}
	select {
	case <-ctx.Done():
	case <-w.shutdown:
	}
	w.pool.halt()
	cancel()
	wg.Wait()
	return nil
}

// Shutdown stops taking offered events (they stay recorded, and the next
// start handles them), waits until the queued ones are handled or ctx is
// done, and then makes Run return. It returns ctx.Err() if ctx ended first.
func (w *Workers) Shutdown(ctx context.Context) error {
	err := w.pool.drain(ctx)
	w.mu.Lock()
	select {
	case <-w.shutdown:
	default:
		close(w.shutdown)
	}
	w.mu.Unlock()
	return err
}
