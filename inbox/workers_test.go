package inbox_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/inbox"
)

var quiet = slog.New(slog.DiscardHandler)

// harness runs Workers on the package's test store, recording what the
// handler got; fail, when set, decides the handler's answer.
type harness struct {
	store   inbox.Store
	workers *inbox.Workers
	got     chan inbox.Record
	mu      sync.Mutex
	fail    func(ev inbox.Record) error
}

func newHarness(t *testing.T, opts inbox.Options) *harness {
	t.Helper()
	h := &harness{store: inbox.NewTestStore(), got: make(chan inbox.Record, 1000)}
	opts.Logger = quiet
	h.workers = inbox.New(h.store, func(ctx context.Context, ev inbox.Record) error {
		h.mu.Lock()
		fail := h.fail
		h.mu.Unlock()
		if fail != nil {
			if err := fail(ev); err != nil {
				return err
			}
		}
		h.got <- ev
		return nil
	}, opts)
	return h
}

// run starts Run until the test ends and returns a channel with its result.
func (h *harness) run(t *testing.T) <-chan error {
	ctx, cancel := context.WithCancel(context.Background())
	stopped, ended := make(chan error, 1), make(chan struct{})
	go func() { stopped <- h.workers.Run(ctx); close(ended) }()
	t.Cleanup(func() { cancel(); <-ended })
	return stopped
}

func (h *harness) record(t *testing.T, key string, ids ...string) []inbox.Record {
	t.Helper()
	var evs []inbox.Record
	for _, id := range ids {
		evs = append(evs, inbox.Record{Channel: "c", ID: id, Key: key, Received: time.Now(), Payload: []byte(id)})
	}
	fresh, err := h.store.AppendEvents(context.Background(), evs)
	if err != nil {
		t.Fatal(err)
	}
	return fresh
}

// next returns the IDs of the next n events handled.
func (h *harness) next(t *testing.T, n int) []string {
	t.Helper()
	var ids []string
	for range n {
		select {
		case ev := <-h.got:
			ids = append(ids, ev.ID)
		case <-time.After(10 * time.Second):
			t.Fatalf("handled %v, want %d events", ids, n)
		}
	}
	return ids
}

func TestWorkers(t *testing.T) {
	t.Run("offered events are handled in order, each once", func(t *testing.T) {
		h := newHarness(t, inbox.Options{})
		h.run(t)
		fresh := h.record(t, "U1", "e1", "e2", "e3")
		h.workers.Offer(fresh)
		h.workers.Offer(fresh) // offered twice
		if got := fmt.Sprint(h.next(t, 3)); got != "[e1 e2 e3]" {
			t.Fatalf("handled %s, want [e1 e2 e3]", got)
		}
		select {
		case ev := <-h.got:
			t.Fatalf("handled %s again", ev.ID)
		case <-time.After(50 * time.Millisecond):
		}
	})
	t.Run("what a previous process left pending is handled at start, before newer events", func(t *testing.T) {
		h := newHarness(t, inbox.Options{})
		h.record(t, "U1", "old1", "old2")
		h.run(t)
		h.workers.Offer(h.record(t, "U1", "new"))
		if got := fmt.Sprint(h.next(t, 3)); got != "[old1 old2 new]" {
			t.Fatalf("handled %s, want [old1 old2 new]", got)
		}
	})
	t.Run("an event that failed for now is tried again, and its key's later events wait for it", func(t *testing.T) {
		h := newHarness(t, inbox.Options{RetryInterval: 5 * time.Millisecond})
		failures := 3
		h.fail = func(ev inbox.Record) error {
			h.mu.Lock()
			defer h.mu.Unlock()
			if ev.ID == "e1" && failures > 0 {
				failures--
				return errors.New("the desk is restarting")
			}
			return nil
		}
		h.run(t)
		h.workers.Offer(h.record(t, "U1", "e1", "e2"))
		if got := fmt.Sprint(h.next(t, 2)); got != "[e1 e2]" {
			t.Fatalf("handled %s, want [e1 e2]", got)
		}
	})
	t.Run("running twice is an error", func(t *testing.T) {
		h := newHarness(t, inbox.Options{})
		stopped := h.run(t)
		h.workers.Offer(h.record(t, "U1", "e1"))
		h.next(t, 1) // Run is running
		if err := h.workers.Run(context.Background()); !errors.Is(err, inbox.ErrRunning) {
			t.Fatalf("second Run = %v, want ErrRunning", err)
		}
		select {
		case err := <-stopped:
			t.Fatalf("the first Run stopped: %v", err)
		default:
		}
	})
	t.Run("shutdown finishes the queued events, takes no more, and ends Run", func(t *testing.T) {
		h := newHarness(t, inbox.Options{Workers: 1})
		entered, release := make(chan string, 3), make(chan struct{})
		h.fail = func(ev inbox.Record) error { entered <- ev.ID; <-release; return nil }
		stopped := h.run(t)
		// e1 is being handled (so the first sweep is done and offered
		// events are queued at once); e2 is queued behind it.
		h.workers.Offer(h.record(t, "U1", "e1"))
		<-entered
		h.workers.Offer(h.record(t, "U1", "e2"))
		shut := make(chan error, 1)
		go func() { shut <- h.workers.Shutdown(context.Background()) }()
		select {
		case err := <-shut:
			t.Fatalf("Shutdown returned %v with events queued", err)
		case <-time.After(20 * time.Millisecond):
		}
		close(release)
		if got := fmt.Sprint(h.next(t, 2)); got != "[e1 e2]" {
			t.Fatalf("handled %s, want [e1 e2]", got)
		}
		if err := <-shut; err != nil {
			t.Fatalf("Shutdown = %v", err)
		}
		if err := <-stopped; err != nil {
			t.Fatalf("Run = %v", err)
		}
		// Recorded after Shutdown: kept for the next start, not handled.
		h.workers.Offer(h.record(t, "U1", "e3"))
		pending, _ := h.store.PendingEvents(context.Background(), time.Now().Add(time.Hour), 10)
		if len(pending) != 1 || pending[0].ID != "e3" || len(h.got) != 0 {
			t.Fatalf("after Shutdown: %d pending, %d handled; want e3 pending, none handled", len(pending), len(h.got))
		}
	})
	t.Run("shutdown gives up when its context ends", func(t *testing.T) {
		h := newHarness(t, inbox.Options{Workers: 1})
		entered, release := make(chan struct{}, 1), make(chan struct{})
		h.fail = func(ev inbox.Record) error { entered <- struct{}{}; <-release; return nil }
		h.run(t)
		t.Cleanup(func() { close(release) }) // before Run is stopped (cleanups run last first)
		h.workers.Offer(h.record(t, "U1", "e1"))
		<-entered
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		if err := h.workers.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Shutdown = %v, want context.DeadlineExceeded", err)
		}
	})
}

// setClock is a clock tests set.
type setClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *setClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

// Run prunes at start: a handled event older than KeepEvents is
// forgotten, so that its redelivery is recorded as new again.
func TestWorkersPruneHandledEventsOlderThanKeepEvents(t *testing.T) {
	t0 := time.Now()
	clk := &setClock{now: t0.Add(48 * time.Hour)}
	h := newHarness(t, inbox.Options{KeepEvents: 24 * time.Hour, Clock: clk})
	old := []inbox.Record{{Channel: "c", ID: "old", Key: "U1", Received: t0}}
	if _, err := h.store.AppendEvents(context.Background(), old); err != nil {
		t.Fatal(err)
	}
	if err := h.store.EventDone(context.Background(), "c", "old"); err != nil {
		t.Fatal(err)
	}
	if fresh, _ := h.store.AppendEvents(context.Background(), old); len(fresh) != 0 {
		t.Fatal("a handled event's redelivery was recorded as new before pruning")
	}
	h.run(t)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		fresh, err := h.store.AppendEvents(context.Background(), old)
		if err != nil {
			t.Fatal(err)
		}
		if len(fresh) == 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the old handled event was never pruned")
		}
	}
}
