package inbox

import (
	"cmp"
	"context"
	"errors"
	"maps"
	"slices"
	"time"
)

// leaseBatch is how many of a key's pending events a lease or release
// reads: the worker reads again before each event, so a few suffice, and
// a customer's backlog is not read whole for every event of it.
const leaseBatch = 32

// useLeases makes p lease each key from l before working on its events,
// as owner, for lease at a time (renewed by renewLeases while held).
func (p *pool) useLeases(l Leaser, owner string, lease time.Duration) {
	p.leaser, p.owner, p.lease = l, owner, lease
	p.leases = make(map[Key]struct{})
}

// leaseCtx is the context of a call that takes or gives up a lease: not
// cut off when ctx ends, only bounded in time. A call cut off mid-way may
// still commit in the store after Run has ended this process's leases,
// and its lease would then hold the customer's events until it runs out;
// so it runs to its end: its outcome is known, and Run ends the lease too.
func leaseCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), leaseCallTimeout)
}

// leaseCallTimeout bounds one lease call to the store; a worker's calls
// share one such context while it has at least leaseCallMin left
// (leaseCalls), so each call has 4 to 5 s.
const (
	leaseCallTimeout = 5 * time.Second
	leaseCallMin     = 4 * time.Second
)

// leaseCalls gives one worker's lease and release calls their contexts:
// leaseCtx's, reused while it has at least leaseCallMin of its time left,
// rather than a new context and timer for every call (two for every
// event). It is used by its worker's goroutine only.
type leaseCalls struct {
	parent context.Context
	ctx    context.Context
	cancel context.CancelFunc
	until  time.Time // ctx's deadline
}

// get returns the context for the next call.
func (c *leaseCalls) get() context.Context {
	now := time.Now() // deadlines are of the real time, whatever the pool's clock
	if c.ctx == nil || c.until.Sub(now) < leaseCallMin || c.ctx.Err() != nil {
		c.stop()
		c.ctx, c.cancel = leaseCtx(c.parent)
		c.until = now.Add(leaseCallTimeout)
	}
	return c.ctx
}

// stop releases the context's timer.
func (c *leaseCalls) stop() {
	if c.cancel != nil {
		c.cancel()
	}
	c.ctx, c.cancel = nil, nil
}

// leaseLane leases (or renews the lease on) l's key before each of its
// events and puts the key's pending events into l, in store order: those
// recorded here and those another process recorded meanwhile, which
// come before l's newer ones. It reports whether a worker may go on with
// l. When another process holds the key, l's events leave memory: that
// process handles them before it releases the key. p.mu is held, and
// released during the store call; the caller holds l.
func (p *pool) leaseLane(ctx context.Context, calls *leaseCalls, l *lane) bool {
	now := p.clock.Now()
	p.mu.Unlock()
	pending, ok, err := p.leaser.LeaseKey(calls.get(), l.key, p.owner, now, now.Add(p.lease), leaseBatch)
	p.mu.Lock()
	switch {
	case err != nil:
		if ctx.Err() == nil {
			p.log.ErrorContext(ctx, "inbox: leasing a customer's events failed; will retry", "channel", l.key.Channel, "err", err)
		}
		// The store may have granted it all the same (an answer lost to
		// a cancelled context, say): end it with the others when Run stops.
		p.leases[l.key] = struct{}{}
		p.finish(l, false)
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
	p.leases[l.key] = struct{}{}
	if p.closed {
		// Shutdown: finish what was queued (and, to keep the order, the
		// key's older events), take on nothing newer.
		queued := make(map[ref]struct{}, len(l.events))
		for i := range l.events {
			queued[refOf(&l.events[i])] = struct{}{}
		}
		last := -1
		for i := range pending {
			if _, ok := queued[refOf(&pending[i])]; ok {
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
		p.release(ctx, calls, l)
		return false
	}
	return true
}

// forget takes l's events out of memory, leaving them to the store.
// p.mu is held.
func (p *pool) forget(l *lane) {
	for i := range l.events {
		delete(p.held, refOf(&l.events[i]))
		delete(p.swept, refOf(&l.events[i]))
	}
	p.queued -= len(l.events)
	clear(l.events)
	l.events = l.events[:0]
}

// release gives up the lease on l's key now that l is empty, unless the
// store has more of the key's events pending (recorded by another process
// meanwhile): then l takes them and stays leased. p.mu is held, and
// released during the store call; the caller holds l.
func (p *pool) release(ctx context.Context, calls *leaseCalls, l *lane) {
	p.mu.Unlock()
	pending, err := p.leaser.ReleaseKey(calls.get(), l.key, p.owner, leaseBatch)
	p.mu.Lock()
	switch {
	case errors.Is(err, ErrLeaseLost):
		l.leased = false
		delete(p.leases, l.key)
	case err != nil:
		// Unknown: no longer renewed, a lease still held runs out.
		l.leased = false
		if ctx.Err() == nil {
			p.log.ErrorContext(ctx, "inbox: releasing a customer's events failed", "channel", l.key.Channel, "err", err)
		}
	case len(pending) == 0:
		l.leased = false
		delete(p.leases, l.key)
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
func (p *pool) hold(l *lane, pending []Record) {
	for _, ev := range pending {
		r := refOf(&ev)
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
	slices.SortStableFunc(l.events, func(a, b Record) int { return cmp.Compare(a.Seq, b.Seq) })
}

// drop takes l's events out of memory without handling them: another
// process holds their key. p.mu is held.
func (p *pool) drop(l *lane) {
	p.forget(l)
	delete(p.lanes, l.key)
	p.idleCheck()
}

// leasedKeys returns the keys this process holds leases on. p.mu is held.
func (p *pool) leasedKeys() []Key {
	var keys []Key
	for _, l := range p.lanes {
		if l.leased {
			keys = append(keys, l.key)
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
		p.log.WarnContext(ctx, "inbox: ending leases on customers' events failed; they run out by themselves", "keys", len(keys), "err", err)
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
		lctx, cancel := leaseCtx(ctx)
		err := p.leaser.RenewKeys(lctx, p.owner, keys, p.clock.Now().Add(p.lease))
		cancel()
		if err != nil && ctx.Err() == nil {
			p.log.ErrorContext(ctx, "inbox: renewing leases on customers' events failed", "keys", len(keys), "err", err)
		}
	}
}
