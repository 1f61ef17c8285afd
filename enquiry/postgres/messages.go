package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/socialdesk/socialdesk/enquiry"
)

const insertMessageSQL = "INSERT INTO messages (" + messageColumns + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22) RETURNING " + messageColumns

// queueInsertMessage adds the insert of m, whose Enquiry, Channel and Seq
// are set, to b; it returns the message as stored.
func queueInsertMessage(b *pgx.Batch, m *enquiry.Message) {
	args := append([]any{m.ID, m.Enquiry, m.Channel, m.Seq}, messageArgs(m)...)
	args = append(args, leaseArgs(m)...)
	args = append(args, m.Author.Via)
	b.Queue(insertMessageSQL, args...)
}

func (s *Store) messages(ctx context.Context, doing, q string, args ...any) ([]enquiry.Message, error) {
	rows, _ := s.pool.Query(ctx, q, args...)
	ms, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (enquiry.Message, error) {
		var r messageRow
		err := row.Scan(r.dest()...)
		return r.value(), err
	})
	return ms, wrap(err, doing)
}

// Messages returns an enquiry's messages with Seq > after, in order, at
// most limit (0 means 100): keyset pagination on (enquiry, seq).
// enquiry.ErrNotFound if there is no such enquiry.
func (s *Store) Messages(ctx context.Context, id string, after int64, limit int) ([]enquiry.Message, error) {
	if limit <= 0 {
		limit = 100
	}
	ms, err := s.messages(ctx, "reading a transcript",
		"SELECT "+messageColumns+" FROM messages WHERE enquiry = $1 AND seq > $2 ORDER BY seq LIMIT $3",
		id, after, limit)
	if err == nil && len(ms) == 0 {
		err = s.mustExist(ctx, id)
	}
	return ms, err
}

// SetDelivery records an outbound message's delivery state, lease, its
// owner and a held reply handle included: enquiry.ErrNotFound if there is
// no such outbound message.
func (s *Store) SetDelivery(ctx context.Context, id string, d enquiry.Delivery) error {
	tag, err := s.pool.Exec(ctx, `UPDATE messages SET delivery_state = $2, delivery_reason = $3,
		delivery_request_id = $4, delivery_at = $5, delivery_attempts = $6, lease_until = $7,
		lease_owner = $8, reply_handle = $9, reply_at = $10
		WHERE id = $1 AND delivery_state <> ''`, id, string(d.State), d.Reason, d.RequestID, tz(d.At), d.Attempts, tz(d.LeaseUntil),
		d.Owner, d.Reply.Handle, tz(d.Reply.At))
	if err != nil {
		return wrap(err, "recording a delivery")
	}
	if tag.RowsAffected() == 0 {
		return enquiry.ErrNotFound
	}
	return nil
}

// ClaimPending returns up to limit (0: all) outbound messages still
// pending whose lease has ended, oldest first, and leases them to owner
// until now+lease. Rows another caller is claiming at the same moment are
// skipped.
func (s *Store) ClaimPending(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]enquiry.Message, error) {
	return s.messages(ctx, "claiming pending messages", `WITH due AS MATERIALIZED (
			SELECT id FROM messages
			WHERE delivery_state = 'pending' AND (lease_until IS NULL OR lease_until <= $1)
			ORDER BY at, enquiry, seq LIMIT $3 FOR UPDATE SKIP LOCKED
		), claimed AS (
			UPDATE messages m SET lease_until = $2, lease_owner = $4 FROM due WHERE m.id = due.id
			RETURNING `+qualify(messageColumns, "m.")+`)
		SELECT `+messageColumns+` FROM claimed ORDER BY at, enquiry, seq`, now, now.Add(lease), limitArg(limit), owner)
}

// EndLeases ends every lease owner holds, on timers (ClaimDue) and on
// pending deliveries, in one transaction; held reply handles stay. An
// empty owner ends nothing.
func (s *Store) EndLeases(ctx context.Context, owner string) error {
	if owner == "" {
		return nil
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue("UPDATE enquiries SET lease_until = NULL, lease_owner = '' WHERE lease_owner = $1", owner)
		b.Queue(`UPDATE messages SET lease_until = NULL, lease_owner = ''
			WHERE lease_owner = $1 AND delivery_state = 'pending'`, owner)
		return tx.SendBatch(ctx, b).Close()
	})
	return wrap(err, "ending leases")
}

// Unsend marks the customer's inbound message with the channel's
// externalID as unsent by the customer and returns it:
// enquiry.ErrNotFound.
func (s *Store) Unsend(ctx context.Context, channel, customer, externalID string) (enquiry.Message, error) {
	if externalID == "" {
		return enquiry.Message{}, enquiry.ErrNotFound
	}
	ms, err := s.messages(ctx, "unsending a message", `UPDATE messages SET unsent = true
		WHERE channel = $1 AND external_id = $2 AND customer = $3 RETURNING `+messageColumns, channel, externalID, customer)
	if err != nil {
		return enquiry.Message{}, err
	}
	if len(ms) == 0 {
		return enquiry.Message{}, enquiry.ErrNotFound
	}
	return ms[0], nil
}
