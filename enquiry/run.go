package enquiry

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Run drives the desk until ctx ends, and returns nil then, once its
// goroutines have stopped. It starts Config.Senders senders, which send
// what the desk records for customers (Welcome, Away and Close Enquiry
// messages, staff messages, auto-close warnings) as soon as it is
// recorded, each enquiry's in order and different enquiries' beside each
// other; and every TickInterval it fires due timers (ring timeouts,
// auto-close) and claims pending deliveries whose lease ran out (retries,
// and sends a dead instance left) for the senders.
//
// Run is what sends: Receive, Send, Close and the other methods only
// record and queue. A desk that does not Run sends nothing until Flush or
// Tick is called.
//
// Several desk instances may Run on one shared Store: each claims due
// work with a lease, so none is done twice and none is lost when an
// instance dies. Run starts by ending the leases held under
// Config.Instance (Store.EndLeases), so its first tick takes over what a
// dead process of the same name left: sends cut off mid-request are
// retried with their retry key and reply handle. Sends this process has
// queued itself are not repeated: the outbox has one sender per enquiry
// at a time, and claimed messages are re-read before they are sent.
func (d *Desk) Run(ctx context.Context) error {
	if err := d.store.EndLeases(ctx, d.instance); err != nil && ctx.Err() == nil {
		d.log.ErrorContext(ctx, "taking over this instance's leases failed; they run out instead", "instance", d.instance, "err", err)
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() { d.senders(ctx, d.nsenders) })
	t := time.NewTicker(d.tick)
	defer t.Stop()
	for {
		if err := d.round(ctx); err != nil && ctx.Err() == nil {
			d.log.ErrorContext(ctx, "desk tick failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Tick does one round of Run's timer work at the clock's current time
// (due timers, then pending deliveries whose lease ran out) and then
// sends, as Flush does, everything queued to send. Tests with a fake
// clock call it directly; with Run running it is not needed.
func (d *Desk) Tick(ctx context.Context) error {
	err := d.round(ctx)
	return errors.Join(err, d.Flush(ctx))
}

// round fires due timers and queues claimed pending deliveries for the
// senders.
func (d *Desk) round(ctx context.Context) error {
	now := d.clock.Now()
	due, err := d.store.ClaimDue(ctx, d.instance, now, d.lease, 100)
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range due {
		if err := d.fire(ctx, e); err != nil && !errors.Is(err, ErrConflict) {
			errs = append(errs, err)
		}
	}
	pending, err := d.store.ClaimPending(ctx, d.instance, now, d.sendLease, 100)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	for len(pending) > 0 {
		n := 1
		for n < len(pending) && pending[n].Enquiry == pending[0].Enquiry {
			n++
		}
		d.outbox.put(outWork{enquiry: pending[0].Enquiry, msgs: pending[:n:n], claimed: true})
		pending = pending[n:]
	}
	return errors.Join(errs...)
}
