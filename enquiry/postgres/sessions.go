package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/socialdesk/socialdesk/enquiry"
)

// CreateSession stores a new session: enquiry.ErrNotFound if its account
// does not exist, enquiry.ErrTokenExists if its hash is taken, a
// *enquiry.ValidationError if it is not valid.
func (s *Store) CreateSession(ctx context.Context, sess enquiry.Session) error {
	if err := sess.Validate(); err != nil {
		return err
	}
	_, err := s.pool.Exec(ctx, "INSERT INTO staff_sessions (hash, staff, created, expires) VALUES ($1, $2, $3, $4)",
		sess.Hash.Reveal(), sess.Staff, tz(sess.Created), tz(sess.Expires))
	// Not the database's message: its detail may quote the hash.
	switch code, _ := pgCode(err); code {
	case uniqueViolation:
		return enquiry.ErrTokenExists
	case foreignKeyViolation:
		return enquiry.ErrNotFound
	}
	return wrap(err, "creating a session")
}

// SessionByHash returns the session with that hash and its account, while
// the session has not expired at now and the account is not disabled:
// enquiry.ErrNotFound otherwise.
func (s *Store) SessionByHash(ctx context.Context, hash enquiry.Secret, now time.Time) (enquiry.Session, enquiry.Account, error) {
	var (
		sess             enquiry.Session
		h                string
		created, expires pgtype.Timestamptz
	)
	a, err := scanAccount(s.pool.QueryRow(ctx, `SELECT s.hash, s.staff, s.created, s.expires,
		a.id, a.first, a.last, a.role, a.disabled, a.password_hash, a.created, a.updated
		FROM staff_sessions s JOIN staff_accounts a ON a.id = s.staff
		WHERE s.hash = $1 AND s.expires > $2 AND NOT a.disabled`, hash.Reveal(), now), &h, &sess.Staff, &created, &expires)
	if errors.Is(err, pgx.ErrNoRows) {
		return enquiry.Session{}, enquiry.Account{}, enquiry.ErrNotFound
	}
	if err != nil {
		return enquiry.Session{}, enquiry.Account{}, wrap(err, "looking a session up")
	}
	sess.Hash, sess.Created, sess.Expires = enquiry.Secret(h), goTime(created), goTime(expires)
	return sess, a, nil
}

// DeleteSession ends the session with that hash, if there is one.
func (s *Store) DeleteSession(ctx context.Context, hash enquiry.Secret) error {
	_, err := s.pool.Exec(ctx, "DELETE FROM staff_sessions WHERE hash = $1", hash.Reveal())
	return wrap(err, "ending a session")
}

// DeleteSessions ends every session of staff and returns how many.
func (s *Store) DeleteSessions(ctx context.Context, staff string) (int64, error) {
	tag, err := s.pool.Exec(ctx, "DELETE FROM staff_sessions WHERE staff = $1", staff)
	if err != nil {
		return 0, wrap(err, "ending sessions")
	}
	return tag.RowsAffected(), nil
}

// PruneSessions deletes the sessions that expired before `before` and
// returns how many.
func (s *Store) PruneSessions(ctx context.Context, before time.Time) (int64, error) {
	tag, err := s.pool.Exec(ctx, "DELETE FROM staff_sessions WHERE expires < $1", before)
	if err != nil {
		return 0, wrap(err, "pruning sessions")
	}
	return tag.RowsAffected(), nil
}
