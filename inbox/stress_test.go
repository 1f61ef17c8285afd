package inbox

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Eight customers write at once while some of their events are
// redelivered (the store drops them, and the request offers what is
// left: nothing), the store's reads now and then stall as a descheduled
// sweeper's do on a loaded machine, and, with two replicas on a leasing
// store, a dead replica's leases on two customers run out mid-way. Every
// event must be handled once, in its customer's order, without waiting
// for the retry interval (an hour here): a sweep nobody wakes shows as
// events never handled.
//
// This is the race behind line's
// TestWorkersHandleConcurrentDeliveriesAndRedeliveriesOnce failing now
// and then on the pool before package inbox: the first sweep read an
// empty store and stalled; meanwhile more events were offered than the
// pool keeps aside for a sweep (QueueSize), so their customers were held
// back until the next sweep; the events kept aside then filled the pool
// exactly, so that next sweep, run at once, found no room, and as the
// pool had not overflowed no worker ever woke the sweeper again: every
// customer was held back, and their events waited for the retry interval.
// With holdBackLate and sweep's last line as they were in line, the
// first subtest failed in each of 5 runs of -race -count=5 ("6 of 320
// events handled").
func TestPoolsUnderDeliveriesRedeliveriesAndLeaseExpiryHandEachEventOnceInOrder(t *testing.T) {
	t.Run("one process on a store that does not lease", func(t *testing.T) {
		for range 20 { // the race is likeliest in the first sweep: start often
			stress(t, false)
		}
	})
	t.Run("two replicas on a leasing store, with a dead replica's leases running out", func(t *testing.T) { stress(t, true) })
}

// stress runs the test of
// TestPoolsUnderDeliveriesRedeliveriesAndLeaseExpiryHandEachEventOnceInOrder,
// with two replicas and leases or with one process and none. (Without
// leases, the lost wake-up shows; with them, each lease reads its
// customer's pending events from the store, which hides it.)
func stress(t *testing.T, leasing bool) {
	const (
		senders = 8
		per     = 40
		limit   = 6 // QueueSize: small, so sweeps and late offers are frequent
		lease   = 2 * time.Second
		deadFor = 300 * time.Millisecond
		old     = 5 // events each dead-leased customer had pending
	)
	store := newMemStore()
	ctx := context.Background()
	key := func(s int) string { return fmt.Sprint("k", s) }
	// A dead replica held customers k0 and k1, with events still pending.
	now := time.Now()
	var want = map[string][]string{} // key → ids in store order
	dead := 0
	if leasing {
		dead = 2
	}
	for s := range dead {
		for i := range old {
			id := fmt.Sprintf("%s-old%d", key(s), i)
			record(t, store, "c", key(s), id)
			want[key(s)] = append(want[key(s)], id)
		}
		if _, ok, err := store.LeaseKey(ctx, Key{"c", key(s)}, "dead", now, now.Add(deadFor), 0); err != nil || !ok {
			t.Fatalf("the dead replica's lease: %v %v", ok, err)
		}
	}
	// Reads stall now and then, as a descheduled sweeper's do on a
	// loaded machine; most often the first, which runs as the customers
	// start writing.
	var reads atomic.Int64
	store.read = func() {
		if reads.Add(1) <= 2 || rand.IntN(3) == 0 {
			time.Sleep(time.Duration(rand.IntN(5000)) * time.Microsecond)
		}
	}

	var mu sync.Mutex
	got := map[string][]string{}
	count := map[string]int{}
	all := make(chan struct{})
	total := senders*per + dead*old
	handled := 0
	handle := func(ctx context.Context, ev Record) error {
		if rand.IntN(4) == 0 {
			runtime.Gosched()
		}
		mu.Lock()
		defer mu.Unlock()
		got[ev.Key] = append(got[ev.Key], ev.ID)
		count[ev.ID]++
		if count[ev.ID] == 1 {
			if handled++; handled == total {
				close(all)
			}
		}
		return nil
	}
	var pools []*pool
	names := []string{"A"}
	var events Store = struct{ Store }{store} // no Leaser
	if leasing {
		names, events = []string{"A", "B"}, store
	}
	for _, name := range names {
		p := newPool(events, realClock{}, limit, handle)
		p.log = quiet
		if leasing {
			p.useLeases(store, name, lease)
		}
		pctx, cancel := context.WithCancel(ctx)
		var wg sync.WaitGroup
		for range 3 {
			wg.Go(func() { p.worker(pctx) })
		}
		wg.Go(func() { p.sweeper(pctx, time.Hour) })
		if leasing {
			wg.Go(func() { p.renewLeases(pctx) })
		}
		t.Cleanup(func() { p.halt(); cancel(); wg.Wait() })
		pools = append(pools, p)
	}

	var order sync.Mutex // keeps want in store order
	var wg sync.WaitGroup
	for s := range senders {
		wg.Go(func() {
			var sent [][]Record
			for i := range per {
				if s < dead {
					// The dead replica's customers go on writing while
					// its leases run out and after: offers refused, then
					// taken over with the backlog.
					time.Sleep(2 * deadFor / per)
				}
				id := fmt.Sprintf("%s-%d", key(s), i)
				order.Lock()
				fresh := record(t, store, "c", key(s), id)
				want[key(s)] = append(want[key(s)], id)
				order.Unlock()
				p := pools[rand.IntN(len(pools))] // the replica the platform posted to
				p.offer(fresh)
				sent = append(sent, fresh)
				if i%3 == 0 {
					// The platform redelivers an earlier event: the store
					// drops it, and the request offers nothing.
					again := sent[rand.IntN(len(sent))]
					f, err := store.AppendEvents(ctx, again)
					if err != nil || len(f) != 0 {
						t.Errorf("a redelivery was recorded again: %v %v", f, err)
					}
					p.offer(f)
				}
			}
		})
	}
	wg.Wait()
	select {
	case <-all:
	case <-time.After(30 * time.Second):
		mu.Lock()
		t.Fatalf("%d of %d events handled, %d still pending (the retry interval is an hour: a sweep was never woken)", handled, total, store.pendingCount())
	}
	mu.Lock()
	defer mu.Unlock()
	for id, n := range count {
		if n != 1 {
			t.Errorf("%s handled %d times, want once", id, n)
		}
	}
	for k, ids := range want {
		if fmt.Sprint(got[k]) != fmt.Sprint(ids) {
			t.Errorf("customer %s: handled %v, want %v", k, got[k], ids)
		}
	}
}
