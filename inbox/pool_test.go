package inbox

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestPoolHandsEachEventOnceAndForgetsThem drives the pool directly, with
// and without overflow, and checks that every event is worked on exactly
// once, in order per key (each key has one poster, as a customer has one
// conversation), and that the pool's bookkeeping is empty after.
func TestPoolHandsEachEventOnceAndForgetsThem(t *testing.T) {
	for _, limit := range []int{3, 1000} {
		t.Run(fmt.Sprint("queue of ", limit), func(t *testing.T) {
			store := newMemStore()
			var mu sync.Mutex
			seen := map[string]int{}
			last := map[string]int64{}
			worked := make(chan struct{}, 10_000)
			p := newPool(store, realClock{}, limit, func(ctx context.Context, ev Record) error {
				mu.Lock()
				seen[ev.ID]++
				if ev.Seq < last[ev.Key] {
					t.Errorf("key %s: event %d after %d", ev.Key, ev.Seq, last[ev.Key])
				}
				last[ev.Key] = ev.Seq
				mu.Unlock()
				worked <- struct{}{}
				return nil
			})
			ctx, cancel := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			for range 4 {
				wg.Go(func() { p.worker(ctx) })
			}
			wg.Go(func() { p.sweeper(ctx, time.Hour) })

			const n = 600
			var posters sync.WaitGroup
			for g := range 3 {
				posters.Go(func() {
					for i := range n / 3 {
						fresh, err := store.AppendEvents(ctx, []Record{{Channel: "c", ID: fmt.Sprint(g, "-", i),
							Key: fmt.Sprint("k", g, "-", i%5), Received: time.Now(), Payload: []byte(`{}`)}})
						if err != nil {
							t.Error(err)
						}
						p.offer(fresh)
					}
				})
			}
			posters.Wait()
			for range n {
				select {
				case <-worked:
				case <-time.After(10 * time.Second):
					t.Fatal("events never worked on")
				}
			}
			p.drain(ctx)
			p.halt()
			cancel()
			wg.Wait()
			if len(seen) != n {
				t.Errorf("%d events worked on, want %d", len(seen), n)
			}
			for id, k := range seen {
				if k != 1 {
					t.Errorf("event %s worked on %d times", id, k)
				}
			}
			if len(p.held)+len(p.swept)+len(p.lanes)+len(p.ready)+p.queued != 0 {
				t.Errorf("bookkeeping left: held %d swept %d lanes %d ready %d queued %d",
					len(p.held), len(p.swept), len(p.lanes), len(p.ready), p.queued)
			}
			for r, at := range p.recent {
				if time.Since(at) > offerWindow {
					t.Errorf("recent holds %v, received %v ago, past the offer window", r, time.Since(at))
				}
			}
		})
	}
}

type setClock struct{ now time.Time }

func (c *setClock) Now() time.Time { return c.now }

// TestSweepForgetsFinishedEventsPastTheOfferWindow checks that the pool's
// memory of finished events (kept so that a late offer or a stale sweep
// does not hand them over again) lasts until offerWindow after each was
// received, no longer: a sweep forgets the older ones.
func TestSweepForgetsFinishedEventsPastTheOfferWindow(t *testing.T) {
	t0 := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	clock := &setClock{now: t0}
	p := newPool(newMemStore(), clock, 10, func(context.Context, Record) error { return nil })
	p.recent[ref{"c", "old"}] = t0
	p.recent[ref{"c", "new"}] = t0.Add(offerWindow)
	clock.now = t0.Add(offerWindow + time.Second)
	if _, err := p.sweep(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, ok := p.recent[ref{"c", "old"}]; ok {
		t.Error("an event received past the offer window is still remembered")
	}
	if _, ok := p.recent[ref{"c", "new"}]; !ok {
		t.Error("an event received within the offer window was forgotten")
	}
}
