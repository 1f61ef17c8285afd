package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/socialdesk/socialdesk/enquiry"
)

// Options configure a Store. The zero value stores channel credentials as
// given; see the package documentation for how to protect them.
type Options struct {
	// Encrypt, when set, seals a channel's credentials before they are
	// written; Decrypt opens them when read. Set both or neither. They
	// are called with the credentials as JSON and must be safe for
	// concurrent use; their errors are returned wrapped, so they must not
	// contain the plaintext.
	Encrypt func(plaintext []byte) ([]byte, error)
	Decrypt func(ciphertext []byte) ([]byte, error)
	// Migrate makes Open call Migrate before it returns, as a host does at
	// start-up; New ignores it.
	Migrate bool
}

// Store is an enquiry.Store on PostgreSQL. It is safe for concurrent use
// by many goroutines, and by many processes sharing one database: every
// method is one transaction (concurrent Receive calls may share one), and
// the invariants of enquiry.Store are enforced by the database's unique
// indexes and row locks.
type Store struct {
	pool *pgxpool.Pool
	opts Options
	own  bool // Close closes pool
	rx   receiver
}

var _ enquiry.Store = (*Store)(nil)

// New returns a Store that uses pool, whose search_path must lead to the
// schema Migrate created. It does no I/O; call Migrate before first use.
// The caller keeps ownership of pool.
func New(pool *pgxpool.Pool, opts Options) *Store {
	s := &Store{pool: pool, opts: opts}
	s.rx.limit = receiveLimit(pool)
	return s
}

// receiveLimit is how many Receive transactions a Store on pool runs at
// once: maxInFlight, or fewer if the pool has fewer connections.
func receiveLimit(pool *pgxpool.Pool) int {
	return int(min(int32(maxInFlight), max(1, pool.Config().MaxConns)))
}

// Open connects to the database at dsn (a URL or key=value string, as
// pgxpool.ParseConfig takes it) and returns a Store that owns the
// connection pool: Close closes it. It migrates only with opts.Migrate.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// pgx's parse errors quote the DSN, password included: say less.
		return nil, errors.New("postgres: cannot parse the database DSN; check its syntax")
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connecting: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: connecting: %w", err)
	}
	s := &Store{pool: pool, opts: opts, own: true}
	s.rx.limit = receiveLimit(pool)
	if opts.Migrate {
		if err := s.Migrate(ctx); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

// Close waits for the transactions of Receive calls in flight, then
// closes the connection pool if Open created it; a pool given to New is
// left to its owner.
func (s *Store) Close() {
	s.rx.runners.Wait()
	if s.own {
		s.pool.Close()
	}
}

// SQLSTATE codes the store acts on.
const (
	uniqueViolation      = "23505"
	foreignKeyViolation  = "23503"
	undefinedColumn      = "42703"
	duplicateTable       = "42P07"
	duplicateFunction    = "42723"
	invalidSchemaName    = "3F000"
	serializationFailure = "40001"
	deadlockDetected     = "40P01"
)

// pgCode returns err's SQLSTATE and constraint, if it is a PostgreSQL error.
func pgCode(err error) (code, constraint string) {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code, pe.ConstraintName
	}
	return "", ""
}

// inTx runs fn in a transaction and commits it, with retry.
func (s *Store) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return s.retry(ctx, func() error { return pgx.BeginFunc(ctx, s.pool, fn) })
}

// retry runs fn, and runs it again, up to four times, when PostgreSQL
// aborted it to resolve a deadlock or serialization failure: the other
// transactions involved went ahead, so the next attempt usually succeeds.
func (s *Store) retry(ctx context.Context, fn func() error) error {
	for attempt := 1; ; attempt++ {
		err := fn()
		code, _ := pgCode(err)
		if (code != deadlockDetected && code != serializationFailure) || attempt == 5 {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt) * 5 * time.Millisecond):
		}
	}
}

// wrap gives an error from the database the store's prefix and what it
// was doing; errors of the enquiry package pass unchanged.
func wrap(err error, doing string) error {
	if err == nil {
		return nil
	}
	for _, target := range []error{enquiry.ErrNotFound, enquiry.ErrConflict, enquiry.ErrChannelExists, enquiry.ErrAccountTaken} {
		if errors.Is(err, target) {
			return err
		}
	}
	return fmt.Errorf("postgres: %s: %w", doing, err)
}
