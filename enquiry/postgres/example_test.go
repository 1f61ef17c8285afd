package postgres_test

import (
	"context"
	"log"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/socialdesk/socialdesk/enquiry/postgres"
)

// A host makes the pool it wants (size, TLS, schema), hands it to New and
// migrates once at start-up; the store then goes into enquiry.Config.
func ExampleNew() {
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = "desk" // a schema of its own
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()

	store := postgres.New(pool, postgres.Options{})
	if err := store.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	// desk, err := enquiry.New(enquiry.Config{Store: store, …})
}

// Open makes the pool itself; Close closes it.
func ExampleOpen() {
	ctx := context.Background()
	store, err := postgres.Open(ctx, os.Getenv("DATABASE_URL"), postgres.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	if err := store.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
}
