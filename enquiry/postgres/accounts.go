package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/socialdesk/socialdesk/enquiry"
)

const (
	accountColumns = "id, first, last, role, disabled, password_hash, created, updated"
	tokenColumns   = "id, staff, label, hash, created, revoked"
)

// scanAccount reads a row of accountColumns (with a prefix of its own
// columns in a join, as the caller lists them).
func scanAccount(row pgx.Row, extra ...any) (enquiry.Account, error) {
	var (
		a                enquiry.Account
		hash             string
		created, updated pgtype.Timestamptz
	)
	err := row.Scan(append(extra, &a.ID, &a.First, &a.Last, &a.Role, &a.Disabled, &hash, &created, &updated)...)
	a.PasswordHash, a.Created, a.Updated = enquiry.Secret(hash), goTime(created), goTime(updated)
	return a, err
}

// tokenDest returns the destinations of a row of tokenColumns and a
// function that finishes t once the row is scanned.
func tokenDest(t *enquiry.Token) ([]any, func()) {
	var (
		hash             string
		created, revoked pgtype.Timestamptz
	)
	return []any{&t.ID, &t.Staff, &t.Label, &hash, &created, &revoked}, func() {
		t.Hash, t.Created, t.Revoked = enquiry.Secret(hash), goTime(created), goTime(revoked)
	}
}

// CreateAccount stores a new account: enquiry.ErrAccountExists if the ID
// is taken, in any case of its letters; a *enquiry.ValidationError if it
// is not valid.
func (s *Store) CreateAccount(ctx context.Context, a enquiry.Account) error {
	if err := a.Validate(); err != nil {
		return err
	}
	_, err := s.pool.Exec(ctx, "INSERT INTO staff_accounts ("+accountColumns+") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
		a.ID, a.First, a.Last, string(a.Role), a.Disabled, a.PasswordHash.Reveal(), tz(a.Created), tz(a.Updated))
	if code, _ := pgCode(err); code == uniqueViolation {
		return enquiry.ErrAccountExists
	}
	return wrap(err, "creating a staff account")
}

// UpdateAccount replaces an account: enquiry.ErrNotFound, a
// *enquiry.ValidationError if it is not valid.
func (s *Store) UpdateAccount(ctx context.Context, a enquiry.Account) error {
	if err := a.Validate(); err != nil {
		return err
	}
	tag, err := s.pool.Exec(ctx, `UPDATE staff_accounts SET first = $2, last = $3, role = $4, disabled = $5,
		password_hash = $6, created = $7, updated = $8 WHERE id = $1`,
		a.ID, a.First, a.Last, string(a.Role), a.Disabled, a.PasswordHash.Reveal(), tz(a.Created), tz(a.Updated))
	if err != nil {
		return wrap(err, "updating a staff account")
	}
	if tag.RowsAffected() == 0 {
		return enquiry.ErrNotFound
	}
	return nil
}

// Account returns an account by ID: enquiry.ErrNotFound.
func (s *Store) Account(ctx context.Context, id string) (enquiry.Account, error) {
	a, err := scanAccount(s.pool.QueryRow(ctx, "SELECT "+accountColumns+" FROM staff_accounts WHERE id = $1", id))
	if errors.Is(err, pgx.ErrNoRows) {
		return enquiry.Account{}, enquiry.ErrNotFound
	}
	if err != nil {
		return enquiry.Account{}, wrap(err, "reading a staff account")
	}
	return a, nil
}

// Accounts returns every account, ordered by ID.
func (s *Store) Accounts(ctx context.Context) ([]enquiry.Account, error) {
	rows, _ := s.pool.Query(ctx, "SELECT "+accountColumns+` FROM staff_accounts ORDER BY id COLLATE "C"`)
	as, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (enquiry.Account, error) { return scanAccount(row) })
	return as, wrap(err, "listing staff accounts")
}

// CreateToken stores a new token: enquiry.ErrNotFound if its account does
// not exist, enquiry.ErrTokenExists if its ID or hash is taken, a
// *enquiry.ValidationError if it is not valid.
func (s *Store) CreateToken(ctx context.Context, t enquiry.Token) error {
	if err := t.Validate(); err != nil {
		return err
	}
	_, err := s.pool.Exec(ctx, "INSERT INTO staff_tokens ("+tokenColumns+") VALUES ($1, $2, $3, $4, $5, $6)",
		t.ID, t.Staff, t.Label, t.Hash.Reveal(), tz(t.Created), tz(t.Revoked))
	// Not the database's message: its detail may quote the hash.
	switch code, _ := pgCode(err); code {
	case uniqueViolation:
		return enquiry.ErrTokenExists
	case foreignKeyViolation:
		return enquiry.ErrNotFound
	}
	return wrap(err, "creating a token")
}

// Tokens returns an account's tokens, revoked ones included, oldest
// first: enquiry.ErrNotFound if there is no such account.
func (s *Store) Tokens(ctx context.Context, staff string) ([]enquiry.Token, error) {
	var ts []enquiry.Token
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var one int
		if err := tx.QueryRow(ctx, "SELECT 1 FROM staff_accounts WHERE id = $1", staff).Scan(&one); errors.Is(err, pgx.ErrNoRows) {
			return enquiry.ErrNotFound
		} else if err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, "SELECT "+tokenColumns+` FROM staff_tokens WHERE staff = $1 ORDER BY created, id COLLATE "C"`, staff)
		var err error
		ts, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (enquiry.Token, error) {
			var t enquiry.Token
			dest, done := tokenDest(&t)
			err := row.Scan(dest...)
			done()
			return t, err
		})
		return err
	})
	return ts, wrap(err, "listing tokens")
}

// TokenByHash returns the token with that hash and its account, while the
// token is not revoked and the account not disabled: enquiry.ErrNotFound
// otherwise.
func (s *Store) TokenByHash(ctx context.Context, hash enquiry.Secret) (enquiry.Token, enquiry.Account, error) {
	var t enquiry.Token
	dest, done := tokenDest(&t)
	a, err := scanAccount(s.pool.QueryRow(ctx, `SELECT t.id, t.staff, t.label, t.hash, t.created, t.revoked,
		a.id, a.first, a.last, a.role, a.disabled, a.password_hash, a.created, a.updated
		FROM staff_tokens t JOIN staff_accounts a ON a.id = t.staff
		WHERE t.hash = $1 AND t.revoked IS NULL AND NOT a.disabled`, hash.Reveal()), dest...)
	done()
	if errors.Is(err, pgx.ErrNoRows) {
		return enquiry.Token{}, enquiry.Account{}, enquiry.ErrNotFound
	}
	if err != nil {
		return enquiry.Token{}, enquiry.Account{}, wrap(err, "looking a token up")
	}
	return t, a, nil
}

// RevokeToken revokes staff's token id as of at: enquiry.ErrNotFound if
// staff has no such token. A revoked token keeps its first revocation time.
func (s *Store) RevokeToken(ctx context.Context, staff, id string, at time.Time) error {
	if at.IsZero() {
		return &enquiry.ValidationError{Field: "at", Reason: "a revocation needs its time"}
	}
	tag, err := s.pool.Exec(ctx, "UPDATE staff_tokens SET revoked = coalesce(revoked, $3) WHERE id = $1 AND staff = $2", id, staff, tz(at))
	if err != nil {
		return wrap(err, "revoking a token")
	}
	if tag.RowsAffected() == 0 {
		return enquiry.ErrNotFound
	}
	return nil
}
