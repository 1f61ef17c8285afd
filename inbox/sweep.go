package inbox

import (
	"context"
	"time"
)

// sweep queues what the store still has pending, oldest first, as far as
// there is room. It reports whether another sweep should follow at once:
// something was left in the store, and there is room for it that no
// worker will report (a worker wakes the sweeper only when the pool,
// having overflowed, is down to half).
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
	var pending []Record
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
		p.lateLost = p.lateLost || len(p.late) > 0 // recorded, and in the store
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
	// Sweep again at once when events were left in the store and nothing
	// else will wake the sweeper soon: a worker wakes it only once the
	// pool, having overflowed, is down to half (finish).
	return p.stranded && (!p.overflow || p.queued <= p.limit/2), nil
}

// holdBackLate ends a sweep's late bookkeeping. When events offered
// during the read had to be left in the store, everything waits for the
// next sweep (overflow), which reads them in order; the workers wake it
// once there is room. (Holding back only their keys instead, until the
// next sweep, left that sweep to no one when the pool was exactly full:
// see TestEventsOfferedBeyondRoomDuringASweepAreFetchedWithoutWaitingForTheRetryInterval.)
// p.mu is held.
func (p *pool) holdBackLate() {
	if p.lateLost {
		p.overflow = true
		p.lateLost = false
	}
	clear(p.late)
	p.late = p.late[:0]
}

// sweeper runs sweeps: at start (what a previous process left), when the
// pool overflowed and has room again, and every interval to retry events
// that failed for now.
func (p *pool) sweeper(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		for {
			again, err := p.sweep(ctx)
			if err != nil && ctx.Err() == nil {
				p.log.ErrorContext(ctx, "inbox: reading pending events failed", "err", err)
			}
			if !again {
				break
			}
		}
		if p.idleHook != nil {
			p.idleHook()
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
