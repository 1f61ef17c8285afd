package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/socialdesk/socialdesk/enquiry"
)

var _ enquiry.LateStore = (*Store)(nil)

// SetCustomerName records the customer's display name on the customer and
// on their open enquiry, in one transaction, and returns that enquiry
// (ok false when none is open): enquiry.ErrNotFound for an unknown
// channel. The enquiry's version does not change.
func (s *Store) SetCustomerName(ctx context.Context, channel, customer, name string) (enquiry.Enquiry, bool, error) {
	name = cleanText(name)
	var (
		e  enquiry.Enquiry
		ok bool
	)
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO customer_names (channel, customer, name) VALUES ($1, $2, $3)
			ON CONFLICT (channel, customer) DO UPDATE SET name = EXCLUDED.name`, channel, customer, name)
		if code, _ := pgCode(err); code == foreignKeyViolation {
			return enquiry.ErrNotFound
		}
		if err != nil {
			return err
		}
		var r enquiryRow
		err = tx.QueryRow(ctx, `UPDATE enquiries SET customer_name = $3
			WHERE channel = $1 AND customer = $2 AND state <> 'closed' RETURNING `+enquiryColumns,
			channel, customer, name).Scan(r.dest()...)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return nil
		case err != nil:
			return err
		}
		e, ok = r.value(), true
		return nil
	})
	if err != nil {
		return enquiry.Enquiry{}, false, wrap(err, "recording a customer's name")
	}
	return e, ok, nil
}

// CustomerName returns the name SetCustomerName recorded ("" if none).
func (s *Store) CustomerName(ctx context.Context, channel, customer string) (string, error) {
	var name string
	err := s.pool.QueryRow(ctx, "SELECT name FROM customer_names WHERE channel = $1 AND customer = $2", channel, customer).Scan(&name)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return name, wrap(err, "reading a customer's name")
}

// CompleteContent settles message id's content if it is still pending,
// in one statement, so of two settlements at once the first wins; ok is
// false when it was not pending, and the message is returned as stored.
// enquiry.ErrNotFound if there is no such message.
func (s *Store) CompleteContent(ctx context.Context, id string, c enquiry.Completion) (enquiry.Message, bool, error) {
	var patch map[string]any
	drop := []string{}
	if c.Media != nil {
		patch = map[string]any{"media": c.Media, "state": enquiry.ContentAvailable}
	} else {
		patch = map[string]any{"kind": enquiry.Unsupported, "unsupported": c.Unavailable, "state": enquiry.ContentUnavailable}
		drop = append(drop, "media")
	}
	ms, err := s.messages(ctx, "settling a message's content", `UPDATE messages SET content = (content - $3::text[]) || $2::jsonb
		WHERE id = $1 AND content->>'state' = 'pending' RETURNING `+messageColumns, id, jsonb(patch), drop)
	if err != nil {
		return enquiry.Message{}, false, err
	}
	if len(ms) == 1 {
		return ms[0], true, nil
	}
	ms, err = s.messages(ctx, "reading a message", "SELECT "+messageColumns+" FROM messages WHERE id = $1", id)
	switch {
	case err != nil:
		return enquiry.Message{}, false, err
	case len(ms) == 0:
		return enquiry.Message{}, false, enquiry.ErrNotFound
	}
	return ms[0], false, nil
}

// PendingContent returns inbound messages whose content is pending,
// oldest first, at most limit (0 means 100).
func (s *Store) PendingContent(ctx context.Context, limit int) ([]enquiry.Message, error) {
	if limit <= 0 {
		limit = 100
	}
	return s.messages(ctx, "reading messages whose content is pending", "SELECT "+messageColumns+
		" FROM messages WHERE content->>'state' = 'pending' ORDER BY at, enquiry, seq LIMIT $1", limit)
}
