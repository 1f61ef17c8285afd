package e2e_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/socialdesk/socialdesk/enquiry/postgres"
)

// postgresDSN names the environment variable with the test database's DSN,
// as for the enquiry/postgres tests.
const postgresDSN = "SOCIALDESK_TEST_POSTGRES"

// newPostgresStore returns an enquiry/postgres store in a new schema,
// migrated, dropped when the test ends; it skips the test when
// SOCIALDESK_TEST_POSTGRES is not set.
func newPostgresStore(t testing.TB) *postgres.Store {
	t.Helper()
	dsn := os.Getenv(postgresDSN)
	if dsn == "" {
		t.Skip("set " + postgresDSN + " to a PostgreSQL DSN (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run the scenarios on PostgreSQL")
	}
	ctx := context.Background()
	admin, err := pgxpool.New(ctx, dsn)
	if err != nil {
		t.Fatalf("connecting to %s: %v", postgresDSN, err)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "sde2e_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatal(err)
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	cfg.MaxConns = 32
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		pool.Close()
		if _, err := admin.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Error(err)
		}
		admin.Close()
	})
	store := postgres.New(pool, postgres.Options{})
	if err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return store
}
