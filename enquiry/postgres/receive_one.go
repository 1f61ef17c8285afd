package postgres

import (
	"context"
	"errors"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/socialdesk/socialdesk/enquiry"
)

// receiveOneSQL calls the function socialdesk_receive_one
// (migrations/0016): one message to its customer's open enquiry. It
// returns whether another customer's message has its external ID, and, if
// the message joined, its seq and the enquiry as after it (a duplicate
// does not join, and socialdesk_receive then reports it).
var receiveOneSQL = "/* socialdesk_receive_one */ SELECT r.r_reused, r.r_seq, " +
	qualify(enquiryColumns, "(r.r_enquiry).") +
	" FROM socialdesk_receive_one(" + placeholders(1, 22) + ") r"

// maxEach is the most calls joinEach sends as a pipeline of
// socialdesk_receive_one; more go to socialdesk_receive_batch in one
// statement. In the database's CPU time (BenchmarkStatementCPU) a
// socialdesk_receive_one costs about 0.12 ms, a socialdesk_receive_batch
// 0.23 to 0.26 ms and about 0.06 ms a message more: up to about four
// messages the pipeline costs the database less, and the store's Go side
// reads a whole enquiry a message from it (BENCHMARKS.md, issue 22).
const maxEach = 3

// joinEach receives calls in one transaction, as a pipeline of
// socialdesk_receive_one calls in (channel, customer) order (the order in
// which every batch locks enquiries), one call of each customer, and
// finishes each call whose message joined its customer's open enquiry. It
// returns the calls left for socialdesk_receive, in that order: a
// customer's later calls, a customer without an open enquiry, a
// duplicate, a message whose content does not encode; and all of them if
// the database rolled the transaction back. If the connection failed, it
// finishes every call with the error.
func (s *Store) joinEach(ctx context.Context, calls []*receiveCall) (rest []*receiveCall) {
	calls = slices.Clone(calls)
	slices.SortStableFunc(calls, byCustomer)
	var (
		sent    []*receiveCall
		content [][]byte
		b       = &pgx.Batch{}
		held    = make(map[customerKey]bool, len(calls))
	)
	for _, c := range calls {
		if held[c.key] {
			// Each statement sees what committed before it: had the
			// customer's enquiry been replaced while an earlier one
			// waited, a later message would join the new enquiry ahead
			// of it. The customer's later calls go after, in order.
			continue
		}
		held[c.key] = true
		body, ok := jsonb(c.a.Message.Content).([]byte)
		if !ok {
			continue // socialdesk_receive reports the error
		}
		v := valuesOf(c.a, body)
		b.Queue(receiveOneSQL, v.args()...)
		sent = append(sent, c)
		content = append(content, body)
	}
	if len(sent) == 0 {
		return calls
	}

	s.rx.txs.Add(1)
	s.rx.msgs.Add(int64(len(sent)))
	results, err := s.sendEach(ctx, b, len(sent))
	if err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) {
			return calls // rolled back: socialdesk_receive finds the one that fails
		}
		for _, c := range calls {
			c.r, c.err = enquiry.Received{}, wrap(err, "receiving a message")
		}
		s.finish(calls)
		return nil
	}

	var joined []*receiveCall
	for i, c := range sent {
		row := &results[i]
		if row.enquiry == nil {
			continue
		}
		e := row.enquiry.value()
		m, err := storedMessage(&c.a.Message, content[i], e.ID, c.key.channel, row.seq.Int64)
		c.r, c.err = enquiry.Received{Enquiry: e, Message: m, ReusedID: row.reused}, wrap(err, "receiving a message")
		joined = append(joined, c)
	}
	s.finish(joined)
	for _, c := range calls {
		if !slices.Contains(joined, c) {
			rest = append(rest, c)
		}
	}
	return rest
}

// oneRow is a row of receiveOneSQL.
type oneRow struct {
	reused  bool
	seq     pgtype.Int8
	enquiry *enquiryRow // nil unless the message joined
}

// sendEach sends the pipeline b of n socialdesk_receive_one calls and
// returns their rows, in order, once the transaction is committed.
func (s *Store) sendEach(ctx context.Context, b *pgx.Batch, n int) ([]oneRow, error) {
	res := s.pool.SendBatch(ctx, b)
	out := make([]oneRow, n)
	var err error
	for i := range out {
		if err = s.scanOne(res, &out[i]); err != nil {
			break
		}
	}
	// Close waits for the end of the pipeline, its commit included.
	if cerr := res.Close(); err == nil {
		err = cerr
	}
	return out, err
}

// scanOne reads the next row of res, a row of receiveOneSQL, into r.
func (s *Store) scanOne(res pgx.BatchResults, r *oneRow) error {
	rows, err := res.Query()
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return errors.New("socialdesk_receive_one returned no row")
	}
	if r.enquiry, err = s.scanJoined(rows, &r.reused, &r.seq); err != nil {
		return err
	}
	rows.Close()
	return rows.Err()
}
