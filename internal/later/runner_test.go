package later

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/inbox"
)

func TestRunnerShutdownWaitsForTheLookUpsTheWorkersOffered(t *testing.T) {
	d := newDesk()
	looking, release := make(chan struct{}), make(chan struct{})
	q := New(Config{Desk: d, Channels: channels{"c": {ID: "c", Kind: "k"}}, Kind: "k",
		Name: func(ctx context.Context, ch enquiry.Channel, customer string) (string, error) {
			close(looking)
			<-release
			return "Name of " + customer, nil
		}})
	store := enquiry.NewMemStore()
	workers := inbox.New(store, func(ctx context.Context, ev inbox.Record) error {
		q.Name(ev.Channel, ev.Key)
		return nil
	}, inbox.Options{})
	r := NewRunner(workers, q)
	ran := make(chan error, 1)
	go func() { ran <- r.Run(context.Background()) }()
	fresh, err := store.AppendEvents(t.Context(), []inbox.Record{{Channel: "c", ID: "e1", Key: "U1", Received: time.Now(), Payload: []byte("{}")}})
	if err != nil {
		t.Fatal(err)
	}
	workers.Offer(fresh)
	<-looking // so Run is running
	if err := r.Run(context.Background()); !errors.Is(err, inbox.ErrRunning) {
		t.Fatalf("a second Run: %v, want inbox.ErrRunning", err)
	}

	shut := make(chan error, 1)
	go func() { shut <- r.Shutdown(context.Background()) }()
	select {
	case <-shut:
		t.Fatal("Shutdown returned while a name was still being looked up")
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if err := <-shut; err != nil {
		t.Fatal("Shutdown:", err)
	}
	if err := <-ran; err != nil {
		t.Fatal("Run:", err)
	}
	if d.names["U1"] != "Name of U1" {
		t.Fatalf("names %v: the look-up was not done before Run returned", d.names)
	}
}
