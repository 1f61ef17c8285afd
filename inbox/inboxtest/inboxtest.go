// Package inboxtest is the conformance suite every inbox.Store must
// pass (and, for stores that implement them, inbox.Leaser and
// inbox.Pruner). A store's tests call Run with a function that returns a
// new, empty store that accepts events of the given channels:
//
//	func TestInboxConformance(t *testing.T) {
//		inboxtest.Run(t, func(t *testing.T, channels ...string) inbox.Store { return enquiry.NewMemStore() })
//	}
//
// A store whose events belong to channels it keeps (enquiry/postgres)
// creates those channels first. Times in the suite are UTC and whole
// microseconds, the precision of a PostgreSQL timestamptz; stores must
// give back times that are Equal.
package inboxtest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/inbox"
)

// Run runs the whole suite; each subtest gets its own store from
// newStore, which must accept events of the channels it is given.
func Run(t *testing.T, newStore func(t *testing.T, channels ...string) inbox.Store) {
	tests := []struct {
		name     string
		channels []string
		fn       func(t *testing.T, s inbox.Store)
	}{
		{"events are recorded once and replayed until done", []string{"a", "b"}, testEvents},
		{"processed events are pruned, pending and recent ones kept", []string{"c"}, testPruneEvents},
		{"a key is leased to one owner at a time, until released or expired", []string{"c", "d"}, testKeyLeases},
		{"of many concurrent owners, exactly one leases a key", []string{"c"}, testKeyLeaseRace},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, newStore(t, tc.channels...))
		})
	}
}

var t0 = time.Date(2026, 11, 25, 9, 0, 0, 123456000, time.UTC)

func ctx(t *testing.T) context.Context { return t.Context() }

func testEvents(t *testing.T, s inbox.Store) {
	ev := func(ch, id string, at time.Time) inbox.Record {
		return inbox.Record{Channel: ch, ID: id, Key: "U1", Received: at, Payload: []byte(`{"type":"message","id":"` + id + `"}`)}
	}
	fresh, err := s.AppendEvents(ctx(t), []inbox.Record{ev("a", "e1", t0), ev("a", "e2", t0), ev("b", "e1", t0)})
	if err != nil || len(fresh) != 3 {
		t.Fatalf("AppendEvents = %d fresh, %v; want 3", len(fresh), err)
	}
	if !(fresh[0].Seq < fresh[1].Seq && fresh[1].Seq < fresh[2].Seq) {
		t.Fatalf("Seq not increasing: %d %d %d", fresh[0].Seq, fresh[1].Seq, fresh[2].Seq)
	}
	again, err := s.AppendEvents(ctx(t), []inbox.Record{ev("a", "e2", t0.Add(time.Second)), ev("a", "e3", t0.Add(time.Second))})
	if err != nil || len(again) != 1 || again[0].ID != "e3" {
		t.Fatalf("redelivery: fresh = %+v, %v; want only e3", again, err)
	}
	pending, err := s.PendingEvents(ctx(t), t0.Add(time.Millisecond), 10)
	if err != nil || len(pending) != 3 {
		t.Fatalf("PendingEvents(before t0+1ms) = %d, %v; want the 3 from t0", len(pending), err)
	}
	if string(pending[0].Payload) != `{"type":"message","id":"e1"}` || pending[0].Key != "U1" || !pending[0].Received.Equal(t0) {
		t.Fatalf("pending[0] = %+v; payload, key or time lost", pending[0])
	}
	if err := s.EventDone(ctx(t), "a", "e1"); err != nil {
		t.Fatal(err)
	}
	pending, _ = s.PendingEvents(ctx(t), t0.Add(time.Hour), 2)
	if len(pending) != 2 || pending[0].ID != "e2" || pending[0].Channel != "a" {
		t.Fatalf("after done, PendingEvents(limit 2) = %+v; want a/e2 first", pending)
	}
	// A processed event is still remembered: its redelivery is dropped.
	again, err = s.AppendEvents(ctx(t), []inbox.Record{ev("a", "e1", t0)})
	if err != nil || len(again) != 0 {
		t.Fatalf("redelivery after done: fresh = %+v, %v; want none", again, err)
	}
}

func testPruneEvents(t *testing.T, s inbox.Store) {
	p, ok := s.(inbox.Pruner)
	if !ok {
		t.Skip("the store does not implement inbox.Pruner")
	}
	ev := func(id string, at time.Time) inbox.Record {
		return inbox.Record{Channel: "c", ID: id, Key: "U1", Received: at, Payload: []byte(`{}`)}
	}
	_, err := s.AppendEvents(ctx(t), []inbox.Record{ev("old-done", t0), ev("old-pending", t0), ev("new-done", t0.Add(48*time.Hour))})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"old-done", "new-done"} {
		if err := s.EventDone(ctx(t), "c", id); err != nil {
			t.Fatal(err)
		}
	}
	n, err := p.PruneEvents(ctx(t), t0.Add(24*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("PruneEvents = %d, %v; want 1 (old-done only)", n, err)
	}
	pending, err := s.PendingEvents(ctx(t), t0.Add(time.Hour), 10)
	if err != nil || len(pending) != 1 || pending[0].ID != "old-pending" || string(pending[0].Payload) != `{}` {
		t.Fatalf("PendingEvents after pruning = %+v, %v; want old-pending, whole", pending, err)
	}
	fresh, err := s.AppendEvents(ctx(t), []inbox.Record{ev("old-done", t0), ev("new-done", t0), ev("old-pending", t0)})
	if err != nil || len(fresh) != 1 || fresh[0].ID != "old-done" {
		t.Fatalf("AppendEvents after pruning = %+v, %v; want only old-done new again (the others are remembered)", fresh, err)
	}
}

func leaser(t *testing.T, s inbox.Store) inbox.Leaser {
	l, ok := s.(inbox.Leaser)
	if !ok {
		t.Skip("the store does not implement inbox.Leaser")
	}
	return l
}

func eventIDs(evs []inbox.Record) []string {
	out := make([]string, len(evs))
	for i, ev := range evs {
		out[i] = ev.ID
	}
	return out
}

func testKeyLeases(t *testing.T, s inbox.Store) {
	l := leaser(t, s)
	ev := func(ch, id, key string) inbox.Record {
		return inbox.Record{Channel: ch, ID: id, Key: key, Received: t0, Payload: []byte(`{"id":"` + id + `"}`)}
	}
	if _, err := s.AppendEvents(ctx(t), []inbox.Record{ev("c", "e1", "U1"), ev("c", "x1", "U2"), ev("c", "e2", "U1"),
		ev("c", "e3", "U3"), ev("c", "e4", "U3"), ev("c", "e5", "U3")}); err != nil {
		t.Fatal(err)
	}
	u1, lease := inbox.Key{Channel: "c", Key: "U1"}, 30*time.Second
	leaseKey := func(k inbox.Key, owner string, now time.Time, limit int) ([]string, bool) {
		t.Helper()
		evs, ok, err := l.LeaseKey(ctx(t), k, owner, now, now.Add(lease), limit)
		if err != nil {
			t.Fatalf("LeaseKey(%v, %s): %v", k, owner, err)
		}
		return eventIDs(evs), ok
	}
	check := func(what string, gotIDs []string, gotOK bool, wantIDs []string, wantOK bool) {
		t.Helper()
		if gotOK != wantOK || !slices.Equal(gotIDs, wantIDs) {
			t.Fatalf("%s = %v, %v; want %v, %v", what, gotIDs, gotOK, wantIDs, wantOK)
		}
	}

	ids, ok := leaseKey(u1, "A", t0, 0)
	check("A leases U1", ids, ok, []string{"e1", "e2"}, true)
	evs, _, _ := l.LeaseKey(ctx(t), u1, "A", t0, t0.Add(lease), 1)
	if len(evs) != 1 || string(evs[0].Payload) != `{"id":"e1"}` || evs[0].Key != "U1" || evs[0].Seq == 0 {
		t.Fatalf("A leases U1 again, limit 1 = %+v; want e1 whole", evs)
	}
	ids, ok = leaseKey(u1, "B", t0.Add(time.Second), 0)
	check("B leases U1 while A holds it", ids, ok, nil, false)
	ids, ok = leaseKey(inbox.Key{Channel: "d", Key: "U1"}, "B", t0, 0)
	check("B leases U1 of another channel", ids, ok, []string{}, true)

	pending, err := l.ReleaseKey(ctx(t), u1, "A", 0)
	if err != nil || !slices.Equal(eventIDs(pending), []string{"e1", "e2"}) {
		t.Fatalf("A releases U1 with events pending = %v, %v; want them back, lease kept", eventIDs(pending), err)
	}
	ids, ok = leaseKey(u1, "B", t0.Add(time.Second), 0)
	check("B leases U1 after A's refused release", ids, ok, nil, false)
	for _, id := range []string{"e1", "e2"} {
		if err := s.EventDone(ctx(t), "c", id); err != nil {
			t.Fatal(err)
		}
	}
	if pending, err := l.ReleaseKey(ctx(t), u1, "A", 0); err != nil || len(pending) != 0 {
		t.Fatalf("A releases U1 with nothing pending = %v, %v; want released", eventIDs(pending), err)
	}
	ids, ok = leaseKey(u1, "B", t0.Add(2*time.Second), 0)
	check("B leases U1 once A released it", ids, ok, []string{}, true)

	// B's lease runs to t0+32s; A takes the key over after that.
	ids, ok = leaseKey(u1, "A", t0.Add(31*time.Second), 0)
	check("A leases U1 before B's lease ends", ids, ok, nil, false)
	ids, ok = leaseKey(u1, "A", t0.Add(33*time.Second), 0)
	check("A leases U1 after B's lease ended", ids, ok, []string{}, true)
	if _, err := l.ReleaseKey(ctx(t), u1, "B", 0); !errors.Is(err, inbox.ErrLeaseLost) {
		t.Fatalf("B releases U1 after A took it over: %v; want ErrLeaseLost", err)
	}

	// Renewing extends the owner's lease only.
	if err := l.RenewKeys(ctx(t), "A", []inbox.Key{u1, {Channel: "c", Key: "nobody"}}, t0.Add(100*time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := l.RenewKeys(ctx(t), "B", []inbox.Key{u1}, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	ids, ok = leaseKey(u1, "B", t0.Add(99*time.Second), 0)
	check("B leases U1 before A's renewed lease ends", ids, ok, nil, false)
	ids, ok = leaseKey(u1, "B", t0.Add(101*time.Second), 0)
	check("B leases U1 after A's renewed lease ended (B's renewal did nothing)", ids, ok, []string{}, true)

	ids, ok = leaseKey(inbox.Key{Channel: "c", Key: "U3"}, "A", t0, 2)
	check("A leases U3, limit 2", ids, ok, []string{"e3", "e4"}, true)

	// A holds U3 to t0+30s; U2 is free. B may take on U2's events only,
	// A both; once A's lease has run out, B both.
	unleased := func(owner string, now time.Time) []string {
		t.Helper()
		evs, err := l.PendingUnleased(ctx(t), owner, now, t0.Add(time.Hour), 0)
		if err != nil {
			t.Fatal(err)
		}
		return eventIDs(evs)
	}
	if got, want := unleased("B", t0.Add(time.Second)), []string{"x1"}; !slices.Equal(got, want) {
		t.Fatalf("PendingUnleased for B while A holds U3 = %v; want %v", got, want)
	}
	if got, want := unleased("A", t0.Add(time.Second)), []string{"x1", "e3", "e4", "e5"}; !slices.Equal(got, want) {
		t.Fatalf("PendingUnleased for A = %v; want %v", got, want)
	}
	if got, want := unleased("B", t0.Add(31*time.Second)), []string{"x1", "e3", "e4", "e5"}; !slices.Equal(got, want) {
		t.Fatalf("PendingUnleased for B after A's lease ran out = %v; want %v", got, want)
	}
}

func testKeyLeaseRace(t *testing.T, s inbox.Store) {
	l := leaser(t, s)
	k := inbox.Key{Channel: "c", Key: "U1"}
	const owners = 16
	var granted atomic.Int32
	var wg sync.WaitGroup
	for i := range owners {
		wg.Go(func() {
			_, ok, err := l.LeaseKey(ctx(t), k, fmt.Sprintf("owner-%d", i), t0, t0.Add(time.Minute), 0)
			if err != nil {
				t.Error(err)
			}
			if ok {
				granted.Add(1)
			}
		})
	}
	wg.Wait()
	if n := granted.Load(); n != 1 {
		t.Fatalf("%d of %d concurrent owners leased one key; want exactly 1", n, owners)
	}
}
