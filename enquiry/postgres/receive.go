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
// transactions at a time, and no more than its pool has connections. A
// call that finds one free runs alone, at once; the others queue, and
// whoever frees a transaction takes up to maxBatch of them into the next
// one. A lone caller never waits for company. The database itself flushes
// the commits of transactions in flight together, so a few callers do
// best each in a transaction of their own (BENCHMARKS.md: 8 in flight
// against 2 at 8 callers); many share them.
const (
	maxInFlight = 8
	maxBatch    = 64
)

// receiver is a Store's group commit. The zero value is ready.
type receiver struct {
	limit    int // Receive transactions at most at once; 0 means maxInFlight
	mu       sync.Mutex
	inFlight int            // Receive transactions running
	queue    []*receiveCall // calls waiting for one
	runners  sync.WaitGroup // the goroutines running batches

	// For benchmarks: transactions begun, and the messages they carried.
	txs, msgs atomic.Int64
}

// receiveCall is a Receive waiting in the queue or in a batch.
type receiveCall struct {
	args              []any
	channel, customer string        // the lock order of a batch
	done              chan struct{} // closed when r and err, or alone, are set
	r                 enquiry.Received
	err               error
	alone             bool // the batch was rolled back: run the message alone

	// Guarded by receiver.mu.
	batch *receiveBatch // the batch that took the call; nil while queued
	gone  bool          // the caller stopped waiting
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
// while the store is busy joins the next batch, which runs in one round
// trip and one commit. Each call's result is what it would be alone, as
// if the batch's calls ran one after the other, and a message that fails
// in a batch fails only its own call. Receive returns after its message is
// committed; if ctx ends first it returns ctx.Err(), and the message may
// have been committed all the same: a redelivery with the same ExternalID
// is then reported as a duplicate. ReusedID is reported when another
// customer's message with the ExternalID was committed before this call
// began; two customers' messages with one ID committed at the same moment
// are both kept, and may both go unreported.
func (s *Store) Receive(ctx context.Context, a enquiry.Arrival) (enquiry.Received, error) {
	args := receiveArgs(&a)
	c := &receiveCall{args: args, channel: a.Enquiry.Channel, customer: a.Enquiry.Customer.ID, done: make(chan struct{})}
	if s.enqueue(c) {
		r, err := s.receiveAlone(ctx, args)
		s.release()
		return r, err
	}
	select {
	case <-c.done:
	case <-ctx.Done():
		s.abandon(c)
		return enquiry.Received{}, ctx.Err()
	}
	if c.alone {
		return s.receiveAlone(ctx, args)
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
	limit := s.rx.limit
	if limit <= 0 {
		limit = maxInFlight
	}
	if s.rx.inFlight < limit && len(s.rx.queue) == 0 {
		s.rx.inFlight++
		return true
	}
	s.rx.queue = append(s.rx.queue, c)
	return false
}

// release frees the transaction of a call that ran alone, or hands it to
// a goroutine that runs the queued calls.
func (s *Store) release() {
	s.rx.mu.Lock()
	defer s.rx.mu.Unlock()
	if len(s.rx.queue) == 0 {
		s.rx.inFlight--
		return
	}
	s.rx.runners.Add(1)
	go s.runBatches()
}

// runBatches runs batches of queued calls until none is left.
func (s *Store) runBatches() {
	defer s.rx.runners.Done()
	for {
		ctx, cancel, calls := s.nextBatch()
		if calls == nil {
			return
		}
		s.runBatch(ctx, calls)
		cancel()
	}
}

// nextBatch takes up to maxBatch queued calls whose callers still wait,
// with a context that ends when none of them does. With none, it frees
// the transaction and returns nil.
func (s *Store) nextBatch() (context.Context, context.CancelFunc, []*receiveCall) {
	s.rx.mu.Lock()
	defer s.rx.mu.Unlock()
	var calls []*receiveCall
	n := 0
	for _, c := range s.rx.queue {
		n++
		if !c.gone {
			calls = append(calls, c)
			if len(calls) == maxBatch {
				break
			}
		}
	}
	rest := copy(s.rx.queue, s.rx.queue[n:])
	clear(s.rx.queue[rest:])
	s.rx.queue = s.rx.queue[:rest]
	if len(calls) == 0 {
		s.rx.inFlight--
		return nil, nil, nil
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
	if b := c.batch; b != nil {
		b.waiting--
		if b.waiting == 0 {
			b.cancel()
		}
	}
}

// runBatch runs calls in one transaction, in one round trip: its
// statements run one after the other in the implicit transaction of a
// pipeline, and commit together. If one fails, PostgreSQL rolls them all
// back, and each caller runs its message alone, which gives it exactly
// the result of a lone call.
func (s *Store) runBatch(ctx context.Context, calls []*receiveCall) {
	defer func() {
		for _, c := range calls {
			close(c.done)
		}
	}()
	if len(calls) == 1 {
		c := calls[0]
		c.r, c.err = s.receiveAlone(ctx, c.args)
		return
	}

	// Every batch locks customers' enquiries in one order, so batches
	// running at once, here or in other replicas, never deadlock; each
	// customer's messages keep their order of arrival.
	slices.SortStableFunc(calls, func(a, b *receiveCall) int {
		return cmp.Or(strings.Compare(a.channel, b.channel), strings.Compare(a.customer, b.customer))
	})
	b := &pgx.Batch{}
	for _, c := range calls {
		b.Queue(receiveSQL, c.args...)
	}
	s.rx.txs.Add(1)
	s.rx.msgs.Add(int64(len(calls)))
	res := s.pool.SendBatch(ctx, b)
	var err error
	for _, c := range calls {
		if c.r, err = scanReceived(res.QueryRow()); err != nil {
			break
		}
	}
	if cerr := res.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		return
	}
	// An error from PostgreSQL rolled the transaction back. Any other
	// (the connection failed) leaves the outcome unknown, as it does for
	// a lone call: the callers get the error.
	var pe *pgconn.PgError
	rolledBack := errors.As(err, &pe)
	for _, c := range calls {
		c.r, c.alone = enquiry.Received{}, rolledBack
		if !rolledBack {
			c.err = wrap(err, "receiving a message")
		}
	}
}
