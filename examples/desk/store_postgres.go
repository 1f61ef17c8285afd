package main

import (
	"context"
	"errors"
	"log/slog"

	"github.com/socialdesk/socialdesk/enquiry"
)

// openPostgres opens and migrates the PostgreSQL store.
func openPostgres(ctx context.Context, dsn string, log *slog.Logger) (enquiry.Store, func(), error) {
	return nil, nil, errors.New("DESK_DATABASE_URL: the PostgreSQL store is not wired yet")
}
