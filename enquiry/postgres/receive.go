package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/socialdesk/socialdesk/enquiry"
)

// receiveSQL calls the function socialdesk_receive (migrations/0003) and
// spreads the enquiry and message it returns into columns. The leading
// comment names the call where pg_stat_activity shows the query (it keeps
// only the first 1 KiB).
var receiveSQL = "/* socialdesk_receive */ SELECT " + qualify(enquiryColumns, "(r.r_enquiry).") + ", " +
	qualify(messageColumns, "(r.r_message).") + ", r.r_opened, r.r_duplicate, r.r_reused" +
	" FROM socialdesk_receive(" + placeholders(1, 35) + ") r"

// placeholders returns "$from, …, $to".
func placeholders(from, to int) string {
	var b strings.Builder
	for i := from; i <= to; i++ {
		if i > from {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", i)
	}
	return b.String()
}

// Group commit: a commit waits for the database to flush its log to disk,
// which takes milliseconds, so Receive combines the calls that arrive at
// once into one transaction. A Store runs at most maxInFlight Receive
// transactions at a time, and no more than its pool has connections, and
// no two of them carry messages of one customer: they would wait for each
// other's commit on the customer's enquiry, holding their other
// customers' meanwhile. A call that finds a transaction free, and its
// customer in none, runs alone, at once; the others queue, and whoever
// frees a transaction takes up to maxBatch of them (of customers in no
// other transaction) into the next one. A lone caller never waits for
// company. Two at once did best (BENCHMARKS.md, issue 22): a batch's
// statement costs 0.23 to 0.26 ms of the database's CPU however few its
// messages, and about 60 us a message more, so fewer and larger batches
// cost less; two let one batch's statement run while the other's commit
// is flushed. Up to maxEach messages cost less as one plain statement
// each (joinEach), about 0.12 ms a message.
const (
	maxInFlight = 2
	maxBatch    = 64
)

// receiver is a Store's group commit. The zero value is ready.
type receiver struct {
	limit    int // Receive transactions at most at once; 0 means maxInFlight
	mu       sync.Mutex
	inFlight int                  // Receive transactions running
	queue    []*receiveCall       // calls waiting for one
	busy     map[customerKey]bool // the customers of the transactions running
	runners  sync.WaitGroup       // the goroutines running batches
	plans    planCache            // the enquiries' plans, as batches decode them

	// For benchmarks: transactions begun, and the messages they carried.
	txs, msgs atomic.Int64
}

// customerKey names a customer of a channel.
type customerKey struct{ channel, customer string }

// receiveCall is a Receive waiting in the queue or in a batch.
type receiveCall struct {
	a    *enquiry.Arrival
	key  customerKey   // the arrival's; also the lock order of a batch
	done chan struct{} // closed when r and err are set
	r    enquiry.Received
	err  error

	// Guarded by receiver.mu.
	batch    *receiveBatch // the batch that took the call; nil while queued
	gone     bool          // the caller stopped waiting
	finished bool          // done is closed, or about to be
}

// receiveBatch is one transaction of queued calls.
type receiveBatch struct {
	waiting int                // callers still waiting; guarded by receiver.mu
	cancel  context.CancelFunc // called when none is
}

// Receive atomically de-duplicates the message (by channel, customer and
// external ID), finds or opens the one open enquiry of (channel,
// customer), and appends the message:
// enquiry.ErrNotFound if there is no such channel. Joining an open enquiry
// updates only the fields Receive owns (customer name, reply handle when
// the message has one, read-only, last activity), which leaves its Version
// as it was.
//
// Concurrent calls share transactions (group commit): a call that arrives
// while the store is busy joins the next batch, whose messages to open
// enquiries go in one transaction and one commit (a statement each for a
// few, one statement for more), and the others (a customer's first, a
// duplicate) in a second. Each call's result is what
// it would be alone, as if the batch's calls ran one after the other (a
// duplicate's enquiry is as the batch left it), and a message that fails
// in a batch fails only its own call. Receive returns after its message is
// committed; if ctx ends first it returns ctx.Err(), and the message may
// have been committed all the same: a redelivery with the same ExternalID
// is then reported as a duplicate. ReusedID is reported when another
// customer's message with the ExternalID was committed before this call
// began; two customers' messages with one ID committed at the same moment
// are both kept, and may both go unreported.
func (s *Store) Receive(ctx context.Context, a enquiry.Arrival) (enquiry.Received, error) {
	c := &receiveCall{a: &a, key: customerKey{a.Enquiry.Channel, a.Enquiry.Customer.ID}, done: make(chan struct{})}
	if s.enqueue(c) {
		if rest := s.joinEach(ctx, []*receiveCall{c}); len(rest) > 0 {
			c.r, c.err = s.receiveAlone(ctx, receiveArgs(&a))
		}
		s.release(c.key)
		return c.r, c.err
	}
	select {
	case <-c.done:
	case <-ctx.Done():
		s.abandon(c)
		return enquiry.Received{}, ctx.Err()
	}
	return c.r, c.err
}

// receiveArgs returns the arguments of socialdesk_receive for a.
func receiveArgs(a *enquiry.Arrival) []any {
	e, m := &a.Enquiry, &a.Message
	args := make([]any, 0, 35)
	args = append(args, e.ID, e.Channel)
	args = append(args, enquiryArgs(e)...)
	args = append(args, m.ID)
	args = append(args, messageArgs(m)...)
	return args
}

// receiveAlone receives one message in a transaction of its own.
func (s *Store) receiveAlone(ctx context.Context, args []any) (enquiry.Received, error) {
	var r enquiry.Received
	err := s.retry(ctx, func() (err error) {
		s.rx.txs.Add(1)
		s.rx.msgs.Add(1)
		r, err = scanReceived(s.pool.QueryRow(ctx, receiveSQL, args...))
		return err
	})
	if code, constraint := pgCode(err); code == uniqueViolation && constraint == "messages_external" {
		// Another delivery of this message committed first (and this
		// call was rolled back): now it is found as a duplicate.
		r, err = scanReceived(s.pool.QueryRow(ctx, receiveSQL, args...))
	}
	if code, _ := pgCode(err); code == foreignKeyViolation {
		return enquiry.Received{}, enquiry.ErrNotFound // no such channel
	}
	if err != nil {
		return enquiry.Received{}, wrap(err, "receiving a message")
	}
	return r, nil
}

// scanReceived scans a row of receiveSQL.
func scanReceived(row pgx.Row) (enquiry.Received, error) {
	var (
		er enquiryRow
		mr messageRow
		r  enquiry.Received
	)
	dest := append(er.dest(), mr.dest()...)
	dest = append(dest, &r.Opened, &r.Duplicate, &r.ReusedID)
	if err := row.Scan(dest...); err != nil {
		return enquiry.Received{}, err
	}
	r.Enquiry, r.Message = er.value(), mr.value()
	return r, nil
}

// enqueue reports whether c may run alone now, in a free transaction;
// otherwise it queues c for a batch.
func (s *Store) enqueue(c *receiveCall) bool {
	s.rx.mu.Lock()
	defer s.rx.mu.Unlock()
	if s.rx.inFlight < s.limit() && !s.rx.busy[c.key] && !s.queued(c.key) {
		s.rx.inFlight++
		s.markBusy(c.key)
		return true
	}
	s.rx.queue = append(s.rx.queue, c)
	return false
}

// limit returns how many Receive transactions may run at once.
func (s *Store) limit() int {
	if s.rx.limit <= 0 {
		return maxInFlight
	}
	return s.rx.limit
}

// queued reports whether a call of customer k waits in the queue (a
// later one must not overtake it). The caller holds rx.mu.
func (s *Store) queued(k customerKey) bool {
	for _, c := range s.rx.queue {
		if c.key == k && !c.gone {
			return true
		}
	}
	return false
}

// markBusy records that customer k has messages in a running
// transaction. The caller holds rx.mu.
func (s *Store) markBusy(k customerKey) {
	if s.rx.busy == nil {
		s.rx.busy = make(map[customerKey]bool)
	}
	s.rx.busy[k] = true
}

// release frees the transaction of a call of customer k that ran alone,
// or hands it to a goroutine that runs the queued calls.
func (s *Store) release(k customerKey) {
	s.rx.mu.Lock()
	defer s.rx.mu.Unlock()
	delete(s.rx.busy, k)
	if len(s.rx.queue) == 0 {
		s.rx.inFlight--
		return
	}
	s.rx.runners.Add(1)
	go s.runBatches()
}

// runBatches runs batches of queued calls until none is left that it may
// take.
func (s *Store) runBatches() {
	defer s.rx.runners.Done()
	var done []*receiveCall
	for {
		ctx, cancel, calls := s.nextBatch(done)
		if calls == nil {
			return
		}
		s.runBatch(ctx, calls)
		cancel()
		done = calls
	}
}

// nextBatch frees the customers of the calls of the batch done, and takes
// up to maxBatch queued calls whose callers still wait and whose
// customers are in no running transaction, with a context that ends when
// none of the callers waits. With none, it frees the transaction and
// returns nil; with more left to take and a transaction free, it starts
// another goroutine for them.
func (s *Store) nextBatch(done []*receiveCall) (context.Context, context.CancelFunc, []*receiveCall) {
	s.rx.mu.Lock()
	defer s.rx.mu.Unlock()
	for _, c := range done {
		delete(s.rx.busy, c.key)
	}
	var (
		calls   []*receiveCall
		taken   = make(map[customerKey]bool)
		skipped = false
	)
	rest := s.rx.queue[:0]
	for _, c := range s.rx.queue {
		switch {
		case c.gone:
		case len(calls) < maxBatch && (taken[c.key] || !s.rx.busy[c.key]):
			calls = append(calls, c)
			taken[c.key] = true
		default:
			if !s.rx.busy[c.key] {
				skipped = true // room for another batch
			}
			rest = append(rest, c)
		}
	}
	clear(s.rx.queue[len(rest):])
	s.rx.queue = rest
	if len(calls) == 0 {
		s.rx.inFlight--
		return nil, nil, nil
	}
	for k := range taken {
		s.markBusy(k)
	}
	if skipped && s.rx.inFlight < s.limit() {
		s.rx.inFlight++
		s.rx.runners.Add(1)
		go s.runBatches()
	}
	ctx, cancel := context.WithCancel(context.Background())
	b := &receiveBatch{waiting: len(calls), cancel: cancel}
	for _, c := range calls {
		c.batch = b
	}
	return ctx, cancel, calls
}

// abandon records that c's caller stopped waiting. A queued call is then
// left out of batches; a batch whose callers all stopped waiting is
// cancelled.
func (s *Store) abandon(c *receiveCall) {
	s.rx.mu.Lock()
	defer s.rx.mu.Unlock()
	c.gone = true
	if b := c.batch; b != nil && !c.finished {
		b.waiting--
		if b.waiting == 0 {
			b.cancel()
		}
	}
}

// finish hands calls their results: their callers no longer wait for
// the batch, and a batch whose callers have all been answered or stopped
// waiting is cancelled.
func (s *Store) finish(calls []*receiveCall) {
	s.rx.mu.Lock()
	for _, c := range calls {
		if b := c.batch; b != nil && !c.gone && !c.finished {
			b.waiting--
			if b.waiting == 0 {
				b.cancel()
			}
		}
		c.finished = true
	}
	s.rx.mu.Unlock()
	for _, c := range calls {
		close(c.done)
	}
}

// runBatch runs calls in one transaction, or two. Those whose customers
// have an open enquiry join it: a few as a pipeline of one statement each
// (joinEach), more in one statement (joinBatch). The rest (their
// customers have none open, they are duplicates, or the statement failed)
// then run as a pipeline of socialdesk_receive calls (runPipeline). Each
// call gets the result it would get alone, with a customer's messages in
// their order of arrival.
func (s *Store) runBatch(ctx context.Context, calls []*receiveCall) {
	if len(calls) > maxEach {
		calls = s.joinBatch(ctx, calls)
	} else {
		calls = s.joinEach(ctx, calls)
	}
	if calls = s.finishGone(calls); len(calls) == 0 {
		return
	}
	// Every batch locks customers' enquiries in one order, so batches
	// running at once, here or in other replicas, never deadlock; each
	// customer's messages keep their order of arrival.
	slices.SortStableFunc(calls, byCustomer)
	s.runPipeline(ctx, calls)
	s.finish(calls)
}

// byCustomer orders calls by channel, then customer, byte by byte: the
// order in which every Receive transaction locks enquiries.
func byCustomer(a, b *receiveCall) int {
	return cmp.Or(strings.Compare(a.key.channel, b.key.channel), strings.Compare(a.key.customer, b.key.customer))
}

// finishGone finishes the calls whose callers stopped waiting, with
// nothing done, and returns the others.
func (s *Store) finishGone(calls []*receiveCall) []*receiveCall {
	s.rx.mu.Lock()
	var gone, left []*receiveCall
	for _, c := range calls {
		if c.gone {
			gone = append(gone, c)
		} else {
			left = append(left, c)
		}
	}
	s.rx.mu.Unlock()
	for _, c := range gone {
		c.err = context.Canceled
	}
	s.finish(gone)
	return left
}

// runPipeline runs calls in one transaction, in one round trip: its
// statements run one after the other in the implicit transaction of a
// pipeline, and commit together. If one fails, PostgreSQL rolls them all
// back: the calls before it run again, then the failing one alone (which
// gives it exactly the result of a lone call), then the calls after it.
func (s *Store) runPipeline(ctx context.Context, calls []*receiveCall) {
	if len(calls) <= 1 {
		for _, c := range calls {
			c.r, c.err = s.receiveAlone(ctx, receiveArgs(c.a))
		}
		return
	}
	b := &pgx.Batch{}
	for _, c := range calls {
		b.Queue(receiveSQL, receiveArgs(c.a)...)
	}
	s.rx.txs.Add(1)
	s.rx.msgs.Add(int64(len(calls)))
	res := s.pool.SendBatch(ctx, b)
	var (
		err    error
		failed = len(calls) // the failing call, if one did
	)
	for i, c := range calls {
		if c.r, err = scanReceived(res.QueryRow()); err != nil {
			failed = i
			break
		}
	}
	if cerr := res.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		return
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		// The connection failed: the outcome is unknown, as it is for a
		// lone call, and the callers get the error.
		for _, c := range calls {
			c.r, c.err = enquiry.Received{}, wrap(err, "receiving a message")
		}
		return
	}
	if failed == len(calls) { // the commit failed: nobody in particular
		for _, c := range calls {
			c.r, c.err = s.receiveAlone(ctx, receiveArgs(c.a))
		}
		return
	}
	s.runPipeline(ctx, calls[:failed])
	c := calls[failed]
	c.r, c.err = s.receiveAlone(ctx, receiveArgs(c.a))
	s.runPipeline(ctx, calls[failed+1:])
}
