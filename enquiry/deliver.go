package enquiry

import (
	"context"
	"errors"
	"hash/maphash"
	"time"
)

// maxBatch is the most messages one platform request carries (LINE: 5).
const maxBatch = 5

// deliver sends e's pending outbound messages, in order, batch by batch,
// and returns them with their delivery state after this attempt.
// Failures are recorded on the messages; retryable ones stay pending for
// Run. Messages claimed from the store (claimed) are re-read once the send
// lock is held; messages this desk has just created are leased to it, so
// no other sender can have touched them.
func (d *Desk) deliver(ctx context.Context, c *deskChannel, e Enquiry, msgs []Message, claimed bool) []Message {
	var pending []Message
	for _, m := range msgs {
		if m.Direction == Out && m.Content.Kind != Note && m.Delivery != nil && m.Delivery.State == Pending {
			pending = append(pending, m)
		}
	}
	if len(pending) == 0 {
		return nil
	}
	lock := &d.sendLocks[maphash.String(d.seed, e.ID)%uint64(len(d.sendLocks))]
	lock.Lock()
	defer lock.Unlock()
	if claimed {
		if pending = d.stillPending(ctx, e.ID, pending); len(pending) == 0 {
			return nil
		}
	}
	for rest := pending; len(rest) > 0; {
		n := 1
		for n < len(rest) && n < maxBatch && rest[n].Batch == rest[0].Batch {
			n++
		}
		d.sendBatch(ctx, c, e, rest[:n])
		rest = rest[n:]
	}
	return pending
}

// stillPending re-reads msgs after the send lock is taken and keeps the
// ones still pending: while this caller waited for the lock, the desk
// instance holding it may have sent them (a send can outlast a lease).
func (d *Desk) stillPending(ctx context.Context, enquiry string, msgs []Message) []Message {
	first, last := msgs[0].Seq, msgs[len(msgs)-1].Seq
	if first <= 0 || last < first {
		return msgs
	}
	current, err := d.store.Messages(ctx, enquiry, first-1, int(last-first)+1)
	if err != nil {
		return msgs // the send is keyed: at worst LINE answers 409
	}
	state := make(map[string]*Delivery, len(current))
	for i := range current {
		state[current[i].ID] = current[i].Delivery
	}
	keep := msgs[:0:0]
	for _, m := range msgs {
		if del, ok := state[m.ID]; !ok || del != nil && del.State == Pending {
			if ok {
				m.Delivery = del
			}
			keep = append(keep, m)
		}
	}
	return keep
}

// retryable reports whether err says to try again later.
func retryable(err error) bool {
	var r interface{ Retryable() bool }
	return errors.As(err, &r) && r.Retryable() || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
}

// sendBatch sends one batch and records the outcome on each message, in
// the store and in batch itself.
//
// A reply token taken from the enquiry is first recorded on the batch's
// deliveries, before the request: should this process die mid-request,
// the next attempt (by whichever instance) finds it there and replies
// with it again (Outbound.ReplyRetry) rather than push, which could
// deliver the messages twice. A send cut off because ctx ended (the desk
// stopping, a caller gone) has no known outcome either: it stays pending
// with its token and is retried, the same way, after a short backoff.
func (d *Desk) sendBatch(ctx context.Context, c *deskChannel, e Enquiry, batch []Message) {
	var rcpt Receipt
	var err error
	switch {
	case c.ch.State == Suspended:
		err = ErrSuspended
	case e.Standby:
		err = ErrStandby
	default:
		// A customer who blocked the account gets nothing: fail at once,
		// ErrBlocked as the reason, rather than push into LINE's refusal.
		// (Should the store not answer, the send goes ahead: the platform
		// refuses it if it must.)
		if f, _, ferr := d.store.Friendship(ctx, e.Channel, e.Customer.ID); ferr == nil && f == Blocked {
			err = ErrBlocked
			break
		}
		out := Outbound{Channel: c.ch, Customer: e.Customer, Messages: batch, RetryKey: batch[0].Batch}
		if out.RetryKey == "" {
			out.RetryKey = batch[0].ID
		}
		if held := batch[0].Delivery; held.ReplyToken != "" {
			out.ReplyToken, out.ReplyTokenAt, out.ReplyRetry = held.ReplyToken, held.ReplyTokenAt, true
		} else {
			out.ReplyToken, out.ReplyTokenAt, err = d.store.TakeReplyToken(ctx, e.ID)
			if err == nil && out.ReplyToken != "" && !d.holdToken(ctx, e, batch, out.ReplyToken, out.ReplyTokenAt) {
				// Not recorded: a reply now could not be retried safely
				// after a crash. The token is spent; the push's retry key
				// makes every attempt count once.
				out.ReplyToken, out.ReplyTokenAt = "", time.Time{}
			}
		}
		if err == nil {
			rcpt, err = d.sender.Send(ctx, out)
		}
	}
	cutOff := err != nil && ctx.Err() != nil
	// Record the outcome even if the caller's context ended meanwhile:
	// LINE may have carried the send out, and a later attempt must know.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	now := d.clock.Now()
	for i := range batch {
		m := &batch[i]
		del := *m.Delivery
		del.Attempts++
		del.At = now
		switch {
		case cutOff:
			// Unknown outcome: keep the reply token for the retry.
			del.State, del.Reason = Pending, "interrupted: "+err.Error()
			del.LeaseUntil, del.Owner = now.Add(backoff(del.Attempts)), d.instance
		case err == nil:
			del.State, del.Reason, del.RequestID = Sent, "", rcpt.RequestID
		case errors.Is(err, ErrQuotaExhausted):
			del.State, del.Reason = QuotaExhausted, err.Error()
		case retryable(err) && del.Attempts < d.maxAttempts:
			del.State, del.Reason = Pending, err.Error()
			del.LeaseUntil, del.Owner = now.Add(backoff(del.Attempts)), d.instance
		default:
			del.State, del.Reason = Failed, err.Error()
			var rid interface{ RequestID() string }
			if errors.As(err, &rid) {
				del.RequestID = rid.RequestID()
			}
		}
		if del.State != Pending {
			del.LeaseUntil, del.Owner = time.Time{}, ""
		}
		if !cutOff {
			// The sender gave its verdict, which covers the token: a
			// retryable error means no request that may have used it.
			del.ReplyToken, del.ReplyTokenAt = "", time.Time{}
		}
		if serr := d.store.SetDelivery(ctx, m.ID, del); serr != nil {
			d.log.ErrorContext(ctx, "recording a delivery failed", "channel", e.Channel, "enquiry", e.ID, "message", m.ID, "err", serr)
			continue
		}
		m.Delivery = &del
		d.publish(MessageUpdated, e.Channel, nil, m)
	}
	if err != nil && errors.Is(err, ErrQuotaExhausted) {
		// The sender logs the channel's exhaustion once; this is per batch.
		d.log.InfoContext(ctx, "not sent: message quota used up", "channel", e.Channel, "enquiry", e.ID, "messages", len(batch), "err", err)
	} else if err != nil {
		d.log.WarnContext(ctx, "sending failed", "channel", e.Channel, "enquiry", e.ID, "messages", len(batch), "retryable", retryable(err), "cut_off", cutOff, "err", err)
	}
}

// holdToken records the reply token on the batch's deliveries (in the
// store and in batch) before it is used, and reports whether it could.
func (d *Desk) holdToken(ctx context.Context, e Enquiry, batch []Message, token string, at time.Time) bool {
	for i := range batch {
		del := *batch[i].Delivery
		del.ReplyToken, del.ReplyTokenAt = token, at
		if err := d.store.SetDelivery(ctx, batch[i].ID, del); err != nil {
			d.log.WarnContext(ctx, "recording the reply token of a send failed; pushing instead", "channel", e.Channel, "enquiry", e.ID, "message", batch[i].ID, "err", err)
			return false
		}
		batch[i].Delivery = &del
	}
	return true
}

// backoff is the wait before delivery attempt n+1: 2s, 4s, 8s … capped
// at 5 minutes. (The connector retries quickly within one attempt; this
// is the slow retry across Run ticks.)
func backoff(attempts int) time.Duration {
	d := 2 * time.Second << min(attempts-1, 8)
	return min(d, 5*time.Minute)
}

// Run drives the desk's timers (ring timeouts, auto-close) and retries
// pending deliveries, every TickInterval, until ctx ends. It returns nil
// when ctx ends. Several desk instances may Run on one shared Store: each
// claims due work with a lease, so none is done twice and none is lost
// when an instance dies.
//
// Run starts by ending the leases held under Config.Instance
// (Store.EndLeases), so its first tick takes over what a dead process of
// the same name left: sends cut off mid-request are retried with their
// retry key and reply token. Sends this process has started itself are
// not repeated: the per-enquiry send lock and a re-read of the messages
// stop that.
func (d *Desk) Run(ctx context.Context) error {
	if err := d.store.EndLeases(ctx, d.instance); err != nil && ctx.Err() == nil {
		d.log.ErrorContext(ctx, "taking over this instance's leases failed; they run out instead", "instance", d.instance, "err", err)
	}
	t := time.NewTicker(d.tick)
	defer t.Stop()
	for {
		if err := d.Tick(ctx); err != nil && ctx.Err() == nil {
			d.log.ErrorContext(ctx, "desk tick failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Tick does one round of Run's work at the clock's current time: due
// timers, then pending deliveries. Tests with a fake clock call it
// directly.
func (d *Desk) Tick(ctx context.Context) error {
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
		if err := d.redeliver(ctx, pending[:n]); err != nil {
			errs = append(errs, err)
		}
		pending = pending[n:]
	}
	return errors.Join(errs...)
}

func (d *Desk) redeliver(ctx context.Context, msgs []Message) error {
	e, err := d.store.Enquiry(ctx, msgs[0].Enquiry)
	if err != nil {
		return err
	}
	c, err := d.channel(ctx, e.Channel)
	if err != nil {
		return err
	}
	d.deliver(ctx, c, e, msgs, true)
	return nil
}

// fire handles one due timer. It works on the claimed copy: if anything
// changed meanwhile the conditional update fails and the timer is left
// to the new state.
func (d *Desk) fire(ctx context.Context, e Enquiry) error {
	c, err := d.channel(ctx, e.Channel)
	if err != nil {
		return err
	}
	now := d.clock.Now()
	switch e.Timer {
	case RouteTimer:
		_, err := d.start(ctx, c, e)
		return err
	case RingTimer:
		from := e.State
		bot, exhausted := d.ring(c, &e, e.Step+1, now)
		var out []Message
		tr := &Transition{From: from, To: e.State, By: BySystem, At: now, Note: "ring timeout"}
		if exhausted {
			out = d.missed(out, c, &e, now)
		} else if e.State == from {
			tr = nil // the next step rings: same state
		}
		n, msgs, err := d.store.Update(ctx, Change{Enquiry: e, Transition: tr, Append: out})
		if err != nil {
			return err
		}
		d.after(ctx, c, n, msgs, bot)
		return nil
	case WarnTimer, IdleTimer:
		return d.idle(ctx, c, e, now)
	}
	return nil
}

// idle handles the auto-close timers of an attended enquiry.
func (d *Desk) idle(ctx context.Context, c *deskChannel, e Enquiry, now time.Time) error {
	ac := d.autoClose
	if e.State != Attending || ac.After <= 0 {
		e.Timer, e.Deadline = NoTimer, time.Time{}
		_, _, err := d.store.Update(ctx, Change{Enquiry: e})
		return err
	}
	var out []Message
	spokeSince := now.Before(e.LastActivity.Add(ac.After - ac.Before)) // warning (or close) not yet due
	if e.Timer == IdleTimer && ac.Before > 0 {
		spokeSince = e.LastActivity.After(e.Deadline.Add(-ac.Before)) // someone spoke after the warning
	}
	switch {
	case spokeSince:
		// Someone spoke since the timer was armed: re-arm from then.
		e.Timer, e.Deadline = d.idleTimer(&e, e.LastActivity)
	case e.Timer == WarnTimer:
		if c.ch.State == Active && !e.Standby {
			out = append(out, d.outMessage(Author{Kind: AuthorBot, ID: "warning"}, Content{Kind: Text, Text: ac.Warning}, now))
		}
		e.Timer, e.Deadline = IdleTimer, now.Add(ac.Before)
	default:
		_, err := d.Close(ctx, e.ID, BySystem)
		if errors.Is(err, ErrClosed) {
			return nil
		}
		return err
	}
	e.Updated = now
	n, msgs, err := d.store.Update(ctx, Change{Enquiry: e, Append: out})
	if err != nil {
		return err
	}
	d.after(ctx, c, n, msgs, "")
	return nil
}
