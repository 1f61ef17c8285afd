// Command minimal embeds socialdesk in an existing net/http service: one
// LINE channel, its webhook at /webhook/line/main, and a log line for every
// new enquiry. Run it with LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN
// set, and point the channel's webhook URL at https://YOUR-HOST/webhook/line/main.
package main

import (
	"context"
	"log"
	"net/http"
	"os"
	"os/signal"

	"github.com/socialdesk/socialdesk/automsg"
	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/line"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	store := enquiry.NewMemStore()
	client := line.NewClient(line.Config{APIBase: os.Getenv("LINE_API_BASE"), DataAPIBase: os.Getenv("LINE_DATA_API_BASE")})
	feed := &enquiry.Feed{}
	desk, err := enquiry.New(enquiry.Config{Store: store, Kinds: map[string]enquiry.Kind{line.ChannelKind: line.DeskKind(client)}, Sink: feed})
	if err != nil {
		log.Fatal(err)
	}
	_, err = desk.CreateChannel(ctx, enquiry.Channel{
		ID: "main", Name: "My shop", Kind: line.ChannelKind,
		Credentials:  enquiry.Credentials{Secret: enquiry.Secret(os.Getenv("LINE_CHANNEL_SECRET")), Token: enquiry.Secret(os.Getenv("LINE_CHANNEL_ACCESS_TOKEN"))},
		AutoMessages: automsg.Settings{Welcome: automsg.Message{On: true}},
	})
	if err != nil {
		log.Fatal(err)
	}
	hook := line.NewWebhook(line.WebhookConfig{Channels: desk, Events: store, Desk: desk, Content: client, Blobs: &enquiry.MemBlobs{}})
	go hook.Run(ctx)
	go desk.Run(ctx)

	events := feed.Subscribe(100)
	go func() {
		for ev := range events.C {
			if ev.Kind == enquiry.EnquiryOpened {
				log.Printf("new enquiry %s from %s", ev.Enquiry.ID, ev.Enquiry.Customer.ID)
			}
		}
	}()

	mux := http.NewServeMux() // your service's mux
	mux.Handle("POST /webhook/line/{channel}", hook)
	srv := &http.Server{Addr: "127.0.0.1:8081", Handler: mux}
	go func() { <-ctx.Done(); srv.Shutdown(context.Background()); hook.Shutdown(context.Background()) }()
	log.Printf("listening on %s", srv.Addr)
	if err := srv.ListenAndServe(); err != http.ErrServerClosed {
		log.Fatal(err)
	}
}
