package inbox

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
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
	store := newMemStore()
	var worked atomic.Int64
	gate := make(chan struct{})
	p := newPool(store, realClock{}, 100, func(ctx context.Context, ev Record) error {
		<-gate
		worked.Add(1)
		time.Sleep(2 * time.Millisecond)
		return nil
	})
	p.useLeases(store, "A", 30*time.Second)
	p.log = quiet
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() { p.worker(ctx) })
	}
	wg.Go(func() { p.sweeper(ctx, time.Hour) })
	waitFirstSweep(t, p)
	ev := func(id string) Record {
		return Record{Channel: "c", ID: id, Key: "u", Received: time.Now(), Payload: []byte(`{}`)}
	}
	fresh, err := store.AppendEvents(ctx, []Record{ev("e0"), ev("e1")})
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
			store.AppendEvents(ctx, []Record{ev(fmt.Sprint("b", i))})
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

// Events of customers another process holds do not crowd this process's
// own out of its pool: here the pool holds 2, and the 2 oldest pending
// events belong to customers process B holds.
func TestOthersLeasedBacklogDoesNotStrandOwnEvents(t *testing.T) {
	store := newMemStore()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	now := time.Now()
	for i := range 2 {
		k := fmt.Sprint("k", i)
		if _, err := store.AppendEvents(ctx, []Record{{Channel: "c", ID: k, Key: k, Received: now, Payload: []byte(`{}`)}}); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := store.LeaseKey(ctx, Key{Channel: "c", Key: k}, "B", now, now.Add(time.Hour), 32); !ok {
			t.Fatal("B could not lease", k)
		}
	}
	worked := make(chan string, 10)
	p := newPool(store, realClock{}, 2, func(ctx context.Context, ev Record) error {
		worked <- ev.ID
		return nil
	})
	p.useLeases(store, "A", 30*time.Second)
	p.log = quiet
	var wg sync.WaitGroup
	defer func() { p.halt(); cancel(); wg.Wait() }()
	for range 2 {
		wg.Go(func() { p.worker(ctx) })
	}
	wg.Go(func() { p.sweeper(ctx, time.Hour) })
	waitFirstSweep(t, p)
	fresh, err := store.AppendEvents(ctx, []Record{{Channel: "c", ID: "mine", Key: "k9", Received: time.Now(), Payload: []byte(`{}`)}})
	if err != nil {
		t.Fatal(err)
	}
	p.offer(fresh)
	select {
	case id := <-worked:
		if id != "mine" {
			t.Fatalf("handed over %s, an event of a customer B holds", id)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("this process's own event was not handed over in 5 s")
	}
}
