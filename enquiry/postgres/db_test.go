package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/enquiry/postgres"
)

// dsnVar names the environment variable with the test database's DSN.
const dsnVar = "SOCIALDESK_TEST_POSTGRES"

// testDSN returns the test database's DSN or skips the test.
func testDSN(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv(dsnVar)
	if dsn == "" {
		tb.Skip("set " + dsnVar + " to a PostgreSQL DSN (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run the PostgreSQL tests")
	}
	return dsn
}

// admin is the connection pool that creates and drops the tests' schemas,
// shared by the package's tests (connecting is slow) and left open.
var admin = sync.OnceValues(func() (*pgxpool.Pool, error) {
	return pgxpool.New(context.Background(), os.Getenv(dsnVar))
})

// newSchema creates a schema of its own for the test, dropped when it ends,
// so tests and test packages running at once never meet.
func newSchema(tb testing.TB) string {
	tb.Helper()
	testDSN(tb)
	pool, err := admin()
	if err != nil {
		tb.Fatalf("connecting to %s: %v", dsnVar, err)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "sdtest_" + hex.EncodeToString(b[:])
	if _, err := pool.Exec(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if _, err := pool.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			tb.Error(err)
		}
	})
	return schema
}

// newPool returns a pool whose search_path is schema, closed when the test ends.
func newPool(tb testing.TB, schema string) *pgxpool.Pool {
	tb.Helper()
	return newPoolSize(tb, schema, 0)
}

// newPoolSize is newPool with at most maxConns connections (0: pgxpool's default).
func newPoolSize(tb testing.TB, schema string, maxConns int32) *pgxpool.Pool {
	tb.Helper()
	cfg, err := pgxpool.ParseConfig(testDSN(tb))
	if err != nil {
		tb.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	cfg.ConnConfig.RuntimeParams["application_name"] = schema // to find the test's sessions
	if maxConns > 0 {
		cfg.MaxConns = maxConns
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(pool.Close)
	return pool
}

// newStore returns a migrated store in a schema of its own, with the
// channels given.
func newStore(tb testing.TB, channels ...string) *postgres.Store {
	tb.Helper()
	s := newStoreIn(tb, newSchema(tb), postgres.Options{})
	createChannels(tb, s, channels...)
	return s
}

// createChannels creates active channels with the given IDs.
func createChannels(tb testing.TB, s *postgres.Store, ids ...string) {
	tb.Helper()
	for _, id := range ids {
		ch := enquiry.Channel{ID: id, Name: "Channel " + id, Kind: "chat", Account: "U" + id, State: enquiry.Active}
		if err := s.CreateChannel(context.Background(), ch); err != nil {
			tb.Fatal(err)
		}
	}
}

// newStoreIn returns a migrated store on its own pool in schema: two
// stores in one schema are two desk replicas sharing a database.
func newStoreIn(tb testing.TB, schema string, opts postgres.Options) *postgres.Store {
	tb.Helper()
	s := postgres.New(newPool(tb, schema), opts)
	if err := s.Migrate(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return s
}
