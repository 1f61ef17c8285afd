package line

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
)

// waitFirstSweep waits until p's first sweep has run.
func waitFirstSweep(t *testing.T, p *pool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		p.mu.Lock()
		o := p.overflow
		p.mu.Unlock()
		if !o {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the first sweep never ran")
		}
	}
}

// Shutdown with leases finishes what was queued and takes on nothing
// newer, even while another replica keeps recording the same customer's
// events (which each lease reads from the store).
func TestDrainWithLeasesTakesOnNothingNew(t *testing.T) {
	store := enquiry.NewMemStore()
	var worked atomic.Int64
	gate := make(chan struct{})
	p := newPool(store, hookClock{}, 100, func(ctx context.Context, ev enquiry.Event) outcome {
		<-gate
		worked.Add(1)
		time.Sleep(2 * time.Millisecond)
		return done
	})
	p.useLeases(store, "A", 30*time.Second, slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() { p.worker(ctx) })
	}
	wg.Go(func() { p.sweeper(ctx, time.Hour, func(error) {}) })
	waitFirstSweep(t, p)
	ev := func(id string) enquiry.Event {
		return enquiry.Event{Channel: "c", ID: id, Key: "u", Received: time.Now(), Payload: []byte(`{}`)}
	}
	fresh, err := store.AppendEvents(ctx, []enquiry.Event{ev("e0"), ev("e1")})
	if err != nil {
		t.Fatal(err)
	}
	p.offer(fresh)
	// Replica B records more of the customer's events.
	stopB := make(chan struct{})
	wg.Go(func() {
		for i := 1; ; i++ {
			select {
			case <-stopB:
				return
			case <-time.After(time.Millisecond):
			}
			store.AppendEvents(ctx, []enquiry.Event{ev(fmt.Sprint("b", i))})
		}
	})
	time.Sleep(20 * time.Millisecond)
	dctx, dcancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer dcancel()
	drained := make(chan error, 1)
	go func() { drained <- p.drain(dctx) }()
	time.Sleep(10 * time.Millisecond)
	close(gate)
	err = <-drained
	close(stopB)
	p.halt()
	cancel()
	wg.Wait()
	if err != nil {
		t.Fatalf("Shutdown with 2 events queued did not finish: %v (%d events handed over)", err, worked.Load())
	}
	if n := worked.Load(); n != 2 {
		t.Errorf("Shutdown handed over %d events; want the 2 queued", n)
	}
}
