package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/socialdesk/socialdesk/enquiry"
)

// SetFriendship records the customer's friendship as of at, unless one as
// of a later time is recorded already.
func (s *Store) SetFriendship(ctx context.Context, channel, customer string, f enquiry.Friendship, at time.Time) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO friendships AS f (channel, customer, friendship, at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (channel, customer) DO UPDATE SET friendship = EXCLUDED.friendship, at = EXCLUDED.at
		WHERE f.at <= EXCLUDED.at`,
		channel, customer, string(f), at)
	return wrap(err, "recording a friendship")
}

// Friendship returns the customer's recorded friendship and as of when
// ("" if none).
func (s *Store) Friendship(ctx context.Context, channel, customer string) (enquiry.Friendship, time.Time, error) {
	var (
		f  string
		at time.Time
	)
	err := s.pool.QueryRow(ctx, "SELECT friendship, at FROM friendships WHERE channel = $1 AND customer = $2", channel, customer).Scan(&f, &at)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", time.Time{}, nil
	}
	if err != nil {
		return "", time.Time{}, wrap(err, "reading a friendship")
	}
	return enquiry.Friendship(f), at, nil
}
