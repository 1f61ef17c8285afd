package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/socialdesk/socialdesk/enquiry"
)

const cannedColumns = "channel, id, name, body, created, updated"

func scanCanned(row pgx.Row) (enquiry.CannedReply, error) {
	var (
		c                enquiry.CannedReply
		created, updated pgtype.Timestamptz
	)
	err := row.Scan(&c.Channel, &c.ID, &c.Name, &c.Text, &created, &updated)
	c.Created, c.Updated = goTime(created), goTime(updated)
	return c, err
}

// CreateCanned stores a new canned reply: enquiry.ErrNotFound if its
// channel does not exist, enquiry.ErrCannedExists if the channel has one
// of its ID or name (by enquiry.CannedKey), a *enquiry.ValidationError if
// it is not valid.
func (s *Store) CreateCanned(ctx context.Context, c enquiry.CannedReply) error {
	if err := c.Validate(); err != nil {
		return err
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO canned_replies (channel, id, name, name_key, body, created, updated)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		c.Channel, c.ID, c.Name, enquiry.CannedKey(c.Name), c.Text, tz(c.Created), tz(c.Updated))
	switch code, _ := pgCode(err); code {
	case uniqueViolation:
		return enquiry.ErrCannedExists
	case foreignKeyViolation:
		return enquiry.ErrNotFound
	}
	return wrap(err, "creating a canned reply")
}

// UpdateCanned replaces the channel's canned reply c.ID:
// enquiry.ErrNotFound, enquiry.ErrCannedExists if another of the
// channel's replies has its name, a *enquiry.ValidationError.
func (s *Store) UpdateCanned(ctx context.Context, c enquiry.CannedReply) error {
	if err := c.Validate(); err != nil {
		return err
	}
	tag, err := s.pool.Exec(ctx, `UPDATE canned_replies SET name = $3, name_key = $4, body = $5, created = $6, updated = $7
		WHERE channel = $1 AND id = $2`,
		c.Channel, c.ID, c.Name, enquiry.CannedKey(c.Name), c.Text, tz(c.Created), tz(c.Updated))
	if code, _ := pgCode(err); code == uniqueViolation {
		return enquiry.ErrCannedExists
	}
	if err != nil {
		return wrap(err, "updating a canned reply")
	}
	if tag.RowsAffected() == 0 {
		return enquiry.ErrNotFound
	}
	return nil
}

// DeleteCanned removes the channel's canned reply id: enquiry.ErrNotFound.
func (s *Store) DeleteCanned(ctx context.Context, channel, id string) error {
	tag, err := s.pool.Exec(ctx, "DELETE FROM canned_replies WHERE channel = $1 AND id = $2", channel, id)
	if err != nil {
		return wrap(err, "deleting a canned reply")
	}
	if tag.RowsAffected() == 0 {
		return enquiry.ErrNotFound
	}
	return nil
}

// CannedReply returns the channel's canned reply id: enquiry.ErrNotFound.
func (s *Store) CannedReply(ctx context.Context, channel, id string) (enquiry.CannedReply, error) {
	c, err := scanCanned(s.pool.QueryRow(ctx, "SELECT "+cannedColumns+" FROM canned_replies WHERE channel = $1 AND id = $2", channel, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return enquiry.CannedReply{}, enquiry.ErrNotFound
	}
	return c, wrap(err, "reading a canned reply")
}

// CannedReplies returns the channel's canned replies ordered by
// enquiry.CannedKey of their names (byte order), then ID.
func (s *Store) CannedReplies(ctx context.Context, channel string) ([]enquiry.CannedReply, error) {
	rows, _ := s.pool.Query(ctx, "SELECT "+cannedColumns+` FROM canned_replies WHERE channel = $1
		ORDER BY name_key COLLATE "C", id COLLATE "C"`, channel)
	cs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (enquiry.CannedReply, error) { return scanCanned(row) })
	if cs == nil && err == nil {
		cs = []enquiry.CannedReply{}
	}
	return cs, wrap(err, "listing canned replies")
}
