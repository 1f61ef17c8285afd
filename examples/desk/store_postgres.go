package main

import (
	"context"
	"log/slog"

	"github.com/socialdesk/socialdesk/enquiry/postgres"
)

// openPostgres opens and migrates the PostgreSQL store. The DSN may set
// search_path to keep the desk in a schema of its own.
func openPostgres(ctx context.Context, dsn string, log *slog.Logger) (store, func(), error) {
	store, err := postgres.Open(ctx, dsn, postgres.Options{})
	if err != nil {
		return nil, nil, err
	}
	if err := store.Migrate(ctx); err != nil {
		store.Close()
		return nil, nil, err
	}
	log.InfoContext(ctx, "using PostgreSQL") // never the DSN: it may hold a password
	return store, store.Close, nil
}
