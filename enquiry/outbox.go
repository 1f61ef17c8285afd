package enquiry

import (
	"cmp"
	"context"
	"slices"
	"sync"
)

// DefaultSenders is the default Config.Senders: how many enquiries' sends
// one desk instance has in flight at once. With a platform answering
// after 3 s (as in an incident), 64 senders send about 20 enquiries'
// messages a second, so a burst of some 1,000 new customers is still
// welcomed within a 50 s reply window (Kind.ReplyWindow), by free replies
// rather than by pushes that count against a monthly quota.
const DefaultSenders = 64

// outbox is the desk's in-process queue of outbound messages to send, by
// enquiry. What the desk records (a Welcome, a staff message, an Away or
// Close Enquiry message, a retry Tick claimed) is put here and the
// senders are woken at once; each sender takes one enquiry at a time, and
// no two take the same enquiry, so an enquiry's messages go out in order
// while other enquiries' go out beside them.
//
// The queue is only a wake-up: every message in it is pending in the
// Store and leased to this desk instance, so should the process die, the
// lease runs out (or Run's EndLeases ends it) and any instance's Tick
// claims and sends the message with its retry key. An outbox is safe for
// concurrent use.
type outbox struct {
	mu      sync.Mutex
	queued  map[string]*outWork // by enquiry ID: work not yet taken
	ready   []string            // enquiry IDs with queued work and no sender, oldest first
	busy    map[string]bool     // enquiry IDs a sender is working on
	signal  chan struct{}       // buffered 1: work is ready
	changed chan struct{}       // closed (and replaced) when a sender finishes work
}

// outWork is one enquiry's messages to send. c and e are those the
// messages were recorded with, or nil and zero for messages claimed from
// the Store, whose enquiry the sender reads first.
type outWork struct {
	enquiry string
	c       *deskChannel
	e       Enquiry
	msgs    []Message
	claimed bool // some messages came from ClaimPending: re-read before sending
}

func newOutbox() *outbox {
	return &outbox{
		queued: map[string]*outWork{}, busy: map[string]bool{},
		signal: make(chan struct{}, 1), changed: make(chan struct{}),
	}
}

// put queues w, merging it with work already queued for its enquiry, and
// wakes a sender. It never blocks.
func (o *outbox) put(w outWork) {
	if len(w.msgs) == 0 {
		return
	}
	o.mu.Lock()
	if q := o.queued[w.enquiry]; q != nil {
		q.merge(w)
	} else {
		o.queued[w.enquiry] = &w
		if !o.busy[w.enquiry] {
			o.ready = append(o.ready, w.enquiry)
		}
	}
	o.mu.Unlock()
	o.wake()
}

func (o *outbox) wake() {
	select {
	case o.signal <- struct{}{}:
	default: // a wake-up is pending already
	}
}

// merge adds w's messages that q does not have yet, keeping them in the
// enquiry's order.
func (q *outWork) merge(w outWork) {
	if w.c != nil {
		q.c, q.e = w.c, w.e
	}
	q.claimed = q.claimed || w.claimed
	have := make(map[string]bool, len(q.msgs))
	for _, m := range q.msgs {
		have[m.ID] = true
	}
	for _, m := range w.msgs {
		if !have[m.ID] {
			q.msgs = append(q.msgs, m)
		}
	}
	slices.SortStableFunc(q.msgs, func(a, b Message) int {
		if a.Seq <= 0 || b.Seq <= 0 {
			return 0
		}
		return cmp.Compare(a.Seq, b.Seq)
	})
}

// take returns the oldest ready work and marks its enquiry busy until
// done; false when none is ready.
func (o *outbox) take() (outWork, bool) {
	o.mu.Lock()
	if len(o.ready) == 0 {
		o.mu.Unlock()
		return outWork{}, false
	}
	id := o.ready[0]
	o.ready = o.ready[1:]
	w := o.queued[id]
	delete(o.queued, id)
	o.busy[id] = true
	more := len(o.ready) > 0
	o.mu.Unlock()
	if more {
		o.wake() // another sender may take the next enquiry
	}
	return *w, true
}

// done ends the work on enquiry id that take handed out; work queued for
// it meanwhile becomes ready.
func (o *outbox) done(id string) {
	o.mu.Lock()
	delete(o.busy, id)
	again := o.queued[id] != nil
	if again {
		o.ready = append(o.ready, id)
	}
	close(o.changed)
	o.changed = make(chan struct{})
	o.mu.Unlock()
	if again {
		o.wake()
	}
}

// idle reports whether nothing is queued or being sent, and returns a
// channel closed when that may have changed.
func (o *outbox) idle() (bool, <-chan struct{}) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.queued) == 0 && len(o.busy) == 0, o.changed
}

// senders runs n senders until ctx ends and waits for them.
func (d *Desk) senders(ctx context.Context, n int) {
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			// ctx first: work cut off by ctx may be queued again at once,
			// and a sender that only took work would never stop.
			for ctx.Err() == nil {
				if w, ok := d.outbox.take(); ok {
					d.sendWork(ctx, w)
					continue
				}
				select {
				case <-ctx.Done():
					return
				case <-d.outbox.signal:
				}
			}
		})
	}
	wg.Wait()
}

// sendWork sends one enquiry's queued messages and ends the work.
func (d *Desk) sendWork(ctx context.Context, w outWork) {
	defer d.outbox.done(w.enquiry)
	e := w.e
	if w.c == nil {
		var err error
		if e, err = d.store.Enquiry(ctx, w.enquiry); err != nil {
			d.log.ErrorContext(ctx, "reading an enquiry to send its messages failed; its lease runs out and they are retried", "enquiry", w.enquiry, "err", err)
			return
		}
	}
	// The channel as it is now (from the desk's short cache), not as it
	// was when the messages were recorded: one suspended meanwhile sends
	// nothing.
	c, err := d.channel(ctx, e.Channel)
	if err != nil && w.c == nil {
		d.log.ErrorContext(ctx, "reading a channel to send its messages failed; their lease runs out and they are retried", "channel", e.Channel, "enquiry", w.enquiry, "err", err)
		return
	}
	if err != nil {
		c = w.c
	}
	d.deliver(ctx, c, e, w.msgs, w.claimed)
}

// Flush sends everything the desk has queued to send, on the calling
// goroutine (beside Run's senders, if Run is running), and returns when
// nothing is queued or being sent, or with ctx's error when ctx ends
// first. Hosts and tests that do not call Run use it to send what
// Receive, Send, Close and the other methods recorded; with Run, they
// need not. It is safe for concurrent use.
func (d *Desk) Flush(ctx context.Context) error {
	for {
		if w, ok := d.outbox.take(); ok {
			d.sendWork(ctx, w)
			continue
		}
		idle, changed := d.outbox.idle()
		if idle {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-changed:
		}
	}
}
