package inbox_test

import (
	"context"
	"fmt"
	"time"

	"github.com/socialdesk/socialdesk/inbox"
)

// A connector records the events of each webhook request before it
// answers, offers what was new after, and lets the workers hand each
// customer's events to its handler in order.
func Example() {
	store := inbox.NewTestStore() // enquiry.NewMemStore() or an enquiry/postgres store in a host
	handled := make(chan string)
	workers := inbox.New(store, func(ctx context.Context, ev inbox.Record) error {
		handled <- ev.Key + ": " + string(ev.Payload)
		return nil // done; an error leaves the event pending, to be tried again
	}, inbox.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go workers.Run(ctx)

	// In the webhook handler: record, answer, offer.
	now := time.Now()
	fresh, err := store.AppendEvents(ctx, []inbox.Record{
		{Channel: "shop", ID: "ev-1", Key: "U1", Received: now, Payload: []byte("hello")},
		{Channel: "shop", ID: "ev-2", Key: "U1", Received: now, Payload: []byte("are you there?")},
		{Channel: "shop", ID: "ev-1", Key: "U1", Received: now, Payload: []byte("hello")}, // a redelivery
	})
	if err != nil {
		return // answer 500: the platform redelivers
	}
	workers.Offer(fresh)

	fmt.Println(<-handled)
	fmt.Println(<-handled)
	// Output:
	// U1: hello
	// U1: are you there?
}
