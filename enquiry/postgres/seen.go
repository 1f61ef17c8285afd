package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/socialdesk/socialdesk/enquiry"
)

// SetSeen records that staff has seen the enquiry's messages up to Seq
// upTo (upTo <= 0, or past the newest: up to the newest now), in one
// statement; the position only moves forward. enquiry.ErrNotFound when
// there is no such enquiry.
func (s *Store) SetSeen(ctx context.Context, id, staff string, upTo int64) error {
	tag, err := s.pool.Exec(ctx, `INSERT INTO enquiry_seen (enquiry, staff, seq)
		SELECT e.id, $2, CASE WHEN $3 > 0 THEN least($3, n.newest) ELSE n.newest END
		FROM enquiries e, LATERAL (SELECT coalesce(max(m.seq), 0) AS newest FROM messages m WHERE m.enquiry = e.id) n
		WHERE e.id = $1
		ON CONFLICT (enquiry, staff) DO UPDATE SET seq = greatest(enquiry_seen.seq, excluded.seq)`, id, staff, upTo)
	if err != nil {
		return wrap(err, "recording what staff have seen")
	}
	if tag.RowsAffected() == 0 {
		return enquiry.ErrNotFound
	}
	return nil
}

// Summaries returns each existing enquiry's newest message and, for
// staff, the count of the customer's messages after what they have seen,
// in two queries that read, per enquiry, only its newest message or its
// unseen messages, by the (enquiry, seq) index (a lateral subquery each,
// so that the plan does not depend on the tables' statistics).
func (s *Store) Summaries(ctx context.Context, staff string, ids []string) (map[string]enquiry.Summary, error) {
	out := make(map[string]enquiry.Summary, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, _ := s.pool.Query(ctx, `SELECT e.id, c.n FROM unnest($1::text[]) AS q(id)
		JOIN enquiries e ON e.id = q.id
		LEFT JOIN enquiry_seen s ON s.enquiry = e.id AND s.staff = $2
		CROSS JOIN LATERAL (SELECT count(*) AS n FROM messages m
			WHERE $2 <> '' AND m.enquiry = e.id AND m.seq > coalesce(s.seq, 0)
			AND m.direction = $3 AND m.author_kind = $4) c`,
		ids, staff, string(enquiry.In), string(enquiry.AuthorCustomer))
	var (
		id    string
		n     int
		found []string
	)
	_, err := pgx.ForEachRow(rows, []any{&id, &n}, func() error {
		out[id] = enquiry.Summary{Enquiry: id, Unread: n}
		found = append(found, id)
		return nil
	})
	if err != nil {
		return nil, wrap(err, "counting unread messages")
	}
	last, err := s.messages(ctx, "reading enquiries' newest messages",
		`SELECT `+qualify(messageColumns, "m.")+` FROM unnest($1::text[]) AS q(id)
		CROSS JOIN LATERAL (SELECT * FROM messages WHERE enquiry = q.id ORDER BY seq DESC LIMIT 1) m`, found)
	if err != nil {
		return nil, err
	}
	for i := range last {
		sum := out[last[i].Enquiry]
		sum.Last = &last[i]
		out[last[i].Enquiry] = sum
	}
	return out, nil
}
