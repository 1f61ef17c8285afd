package deskhttp_test

import (
	"context"
	"log"
	"net/http"
	"os"
	"os/signal"

	"github.com/socialdesk/socialdesk/deskhttp"
	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/line"
)

// A net/http service with one LINE channel, its webhook and the desk's
// staff API and console, on the in-memory store. Staff sign in to the
// API with the service token DESK_TOKEN; open http://127.0.0.1:8080/.
func Example() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	store, feed, blobs := enquiry.NewMemStore(), &enquiry.Feed{}, &enquiry.MemBlobs{}
	client := line.NewClient(line.Config{})
	desk, err := enquiry.New(enquiry.Config{Store: store, Sender: client, Sink: feed, Blobs: blobs})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := desk.CreateChannel(ctx, enquiry.Channel{ID: "main", Name: "My shop", Kind: "line",
		Credentials: enquiry.Credentials{Secret: enquiry.Secret(os.Getenv("LINE_CHANNEL_SECRET")), Token: enquiry.Secret(os.Getenv("LINE_CHANNEL_ACCESS_TOKEN"))},
	}); err != nil {
		log.Fatal(err)
	}
	hook := line.NewWebhook(line.WebhookConfig{Channels: desk, Events: store, Desk: desk, Content: client, Blobs: blobs})
	staff, err := deskhttp.New(deskhttp.Config{
		Desk: desk, Feed: feed, Blobs: blobs, Auth: deskhttp.ServiceToken(os.Getenv("DESK_TOKEN")),
		Connectors: []deskhttp.Connector{{Kind: "line", Name: "LINE", Webhook: "/webhook/line/{channel}"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	go desk.Run(ctx)
	go hook.Run(ctx)
	go staff.Run(ctx)

	mux := http.NewServeMux()
	mux.Handle("POST /webhook/line/{channel}", hook)
	mux.Handle("/", staff)
	srv := &http.Server{Addr: "127.0.0.1:8080", Handler: mux}
	srv.RegisterOnShutdown(staff.EndStreams)
	go func() { <-ctx.Done(); srv.Shutdown(context.Background()); hook.Shutdown(context.Background()) }()
	if err := srv.ListenAndServe(); err != http.ErrServerClosed {
		log.Fatal(err)
	}
}
