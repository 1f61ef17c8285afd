package inbox

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/socialdesk/socialdesk/internal/clock"
)

// pool hands recorded events to a bounded set of workers: events with one
// key (one customer of one channel) in the order they were recorded, one
// at a time; different keys in parallel.
//
// The store is the queue of record; the pool only holds what fits in
// memory. When it is full, or when a customer's event had to be given up
// for now, further events stay in the store ("stranded") and a sweep
// fetches them again, in store order, once there is room. So nothing is
// lost and no customer's events overtake each other.
type pool struct {
	store  Store
	clock  clock.Clock
	limit  int
	handle Handler

	mu    sync.Mutex
	cond  *sync.Cond       // workers wait here for a ready lane or stop
	lanes map[Key]*lane    // lanes with events (queued or in progress)
	ready []*lane          // lanes with events that no worker holds, FIFO
	held  map[ref]struct{} // events in a lane
	// recent are events finished that a sweep may still see as pending,
	// or that the webhook request which recorded them may still offer:
	// those finished while a sweep runs, and those a sweep queued. Each
	// is kept until offerWindow after it was received (a request offers
	// what it recorded within moments), so it stays small; clearing it at
	// every sweep let a late offer after two quick sweeps repeat an event.
	recent   map[ref]time.Time
	swept    map[ref]struct{} // events in lanes that a sweep queued
	sweeping bool
	blocked  map[Key]struct{} // keys whose events wait for the next sweep
	// late are events offered while a sweep reads that add would
	// otherwise leave in the store, where the read may miss them: the
	// sweep queues them after what it read, so none is overtaken. Past
	// p.limit of them, lateLost is set, and everything waits for the next
	// sweep.
	late     []Record
	lateLost bool
	queued   int           // events in lanes
	overflow bool          // the pool filled up: everything waits for a sweep
	stranded bool          // an event was left in the store since the sweep began
	closed   bool          // Shutdown: take no more events
	stop     bool          // workers exit
	idle     chan struct{} // closed when queued reaches 0 (Shutdown waits)
	kick     chan struct{} // wakes the sweeper
	// idleHook, when set (by tests only), runs in the sweeper each time
	// it has swept and is about to wait for a reason to sweep again.
	idleHook func()

	// With a store shared by several processes (useLeases), a worker
	// leases a lane's key before working on it and releases it after, so
	// that one process at a time handles a customer's events, in store
	// order; a lane whose key another process holds is dropped from
	// memory (that process handles its events).
	leaser Leaser
	owner  string
	lease  time.Duration
	log    *slog.Logger
	leases map[Key]struct{} // keys whose store lease this process may hold
	soon   *time.Timer      // a sweep after a refused key's lease may have run out
}

type ref struct{ channel, id string }

func refOf(ev *Record) ref { return ref{ev.Channel, ev.ID} }

type lane struct {
	key    Key
	events []Record
	leased bool // this process holds key's lease
}

// newPool returns a pool that logs to slog.Default() until told otherwise
// (p.log).
func newPool(store Store, clk clock.Clock, limit int, handle Handler) *pool {
	p := &pool{
		store:   store,
		clock:   clk,
		limit:   limit,
		handle:  handle,
		log:     slog.Default(),
		lanes:   make(map[Key]*lane),
		held:    make(map[ref]struct{}),
		recent:  make(map[ref]time.Time),
		swept:   make(map[ref]struct{}),
		blocked: make(map[Key]struct{}),
		kick:    make(chan struct{}, 1),
		// Until the first sweep has read what an earlier process left
		// pending, new events wait in the store behind those.
		overflow: true,
	}
	p.cond = sync.NewCond(&p.mu)
	return p
}

// offerWindow is how long after an event was received the webhook
// request that recorded it may still offer it to the pool.
const offerWindow = time.Minute

// offer queues freshly recorded events, in order. It never blocks on I/O.
func (p *pool) offer(events []Record) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return // recorded; the next start replays them
	}
	for i := range events {
		p.add(events[i], false)
	}
}

// add queues one event unless it is queued already, just finished, or
// must wait for a sweep. p.mu is held.
func (p *pool) add(ev Record, fromSweep bool) {
	r := refOf(&ev)
	if _, ok := p.held[r]; ok {
		return
	}
	if _, ok := p.recent[r]; ok {
		return
	}
	k := KeyOf(ev)
	_, blocked := p.blocked[k]
	if p.overflow || blocked || p.queued >= p.limit {
		if p.sweeping && !fromSweep {
			if len(p.late) < p.limit {
				p.late = append(p.late, ev)
				return
			}
			p.lateLost = true
		}
		// Left in the store for a sweep. A full pool sweeps as soon as it
		// has room (a worker wakes the sweeper); a held-back key (whose
		// handling failed for now) waits for the retry interval.
		p.overflow = p.overflow || p.queued >= p.limit
		p.stranded = true
		return
	}
	l := p.lanes[k]
	if l == nil {
		l = &lane{key: k}
		p.lanes[k] = l
		p.ready = append(p.ready, l)
		p.cond.Signal()
	}
	l.events = append(l.events, ev)
	p.held[r] = struct{}{}
	if fromSweep {
		p.swept[r] = struct{}{}
	}
	p.queued++
}

func (p *pool) wake() {
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

// worker handles lanes until stop.
func (p *pool) worker(ctx context.Context) {
	calls := &leaseCalls{parent: ctx}
	defer calls.stop()
	p.mu.Lock()
	defer p.mu.Unlock()
	for {
		for len(p.ready) == 0 && !p.stop {
			p.cond.Wait()
		}
		if p.stop {
			return
		}
		l := p.ready[0]
		p.ready[0] = nil
		p.ready = p.ready[1:]
		if p.leaser != nil && !p.leaseLane(ctx, calls, l) {
			continue
		}
		ev := l.events[0]
		p.mu.Unlock()
		ok := p.handle(ctx, ev) == nil
		if ok {
			if err := p.store.EventDone(ctx, ev.Channel, ev.ID); err != nil {
				ok = false // handled, but will be seen again: the handler de-duplicates
			}
		}
		p.mu.Lock()
		p.finish(l, ok)
		if len(l.events) == 0 && l.leased {
			p.release(ctx, calls, l)
		}
	}
}

// finish takes a lane's first event off after handling; done reports
// whether it was marked done. p.mu is held.
func (p *pool) finish(l *lane, done bool) {
	r := refOf(&l.events[0])
	n := 1
	if !done {
		// Leave this event and the rest of its lane to a later sweep,
		// which fetches them again in order; hold back the key's new
		// events until then so they do not overtake.
		n = len(l.events)
		p.blocked[l.key] = struct{}{}
		p.stranded = true
	} else if _, swept := p.swept[r]; swept || p.sweeping {
		p.recent[r] = l.events[0].Received
	}
	for i := range l.events[:n] {
		delete(p.held, refOf(&l.events[i]))
		delete(p.swept, refOf(&l.events[i]))
	}
	clear(l.events[:n])
	l.events = l.events[n:]
	p.queued -= n
	if !done {
		l.leased = false // the lease runs out; whoever sweeps next retries
	}
	if len(l.events) > 0 {
		p.ready = append(p.ready, l)
	} else if !l.leased {
		delete(p.lanes, l.key)
	}
	p.idleCheck()
	if p.overflow && p.queued <= p.limit/2 {
		p.wake()
	}
}

// idleCheck tells a waiting Shutdown when nothing is queued. p.mu is held.
func (p *pool) idleCheck() {
	if p.queued == 0 && p.idle != nil {
		close(p.idle)
		p.idle = nil
	}
}

// drain stops taking events and waits until the queued ones are done.
func (p *pool) drain(ctx context.Context) error {
	p.mu.Lock()
	p.closed = true
	if p.queued == 0 {
		p.mu.Unlock()
		return nil
	}
	if p.idle == nil {
		p.idle = make(chan struct{})
	}
	idle := p.idle
	p.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// halt makes the workers exit after the event each is on.
func (p *pool) halt() {
	p.mu.Lock()
	p.stop = true
	p.cond.Broadcast()
	p.mu.Unlock()
}
