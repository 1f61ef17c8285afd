package line

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
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
	store enquiry.EventStore
	clock enquiry.Clock
	limit int
	work  func(ctx context.Context, ev enquiry.Event) outcome

	mu    sync.Mutex
	cond  *sync.Cond       // workers wait here for a ready lane or stop
	lanes map[string]*lane // lanes with events (queued or in progress)
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
	blocked  map[string]struct{} // keys whose events wait for the next sweep
	// late are events offered while a sweep reads that add would
	// otherwise leave in the store, where the read may miss them: the
	// sweep queues them after what it read, so none is overtaken. Past
	// p.limit of them, lateKeys are held back until the next sweep.
	late     []enquiry.Event
	lateKeys map[string]struct{}
	queued   int           // events in lanes
	overflow bool          // the pool filled up: everything waits for a sweep
	stranded bool          // an event was left in the store since the sweep began
	closed   bool          // Shutdown: take no more events
	stop     bool          // workers exit
	idle     chan struct{} // closed when queued reaches 0 (Shutdown waits)
	kick     chan struct{} // wakes the sweeper

	// With a store shared by several processes (useLeases), a worker
	// leases a lane's key before working on it and releases it after, so
	// that one process at a time handles a customer's events, in store
	// order; a lane whose key another process holds is dropped from
	// memory (that process handles its events).
	leaser enquiry.KeyLeaser
	owner  string
	lease  time.Duration
	log    *slog.Logger
	leases map[enquiry.EventKey]struct{} // keys whose store lease this process may hold
	soon   *time.Timer                   // a sweep after a refused key's lease may have run out
}

type ref struct{ channel, id string }

type lane struct {
	key    string
	ek     enquiry.EventKey
	events []enquiry.Event
	leased bool // this process holds ek's lease
}

// outcome is what processing one event came to.
type outcome int

const (
	done    outcome = iota // handled, or can never be: mark it done
	later                  // failed for now: leave it in the store for a sweep
	stopped                // the context ended: leave it, stop
)

func newPool(store enquiry.EventStore, clock enquiry.Clock, limit int, work func(context.Context, enquiry.Event) outcome) *pool {
	p := &pool{
		store:    store,
		clock:    clock,
		limit:    limit,
		work:     work,
		lanes:    make(map[string]*lane),
		held:     make(map[ref]struct{}),
		recent:   make(map[ref]time.Time),
		swept:    make(map[ref]struct{}),
		blocked:  make(map[string]struct{}),
		lateKeys: make(map[string]struct{}),
		kick:     make(chan struct{}, 1),
		// Until the first sweep has read what an earlier process left
		// pending, new events wait in the store behind those.
		overflow: true,
	}
	p.cond = sync.NewCond(&p.mu)
	return p
}

// leaseBatch is how many of a key's pending events a lease or release
// reads: the worker reads again before each event, so a few suffice, and
// a customer's backlog is not read whole for every event of it.
const leaseBatch = 32

// offerWindow is how long after an event was received the webhook
// request that recorded it may still offer it to the pool.
const offerWindow = time.Minute

// useLeases makes p lease each key from l before working on its events,
// as owner, for lease at a time (renewed by renewLeases while held).
func (p *pool) useLeases(l enquiry.KeyLeaser, owner string, lease time.Duration, log *slog.Logger) {
	p.leaser, p.owner, p.lease, p.log = l, owner, lease, log
	p.leases = make(map[enquiry.EventKey]struct{})
}

func laneKey(ev *enquiry.Event) string { return ev.Channel + "\x00" + ev.Key }

// offer queues freshly recorded events, in order. It never blocks on I/O.
func (p *pool) offer(events []enquiry.Event) {
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
func (p *pool) add(ev enquiry.Event, fromSweep bool) {
	r := ref{ev.Channel, ev.ID}
	if _, ok := p.held[r]; ok {
		return
	}
	if _, ok := p.recent[r]; ok {
		return
	}
	k := laneKey(&ev)
	_, blocked := p.blocked[k]
	if p.overflow || blocked || p.queued >= p.limit {
		if p.sweeping && !fromSweep {
			if len(p.late) < p.limit {
				p.late = append(p.late, ev)
				return
			}
			p.lateKeys[k] = struct{}{}
		}
		// Left in the store for a sweep. A full pool sweeps as soon as it
		// has room (a worker wakes the sweeper); a held-back key waits
		// for the retry interval.
		p.overflow = p.overflow || p.queued >= p.limit
		p.stranded = true
		return
	}
	l := p.lanes[k]
	if l == nil {
		l = &lane{key: k, ek: enquiry.EventKey{Channel: ev.Channel, Key: ev.Key}}
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

// worker processes lanes until stop.
func (p *pool) worker(ctx context.Context) {
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
		if p.leaser != nil && !p.leaseLane(ctx, l) {
			continue
		}
		ev := l.events[0]
		p.mu.Unlock()
		o := p.work(ctx, ev)
		if o == done {
			if err := p.store.EventDone(ctx, ev.Channel, ev.ID); err != nil {
				o = later // processed, but will be seen again: the desk de-duplicates
			}
		}
		p.mu.Lock()
		p.finish(l, o)
		if len(l.events) == 0 && l.leased {
			p.release(ctx, l)
		}
	}
}

// leaseLane leases (or renews the lease on) l's key before each of its
// events and puts the key's pending events into l, in store order: those
// recorded here and those another process recorded meanwhile, which
// come before l's newer ones. It reports whether a worker may go on with
// l. When another process holds the key, l's events leave memory: that
// process handles them before it releases the key. p.mu is held, and
// released during the store call; the caller holds l.
func (p *pool) leaseLane(ctx context.Context, l *lane) bool {
	now := p.clock.Now()
	p.mu.Unlock()
	pending, ok, err := p.leaser.LeaseKey(ctx, l.ek, p.owner, now, now.Add(p.lease), leaseBatch)
	p.mu.Lock()
	switch {
	case err != nil:
		if ctx.Err() == nil {
			p.log.ErrorContext(ctx, "line webhook: leasing a customer's events failed; will retry", "channel", l.ek.Channel, "err", err)
		}
		// The store may have granted it all the same (an answer lost to
		// a cancelled context, say): end it with the others when Run stops.
		p.leases[l.ek] = struct{}{}
		p.finish(l, later)
		return false
	case !ok:
		p.drop(l)
		// The holder handles these events, unless it died: then its
		// lease runs out, and a sweep soon after takes them.
		if p.soon == nil {
			p.soon = time.AfterFunc(p.lease+time.Second, func() {
				p.mu.Lock()
				p.soon = nil
				p.mu.Unlock()
				p.wake()
			})
		}
		return false
	}
	l.leased = true
	p.leases[l.ek] = struct{}{}
	if p.closed {
		// Shutdown: finish what was queued (and, to keep the order, the
		// key's older events), take on nothing newer.
		queued := make(map[ref]struct{}, len(l.events))
		for _, ev := range l.events {
			queued[ref{ev.Channel, ev.ID}] = struct{}{}
		}
		last := -1
		for i, ev := range pending {
			if _, ok := queued[ref{ev.Channel, ev.ID}]; ok {
				last = i
			}
		}
		pending = pending[:last+1]
	}
	// The store's pending events are what is left to do, in order. What
	// else l holds was done meanwhile (a sweep's stale copy) or recorded
	// after the read: the store returns that when the key is released.
	p.forget(l)
	p.hold(l, pending)
	if len(l.events) == 0 {
		p.release(ctx, l)
		return false
	}
	return true
}

// forget takes l's events out of memory, leaving them to the store.
// p.mu is held.
func (p *pool) forget(l *lane) {
	for _, ev := range l.events {
		delete(p.held, ref{ev.Channel, ev.ID})
		delete(p.swept, ref{ev.Channel, ev.ID})
	}
	p.queued -= len(l.events)
	clear(l.events)
	l.events = l.events[:0]
}

// release gives up the lease on l's key now that l is empty, unless the
// store has more of the key's events pending (recorded by another process
// meanwhile): then l takes them and stays leased. p.mu is held, and
// released during the store call; the caller holds l.
func (p *pool) release(ctx context.Context, l *lane) {
	p.mu.Unlock()
	pending, err := p.leaser.ReleaseKey(ctx, l.ek, p.owner, leaseBatch)
	p.mu.Lock()
	switch {
	case errors.Is(err, enquiry.ErrLeaseLost):
		l.leased = false
		delete(p.leases, l.ek)
	case err != nil:
		// Unknown: no longer renewed, a lease still held runs out.
		l.leased = false
		if ctx.Err() == nil {
			p.log.ErrorContext(ctx, "line webhook: releasing a customer's events failed", "channel", l.ek.Channel, "err", err)
		}
	case len(pending) == 0:
		l.leased = false
		delete(p.leases, l.ek)
	case !p.closed:
		p.hold(l, pending)
	}
	if len(l.events) > 0 {
		p.ready = append(p.ready, l)
		p.cond.Signal()
		return
	}
	delete(p.lanes, l.key)
	p.idleCheck()
}

// hold adds the store's pending events of l's key to l, skipping those
// l holds already or that were just finished, and keeps l in store
// order. p.mu is held.
func (p *pool) hold(l *lane, pending []enquiry.Event) {
	for _, ev := range pending {
		r := ref{ev.Channel, ev.ID}
		if _, ok := p.held[r]; ok {
			continue
		}
		if _, ok := p.recent[r]; ok {
			continue
		}
		l.events = append(l.events, ev)
		p.held[r] = struct{}{}
		p.queued++
	}
	slices.SortStableFunc(l.events, func(a, b enquiry.Event) int { return cmp.Compare(a.Seq, b.Seq) })
}

// drop takes l's events out of memory without processing them: another
// process holds their key. p.mu is held.
func (p *pool) drop(l *lane) {
	p.forget(l)
	delete(p.lanes, l.key)
	p.idleCheck()
}

// leasedKeys returns the keys this process holds leases on. p.mu is held.
func (p *pool) leasedKeys() []enquiry.EventKey {
	var keys []enquiry.EventKey
	for _, l := range p.lanes {
		if l.leased {
			keys = append(keys, l.ek)
		}
	}
	return keys
}

// expireLeases ends every lease this process may still hold, so that
// another process (or the next start) can take those keys at once. It
// runs when Run stops; ctx should outlive Run's.
func (p *pool) expireLeases(ctx context.Context) {
	p.mu.Lock()
	keys := slices.Collect(maps.Keys(p.leases))
	clear(p.leases)
	if p.soon != nil {
		p.soon.Stop()
		p.soon = nil
	}
	p.mu.Unlock()
	if len(keys) == 0 {
		return
	}
	if err := p.leaser.RenewKeys(ctx, p.owner, keys, p.clock.Now()); err != nil {
		p.log.WarnContext(ctx, "line webhook: ending leases on customers' events failed; they run out by themselves", "keys", len(keys), "err", err)
	}
}

// renewLeases extends this process's leases every third of the lease
// until ctx ends.
func (p *pool) renewLeases(ctx context.Context) {
	t := time.NewTicker(p.lease / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		p.mu.Lock()
		keys := p.leasedKeys()
		p.mu.Unlock()
		if err := p.leaser.RenewKeys(ctx, p.owner, keys, p.clock.Now().Add(p.lease)); err != nil && ctx.Err() == nil {
			p.log.ErrorContext(ctx, "line webhook: renewing leases on customers' events failed", "keys", len(keys), "err", err)
		}
	}
}

// finish takes a lane's first event off after processing. p.mu is held.
func (p *pool) finish(l *lane, o outcome) {
	r := ref{l.events[0].Channel, l.events[0].ID}
	n := 1
	if o != done {
		// Leave this event and the rest of its lane to a later sweep,
		// which fetches them again in order; hold back the key's new
		// events until then so they do not overtake.
		n = len(l.events)
		p.blocked[l.key] = struct{}{}
		p.stranded = true
	} else if _, swept := p.swept[r]; swept || p.sweeping {
		p.recent[r] = l.events[0].Received
	}
	for _, ev := range l.events[:n] {
		delete(p.held, ref{ev.Channel, ev.ID})
		delete(p.swept, ref{ev.Channel, ev.ID})
	}
	clear(l.events[:n])
	l.events = l.events[n:]
	p.queued -= n
	if o != done {
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

// sweep queues what the store still has pending, oldest first, as far as
// there is room. It reports whether another sweep should follow at once:
// something was left behind while it ran, and there is room for it.
func (p *pool) sweep(ctx context.Context) (again bool, err error) {
	p.mu.Lock()
	room := p.limit - p.queued
	if room <= 0 || p.closed {
		p.mu.Unlock()
		return false, nil
	}
	cutoff := p.clock.Now().Add(-offerWindow)
	for r, at := range p.recent {
		if at.Before(cutoff) {
			delete(p.recent, r)
		}
	}
	p.stranded = false
	p.sweeping = true
	p.mu.Unlock()

	// Read as many as the pool holds: the oldest pending events are
	// often the ones already queued, which add skips.
	var pending []enquiry.Event
	now := p.clock.Now()
	if p.leaser != nil {
		// Not the events of customers another process holds: it handles
		// them, and they must not crowd this process's own out of the pool.
		pending, err = p.leaser.PendingUnleased(ctx, p.owner, now, now.Add(time.Second), p.limit)
	} else {
		pending, err = p.store.PendingEvents(ctx, now.Add(time.Second), p.limit)
	}
	if err != nil {
		p.mu.Lock()
		p.stranded = true
		p.sweeping = false
		for i := range p.late {
			p.lateKeys[laneKey(&p.late[i])] = struct{}{} // recorded, and in the store
		}
		p.holdBackLate()
		p.mu.Unlock()
		return false, err
	}

	p.mu.Lock()
	defer p.mu.Unlock()
	p.sweeping = false
	// Everything held back is released now: it is in pending, in order,
	// or it was left behind after the read and set p.stranded again. Once
	// the pool is full, add leaves the rest (overflow), so nothing that
	// follows overtakes what is left.
	clear(p.blocked)
	p.overflow = false
	for _, ev := range pending {
		p.add(ev, true)
	}
	if len(pending) == p.limit {
		p.stranded = true // there may be more
		p.overflow = true // and it must not be overtaken
	}
	// What was offered during the read comes after what it returned
	// (add skips those it returned too).
	for _, ev := range p.late {
		p.add(ev, false)
	}
	p.holdBackLate()
	return p.stranded && !p.overflow, nil
}

// holdBackLate ends a sweep's late bookkeeping: keys that had events left
// in the store while it read are held back until the next sweep. p.mu is
// held.
func (p *pool) holdBackLate() {
	for k := range p.lateKeys {
		p.blocked[k] = struct{}{}
	}
	clear(p.lateKeys)
	clear(p.late)
	p.late = p.late[:0]
}

// sweeper runs sweeps: at start (what a previous process left), when the
// pool overflowed and has room again, and every interval to retry events
// that failed for now.
func (p *pool) sweeper(ctx context.Context, interval time.Duration, logf func(error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		for {
			again, err := p.sweep(ctx)
			if err != nil {
				logf(err)
			}
			if !again {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-p.kick:
		case <-t.C:
		}
		for !p.needSweep() {
			select {
			case <-ctx.Done():
				return
			case <-p.kick:
			case <-t.C:
			}
		}
	}
}

// needSweep reports whether a sweep has something to do: events were
// left in the store, or (with a store shared by several processes)
// another process may have died holding some.
func (p *pool) needSweep() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stranded || p.leaser != nil
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
