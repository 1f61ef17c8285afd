package enquiry

import (
	"context"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/inbox"
)

// TestMemStoreIntakeDoesNotWaitForTheDesk holds the lock of the desk's
// state and checks that webhook intake still looks its channel up,
// records events and leases them: at saturation they queued behind
// every Receive.
func TestMemStoreIntakeDoesNotWaitForTheDesk(t *testing.T) {
	ctx := context.Background()
	s := NewMemStore()
	if err := s.CreateChannel(ctx, Channel{ID: "ch1", Name: "Shop", Kind: "chat"}); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	done := make(chan error, 1)
	go func() {
		if _, err := s.Channel(ctx, "ch1"); err != nil {
			done <- err
			return
		}
		now := time.Now()
		ev := inbox.Record{Channel: "ch1", ID: "e1", Key: "U1", Received: now, Payload: []byte(`{}`)}
		if _, err := s.AppendEvents(ctx, []inbox.Record{ev}); err != nil {
			done <- err
			return
		}
		_, _, err := s.LeaseKey(ctx, inbox.KeyOf(ev), "me", now, now.Add(time.Minute), 1)
		if err == nil {
			err = s.EventDone(ctx, "ch1", "e1")
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second): // a safety net: it blocks for ever if it needs the lock
		t.Fatal("intake waited for the desk's lock")
	}
}
