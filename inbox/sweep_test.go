package inbox

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"
)

// quiet is a logger that drops everything.
var quiet = slog.New(slog.DiscardHandler)

// startPool runs p's workers and sweeper until the test ends.
func startPool(t *testing.T, p *pool, workers int, retry time.Duration) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() { p.worker(ctx) })
	}
	wg.Go(func() { p.sweeper(ctx, retry) })
	t.Cleanup(func() { p.halt(); cancel(); wg.Wait() })
}

func record(t *testing.T, s Store, channel, key, id string) []Event {
	t.Helper()
	fresh, err := s.AppendEvents(context.Background(), []Event{{Channel: channel, ID: id, Key: key, Received: time.Now(), Payload: []byte(`{}`)}})
	if err != nil {
		t.Fatal(err)
	}
	return fresh
}

// This is the race behind line's TestWorkersHandleConcurrentDeliveriesAndRedeliveriesOnce
// failing now and then on a loaded machine: while a sweep read the store,
// more events were offered than the pool keeps aside for it (QueueSize),
// so their customer was held back "until the next sweep"; the events kept
// aside then filled the pool exactly, so that next sweep, run at once,
// found no room and did nothing; and as the pool had not overflowed, no
// worker woke the sweeper again. The customer's remaining events waited
// for the retry interval (a minute) although nothing had failed.
func TestEventsOfferedBeyondRoomDuringASweepAreFetchedWithoutWaitingForTheRetryInterval(t *testing.T) {
	const limit = 4
	store := newMemStore()
	reading, proceed := make(chan struct{}), make(chan struct{})
	var once sync.Once
	store.read = func() {
		once.Do(func() { close(reading); <-proceed })
	}
	handled := make(chan string, 100)
	holdFirst := make(chan struct{})
	p := newPool(store, realClock{}, limit, func(ctx context.Context, ev Event) error {
		if ev.ID == "b1" {
			<-holdFirst
		}
		handled <- ev.ID
		return nil
	})
	p.log = quiet
	idle := make(chan struct{}, 100)
	p.idleHook = func() { idle <- struct{}{} }
	startPool(t, p, 1, time.Hour)

	<-reading // the first sweep reads (an empty store)
	for i := 1; i <= limit+1; i++ {
		p.offer(record(t, store, "c", "B", fmt.Sprint("b", i)))
	}
	close(proceed)
	select {
	case <-idle: // the sweeper swept (once or twice) and waits
	case <-time.After(10 * time.Second):
		t.Fatal("the sweeper never finished its first sweeps")
	}
	close(holdFirst)
	for i := 1; i <= limit+1; i++ {
		want := fmt.Sprint("b", i)
		select {
		case got := <-handled:
			if got != want {
				t.Fatalf("handled %s, want %s", got, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s was never handled (%d events still pending; the retry interval is an hour)", want, store.pendingCount())
		}
	}
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }
