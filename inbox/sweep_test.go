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

func record(t *testing.T, s Store, channel, key, id string) []Record {
	t.Helper()
	fresh, err := s.AppendEvents(context.Background(), []Record{{Channel: channel, ID: id, Key: key, Received: time.Now(), Payload: []byte(`{}`)}})
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
	p := newPool(store, realClock{}, limit, func(ctx context.Context, ev Record) error {
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

// The other way a sweep could leave the sweeper without anyone to wake
// it: every event of a full read (QueueSize of them) was handled while
// the read ran, so the sweep queued nothing, yet it marked the pool
// overflowed ("there may be more"). A worker wakes the sweeper only when
// it finishes an event, and none was queued: events in the store behind
// them (recorded by another replica, say) waited for the retry interval.
// Such a sweep now asks for another at once. The test runs the sweeps
// itself, so it needs no sweeper and no clock.
func TestASweepWhoseWholeReadWasHandledMeanwhileSweepsAgainAtOnce(t *testing.T) {
	const limit = 4
	store := newMemStore()
	reading, proceed := make(chan struct{}), make(chan struct{})
	var armed sync.Once
	started, release := make(chan string, 10), make(chan struct{})
	handled := make(chan string, 10)
	p := newPool(store, realClock{}, limit, func(ctx context.Context, ev Record) error {
		started <- ev.ID
		<-release
		handled <- ev.ID
		return nil
	})
	p.log = quiet
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for range limit {
		wg.Go(func() { p.worker(ctx) })
	}
	t.Cleanup(func() { p.halt(); cancel(); wg.Wait() })
	sweep := func() bool {
		t.Helper()
		again, err := p.sweep(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return again
	}
	sweep() // the first sweep: an empty store

	for i := 1; i < limit; i++ {
		p.offer(record(t, store, "c", fmt.Sprint("k", i), fmt.Sprint("e", i)))
		<-started
	}
	last := record(t, store, "c", "k4", "e4") // recorded; its request offers it during the read
	record(t, store, "c", "k5", "e5")         // recorded by another replica: only a sweep finds it

	store.read = func() { armed.Do(func() { close(reading); <-proceed }) }
	result := make(chan bool, 1)
	go func() { result <- sweep() }()
	<-reading // the read returned e1…e4, the limit
	p.offer(last)
	<-started
	close(release)
	for range limit {
		<-handled
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		p.mu.Lock()
		queued := p.queued
		p.mu.Unlock()
		if queued == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d events still queued after all were handled", queued)
		}
	}
	close(proceed)
	if !<-result {
		t.Fatal("the sweep queued nothing, left e5 in the store, and did not ask to sweep again: no worker would wake the sweeper")
	}
	sweep()
	select {
	case id := <-handled:
		if id != "e5" {
			t.Fatalf("handled %s, want e5", id)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("e5 was not handled after the next sweep")
	}
}
