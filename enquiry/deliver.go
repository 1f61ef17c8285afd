package enquiry

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"time"

	"github.com/socialdesk/socialdesk/internal/backoff"
	"github.com/socialdesk/socialdesk/internal/retry"
)

// deliver sends e's pending outbound messages, in order, batch by batch.
// Failures are recorded on the messages; retryable ones stay pending for
// Tick to claim again. The caller is the outbox's one sender of e, so no
// other send of e runs in this process meanwhile. Messages claimed from
// the store (claimed) are re-read first; messages this desk has just
// created are leased to it, so no other sender can have touched them.
func (d *Desk) deliver(ctx context.Context, c *deskChannel, e Enquiry, msgs []Message, claimed bool) {
	var pending []Message
	for _, m := range msgs {
		if m.Direction == Out && m.Content.Kind != Note && m.Delivery != nil && m.Delivery.State == Pending {
			pending = append(pending, m)
		}
	}
	if len(pending) == 0 {
		return
	}
	if claimed {
		if pending = d.stillPending(ctx, e.ID, pending); len(pending) == 0 {
			return
		}
	}
	maxBatch := d.kind(c.ch.Kind).MaxBatch
	var prev string // the batch of the previous send
	for rest := pending; len(rest) > 0; {
		n := 1
		for n < len(rest) && n < maxBatch && rest[n].Batch == rest[0].Batch {
			n++
		}
		// The retry key of what is pending of a batch is the batch's ID,
		// also when an earlier attempt's outcome was recorded for some of
		// its messages only: the platform then takes the rest as the
		// request it already carried out. A later part of a batch cut at
		// the kind's MaxBatch has a key of its own, its first message's ID,
		// so the platform does not take it for the first part. (Should an
		// attempt at a cut batch be recorded for only some messages of a
		// part, the parts are cut anew from what is pending and their
		// keys move with them; batches are at most a few auto-messages,
		// within every kind's MaxBatch but that of a connector which sends
		// one message a request and takes no key.)
		key := cmp.Or(rest[0].Batch, rest[0].ID)
		if rest[0].Batch != "" && rest[0].Batch == prev {
			key = rest[0].ID
		}
		prev = rest[0].Batch
		d.sendBatch(ctx, c, e, rest[:n], key)
		rest = rest[n:]
	}
}

// stillPending re-reads msgs and keeps the ones still pending: another
// desk instance, or this one's sender before a lease ran out, may have
// sent them meanwhile (a send can outlast a lease).
func (d *Desk) stillPending(ctx context.Context, enquiry string, msgs []Message) []Message {
	first, last := msgs[0].Seq, msgs[len(msgs)-1].Seq
	if first <= 0 || last < first {
		return msgs
	}
	current, err := d.store.Messages(ctx, enquiry, first-1, int(last-first)+1)
	if err != nil {
		return msgs // the send is keyed: at worst the platform refuses it as done
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

// retryable reports whether err says to try again later: the sender
// says so, or the attempt was cut off.
func retryable(err error) bool { return retry.Retryable(err) || retry.Cut(err) }

// redelivery is the wait before delivery attempt n+1: 2s, 4s, 8s …
// capped at 5 minutes. (The connector retries quickly within one
// attempt; this is the slow retry across Ticks.)
var redelivery = backoff.Policy{Base: 2 * time.Second, Max: 5 * time.Minute}

// sendBatch sends one batch and records the outcome on each message, in
// the store and in batch itself.
//
// A reply handle taken from the enquiry is first recorded on the batch's
// deliveries, before the request: should this process die mid-request,
// the next attempt (by whichever instance) finds it there and uses it
// again (Outbound.ReplyRetry) rather than send another way, which could
// deliver the messages twice. A send cut off because ctx ended (the desk
// stopping, a caller gone) has no known outcome either: it stays pending
// with its handle and is retried, the same way, after a short backoff.
func (d *Desk) sendBatch(ctx context.Context, c *deskChannel, e Enquiry, batch []Message, key string) {
	var rcpt Receipt
	var err error
	k := d.kind(c.ch.Kind)
	switch {
	case k.Sender == nil:
		err = ErrNoConnector
	case c.ch.State == Suspended:
		err = ErrSuspended
	case e.ReadOnly:
		err = ErrReadOnly
	default:
		// A customer who blocked the account gets nothing: fail at once,
		// ErrBlocked as the reason, rather than send into the platform's refusal.
		// (Should the store not answer, the send goes ahead: the platform
		// refuses it if it must.)
		if f, _, ferr := d.store.Friendship(ctx, e.Channel, e.Customer.ID); ferr == nil && f == Blocked {
			err = ErrBlocked
			break
		}
		// The sender gets its own copy: the desk records outcomes on batch.
		out := Outbound{Channel: c.ch, Customer: e.Customer, Messages: slices.Clone(batch), RetryKey: key}
		if out.FreeUntil, err = d.windowEnd(ctx, k, e); err != nil {
			err = retry.Error(err, true) // the store did not answer: try later
		} else if !out.FreeUntil.IsZero() && !d.clock.Now().Before(out.FreeUntil) {
			err = ErrWindowClosed // refused here: never sent to fail
		}
		if err == nil {
			out.Reply, out.ReplyRetry, err = d.takeReply(ctx, k, e, batch)
			if k.PushAfterWindow && k.ReplyWindow > 0 && out.Reply.Handle != "" {
				out.FreeUntil = out.Reply.At.Add(k.ReplyWindow)
			}
		}
		if err == nil {
			rcpt, err = k.Sender.Send(ctx, out)
		}
	}
	cutOff := err != nil && ctx.Err() != nil
	// Record the outcome even if the caller's context ended meanwhile:
	// the platform may have carried the send out, and a later attempt must know.
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
			// Unknown outcome: keep the reply handle for the retry.
			del.State, del.Reason = Pending, "interrupted: "+err.Error()
			del.LeaseUntil, del.Owner = now.Add(redelivery.Delay(del.Attempts)), d.instance
		case err == nil:
			del.State, del.Reason, del.RequestID = Sent, "", rcpt.RequestID
		case errors.Is(err, ErrQuotaExhausted):
			del.State, del.Reason = QuotaExhausted, err.Error()
		case retryable(err) && del.Attempts < d.maxAttempts:
			del.State, del.Reason = Pending, err.Error()
			del.LeaseUntil, del.Owner = now.Add(redelivery.Delay(del.Attempts)), d.instance
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
			// The sender gave its verdict, which covers the handle: a
			// retryable error means no request that may have used it.
			del.Reply = Reply{}
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

// takeReply returns the reply handle the send of batch may use, and
// whether an earlier attempt of it may have used it already: the one
// held on the batch's deliveries by that attempt, else the enquiry's
// unused one, taken (so no other send gets it) and held on the
// deliveries before it is used. A handle the kind's window says is no
// longer good, or that could not be held, is spent without use: the send
// goes without it, and its retry key makes every attempt count once.
func (d *Desk) takeReply(ctx context.Context, k Kind, e Enquiry, batch []Message) (Reply, bool, error) {
	if held := batch[0].Delivery.Reply; held.Handle != "" {
		return held, true, nil
	}
	r, err := d.store.TakeReply(ctx, e.ID)
	if err != nil || !handleGood(k, r, d.clock.Now()) || !d.holdReply(ctx, e, batch, r) {
		return Reply{}, false, err
	}
	return r, false, nil
}

// holdReply records the reply handle on the batch's deliveries (in the
// store and in batch) before it is used, and reports whether it could.
func (d *Desk) holdReply(ctx context.Context, e Enquiry, batch []Message, r Reply) bool {
	for i := range batch {
		del := *batch[i].Delivery
		del.Reply = r
		if err := d.store.SetDelivery(ctx, batch[i].ID, del); err != nil {
			d.log.WarnContext(ctx, "recording the reply handle of a send failed; sending without it", "channel", e.Channel, "enquiry", e.ID, "message", batch[i].ID, "err", err)
			return false
		}
		batch[i].Delivery = &del
	}
	return true
}
