package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/routing"
)

// receiveBatchSQL calls the function socialdesk_receive_batch
// (migrations/0015): a batch of messages as one array per column, joined
// to their customers' open enquiries in one statement. For each message
// it joined it returns its place in the batch, ReusedID, its seq and the
// fields Receive owns after it, and on the first message of each enquiry
// the rest of the enquiry.
var receiveBatchSQL = "/* socialdesk_receive_batch */ SELECT r.r_ord, r.r_reused, r.r_seq," +
	" r.r_customer_name, r.r_read_only, r.r_reply_handle, r.r_reply_at, r.r_last_activity, " +
	qualify(enquiryColumns, "(r.r_enquiry).") +
	" FROM socialdesk_receive_batch(" + placeholders(1, 22) + ") r"

// receiveValues are what the store sends of an arrival to join its
// customer's open enquiry: the arguments of socialdesk_receive_one, and
// one element of each array of socialdesk_receive_batch. They are those
// socialdesk_receive gets (receiveArgs) but the new enquiry's.
type receiveValues struct {
	channel, customer, name             string
	readOnly                            bool
	replyHandle                         string
	replyAt, lastActivity               pgtype.Timestamptz
	id, direction, authorKind, authorID string
	at                                  pgtype.Timestamptz
	content                             []byte
	externalID, batch                   string
	state, reason, requestID            string
	deliveryAt                          pgtype.Timestamptz
	attempts                            int
	leaseUntil                          pgtype.Timestamptz
	unsent                              bool
}

// valuesOf returns the values of a, whose message's content encodes as
// content.
func valuesOf(a *enquiry.Arrival, content []byte) receiveValues {
	e, m := &a.Enquiry, &a.Message
	var d enquiry.Delivery
	if m.Delivery != nil {
		d = *m.Delivery
	}
	return receiveValues{
		channel: e.Channel, customer: e.Customer.ID, name: cleanText(e.Customer.Name), readOnly: e.ReadOnly,
		replyHandle: e.Reply.Handle, replyAt: tz(e.Reply.At), lastActivity: tz(e.LastActivity),
		id: m.ID, direction: string(m.Direction), authorKind: string(m.Author.Kind), authorID: m.Author.ID,
		at: tz(m.Time), content: content, externalID: m.ExternalID, batch: m.Batch,
		state: string(d.State), reason: d.Reason, requestID: d.RequestID, deliveryAt: tz(d.At),
		attempts: d.Attempts, leaseUntil: tz(d.LeaseUntil), unsent: m.Unsent,
	}
}

// args returns v in the order of socialdesk_receive_one's parameters.
func (v *receiveValues) args() []any {
	return []any{v.channel, v.customer, v.name, v.readOnly, v.replyHandle, v.replyAt, v.lastActivity,
		v.id, v.direction, v.authorKind, v.authorID, v.at, v.content, v.externalID, v.batch,
		v.state, v.reason, v.requestID, v.deliveryAt, v.attempts, v.leaseUntil, v.unsent}
}

// batchColumns are the arguments of socialdesk_receive_batch: one array
// per column (of receiveValues), one element per message, in the batch's
// order.
type batchColumns struct {
	channel, customer, name             []string
	readOnly                            []bool
	replyHandle                         []string
	replyAt, lastActivity               []pgtype.Timestamptz
	id, direction, authorKind, authorID []string
	at                                  []pgtype.Timestamptz
	content                             [][]byte
	externalID, batch                   []string
	state, reason, requestID            []string
	deliveryAt                          []pgtype.Timestamptz
	attempts                            []int
	leaseUntil                          []pgtype.Timestamptz
	unsent                              []bool
}

// reserve makes room for n messages.
func (b *batchColumns) reserve(n int) {
	b.channel, b.customer, b.name = make([]string, 0, n), make([]string, 0, n), make([]string, 0, n)
	b.readOnly, b.replyHandle = make([]bool, 0, n), make([]string, 0, n)
	b.replyAt, b.lastActivity = make([]pgtype.Timestamptz, 0, n), make([]pgtype.Timestamptz, 0, n)
	b.id, b.direction, b.authorKind, b.authorID = make([]string, 0, n), make([]string, 0, n), make([]string, 0, n), make([]string, 0, n)
	b.at, b.content = make([]pgtype.Timestamptz, 0, n), make([][]byte, 0, n)
	b.externalID, b.batch = make([]string, 0, n), make([]string, 0, n)
	b.state, b.reason, b.requestID = make([]string, 0, n), make([]string, 0, n), make([]string, 0, n)
	b.deliveryAt, b.attempts = make([]pgtype.Timestamptz, 0, n), make([]int, 0, n)
	b.leaseUntil, b.unsent = make([]pgtype.Timestamptz, 0, n), make([]bool, 0, n)
}

// add appends a's message, whose content encodes as content.
func (b *batchColumns) add(a *enquiry.Arrival, content []byte) {
	v := valuesOf(a, content)
	b.channel = append(b.channel, v.channel)
	b.customer = append(b.customer, v.customer)
	b.name = append(b.name, v.name)
	b.readOnly = append(b.readOnly, v.readOnly)
	b.replyHandle = append(b.replyHandle, v.replyHandle)
	b.replyAt = append(b.replyAt, v.replyAt)
	b.lastActivity = append(b.lastActivity, v.lastActivity)
	b.id = append(b.id, v.id)
	b.direction = append(b.direction, v.direction)
	b.authorKind = append(b.authorKind, v.authorKind)
	b.authorID = append(b.authorID, v.authorID)
	b.at = append(b.at, v.at)
	b.content = append(b.content, v.content)
	b.externalID = append(b.externalID, v.externalID)
	b.batch = append(b.batch, v.batch)
	b.state = append(b.state, v.state)
	b.reason = append(b.reason, v.reason)
	b.requestID = append(b.requestID, v.requestID)
	b.deliveryAt = append(b.deliveryAt, v.deliveryAt)
	b.attempts = append(b.attempts, v.attempts)
	b.leaseUntil = append(b.leaseUntil, v.leaseUntil)
	b.unsent = append(b.unsent, v.unsent)
}

// args returns the columns in the order of socialdesk_receive_batch's
// parameters.
func (b *batchColumns) args() []any {
	return []any{b.channel, b.customer, b.name, b.readOnly, b.replyHandle, b.replyAt, b.lastActivity,
		b.id, b.direction, b.authorKind, b.authorID, b.at, b.content, b.externalID, b.batch,
		b.state, b.reason, b.requestID, b.deliveryAt, b.attempts, b.leaseUntil, b.unsent}
}

// batchRow is one row of receiveBatchSQL.
type batchRow struct {
	joined            bool
	reused            bool
	seq               int64
	name, handle      pgtype.Text
	readOnly          pgtype.Bool
	replyAt, activity pgtype.Timestamptz
	enquiry           *enquiryRow // nil but on an enquiry's first message
}

// joinBatch receives calls in one statement and one commit with
// socialdesk_receive_batch, and finishes each call whose message joined
// its customer's open enquiry. It returns, in their order, the calls
// left for socialdesk_receive: a customer without an open enquiry, a
// duplicate (which socialdesk_receive returns with the recorded rows), a
// message whose external ID an earlier call of the batch has for the same
// customer; and all of them if the database rolled the statement back.
// If the connection failed, it finishes every call with the error.
func (s *Store) joinBatch(ctx context.Context, calls []*receiveCall) (rest []*receiveCall) {
	type key struct{ channel, customer, external string }
	var (
		cols    batchColumns
		content = make([][]byte, len(calls)) // nil: not in the statement
		seen    = make(map[key]bool, len(calls))
		n       int
	)
	cols.reserve(len(calls))
	for i, c := range calls {
		m := &c.a.Message
		b, ok := jsonb(m.Content).([]byte)
		k := key{c.key.channel, c.key.customer, m.ExternalID}
		if !ok || (k.external != "" && seen[k]) {
			continue // socialdesk_receive reports the error, or the duplicate
		}
		seen[k] = true
		content[i] = b
		cols.add(c.a, b)
		n++
	}
	if n <= maxEach {
		return s.joinEach(ctx, calls) // fewer cost less one by one
	}

	s.rx.txs.Add(1)
	s.rx.msgs.Add(int64(n))
	rows, err := s.queryBatch(ctx, &cols, n)
	if err != nil {
		// An error from PostgreSQL rolled the statement back: the
		// pipeline finds the message that fails. Any other (the
		// connection failed) leaves the outcome unknown, as it does for a
		// lone call: the callers get the error.
		var pe *pgconn.PgError
		if errors.As(err, &pe) {
			return calls
		}
		for _, c := range calls {
			c.r, c.err = enquiry.Received{}, wrap(err, "receiving a message")
		}
		s.finish(calls)
		return nil
	}

	var (
		joined []*receiveCall
		bases  = make(map[customerKey]*enquiry.Enquiry)
		next   = 0 // the row of the next call in the statement
	)
	for i, c := range calls {
		if content[i] == nil {
			rest = append(rest, c)
			continue
		}
		row := &rows[next]
		next++
		if !row.joined {
			rest = append(rest, c)
			continue
		}
		joined = append(joined, c)
		k := c.key
		if row.enquiry != nil {
			e := row.enquiry.value()
			bases[k] = &e
		}
		base := bases[k]
		if base == nil { // the first message of an enquiry comes first
			c.err = errors.New("postgres: receiving a message: the database returned no enquiry for a message it recorded")
			continue
		}
		e := *base
		e.Invited = slices.Clone(e.Invited)
		e.Ringing = slices.Clone(e.Ringing)
		e.Plan.Steps = slices.Clone(e.Plan.Steps)
		e.Customer.Name = row.name.String
		e.ReadOnly = row.readOnly.Bool
		e.Reply = enquiry.Reply{Handle: row.handle.String, At: goTime(row.replyAt)}
		e.LastActivity = goTime(row.activity)
		m, err := storedMessage(&c.a.Message, content[i], e.ID, c.key.channel, row.seq)
		c.r, c.err = enquiry.Received{Enquiry: e, Message: m, ReusedID: row.reused}, wrap(err, "receiving a message")
	}
	s.finish(joined)
	return rest
}

// queryBatch runs receiveBatchSQL on cols, n messages, and returns a row
// for each message, in their order, once the statement is committed.
func (s *Store) queryBatch(ctx context.Context, cols *batchColumns, n int) ([]batchRow, error) {
	rows, err := s.pool.Query(ctx, receiveBatchSQL, cols.args()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]batchRow, n)
	for rows.Next() {
		var (
			r   batchRow
			ord int64
		)
		r.enquiry, err = s.scanJoined(rows, &ord, &r.reused, &r.seq, &r.name, &r.readOnly, &r.handle, &r.replyAt, &r.activity)
		if err != nil {
			return nil, err
		}
		if ord < 1 || ord > int64(n) || out[ord-1].joined {
			return nil, fmt.Errorf("socialdesk_receive_batch returned message %d of %d", ord, n)
		}
		r.joined = true
		out[ord-1] = r
	}
	// Close waits for the end of the statement, its commit included.
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// scanJoined scans the current row of rows into lead and, when the
// columns after lead hold an enquiry (enquiryColumns), into the enquiry it
// returns, with the plan decoded by the store's cache; it returns nil
// when they are NULL.
func (s *Store) scanJoined(rows pgx.Rows, lead ...any) (*enquiryRow, error) {
	const planAt = 8 // the plan's place in enquiryRow.dest
	var (
		e    *enquiryRow
		plan []byte
		dest = lead
	)
	if raw := rows.RawValues(); len(raw) > len(lead) && raw[len(lead)] != nil {
		e = &enquiryRow{}
		cols := e.dest()
		cols[planAt] = &plan // decoded below, by the cache
		dest = append(dest, cols...)
	} else {
		dest = append(dest, make([]any, len(rows.FieldDescriptions())-len(lead))...) // nil: skipped
	}
	if err := rows.Scan(dest...); err != nil {
		return nil, err
	}
	if e != nil {
		var err error
		if e.e.Plan, err = s.rx.plans.decode(plan); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// storedMessage returns m as socialdesk_receive returns it once stored
// in the enquiry with the ID enquiryID of channel, with seq: content is
// m.Content as it was sent (jsonb), decoded; times are to the
// microsecond, in UTC; a delivery without a state is none, and the
// columns Receive does not write (the lease's owner, a held reply
// handle, the author's credential) are empty.
func storedMessage(m *enquiry.Message, content []byte, enquiryID, channel string, seq int64) (enquiry.Message, error) {
	out := enquiry.Message{
		ID: m.ID, Enquiry: enquiryID, Channel: channel, Seq: seq, Direction: m.Direction,
		Author: enquiry.Author{Kind: m.Author.Kind, ID: m.Author.ID}, Time: storedTime(m.Time),
		ExternalID: m.ExternalID, Batch: m.Batch, Unsent: m.Unsent,
	}
	if err := json.Unmarshal(content, &out.Content); err != nil {
		return enquiry.Message{}, err
	}
	if d := m.Delivery; d != nil && d.State != "" {
		out.Delivery = &enquiry.Delivery{State: d.State, Reason: d.Reason, RequestID: d.RequestID,
			At: storedTime(d.At), Attempts: d.Attempts, LeaseUntil: storedTime(d.LeaseUntil)}
	}
	return out, nil
}

// storedTime returns t as a timestamptz column holds it (tz, then
// goTime): to the microsecond, in UTC; the zero time stays zero.
func storedTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return time.UnixMicro(t.Unix()*1_000_000 + int64(t.Nanosecond())/1000).UTC()
}

// planCache decodes the routing plans of enquiries, remembering the last
// few it decoded: a batch's enquiries mostly have their channel's plan,
// and decoding it took a tenth of a batch's time in Go. The zero value is
// ready; it is safe for concurrent use.
type planCache struct {
	mu    sync.Mutex
	plans map[string]routing.Plan // by their JSON
}

// planCacheSize is how many plans a planCache holds; a full cache starts
// again empty.
const planCacheSize = 64

// decode returns the plan whose JSON is b, with steps of its own.
func (c *planCache) decode(b []byte) (routing.Plan, error) {
	c.mu.Lock()
	p, ok := c.plans[string(b)]
	c.mu.Unlock()
	if !ok {
		if err := json.Unmarshal(b, &p); err != nil {
			return routing.Plan{}, err
		}
		c.mu.Lock()
		if len(c.plans) >= planCacheSize || c.plans == nil {
			c.plans = make(map[string]routing.Plan, planCacheSize)
		}
		kept := p
		kept.Steps = slices.Clone(p.Steps)
		c.plans[string(b)] = kept
		c.mu.Unlock()
		return p, nil
	}
	p.Steps = slices.Clone(p.Steps)
	return p, nil
}
