package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/internal/uuid"
)

// testSeen: each enquiry's summary has its newest message, and counts
// for each staff member the customer's messages after what they have
// seen; seeing never moves back, nor past the newest message.
func testSeen(t *testing.T, s enquiry.Store) {
	mustCreate(t, s, "a")
	first := receive(t, s, "a", "U1", "m1", t0)
	receive(t, s, "a", "U1", "m2", t0.Add(time.Second))
	e := first.Enquiry
	quiet := enquiry.Enquiry{ID: uuid.New(), Channel: "a", Customer: enquiry.Customer{ID: "U2"}, State: enquiry.Attending, Staff: "bob", Opened: t0, Updated: t0}
	if _, _, err := s.Open(ctx(t), quiet); err != nil {
		t.Fatal(err)
	}
	summary := func(why, staff, id string) enquiry.Summary {
		t.Helper()
		sums, err := s.Summaries(ctx(t), staff, []string{id, quiet.ID, "no-such-enquiry"})
		if err != nil {
			t.Fatalf("%s: Summaries: %v", why, err)
		}
		if _, ok := sums["no-such-enquiry"]; ok || len(sums) != 2 {
			t.Fatalf("%s: Summaries gave %d summaries, want the 2 enquiries that exist", why, len(sums))
		}
		if q := sums[quiet.ID]; q.Enquiry != quiet.ID || q.Last != nil || q.Unread != 0 {
			t.Fatalf("%s: the enquiry without messages has summary %+v, want no last message and none unread", why, q)
		}
		return sums[id]
	}
	unread := func(why, staff string, want int) {
		t.Helper()
		if got := summary(why, staff, e.ID).Unread; got != want {
			t.Fatalf("%s: %d unread for %q, want %d", why, got, staff, want)
		}
	}

	sum := summary("before anyone saw it", "alice", e.ID)
	if sum.Enquiry != e.ID || sum.Last == nil || sum.Last.ExternalID != "m2" || sum.Last.Content.Text != "hello m2" || !sum.Last.Time.Equal(t0.Add(time.Second)) {
		t.Fatalf("summary = %+v (last %+v); want m2 last", sum, sum.Last)
	}
	unread("before anyone saw it", "alice", 2)
	unread("naming nobody", "", 0)

	reply := outbound(t0.Add(2 * time.Second))
	update(t, s, mustEnquiry(t, s, e.ID), reply)
	if last := summary("after a reply", "alice", e.ID).Last; last == nil || last.ID != reply.ID || last.Direction != enquiry.Out {
		t.Fatalf("after a staff reply the last message is %+v, want the reply", last)
	}
	unread("a staff reply is not unread", "alice", 2)

	if err := s.SetSeen(ctx(t), e.ID, "alice", 0); err != nil {
		t.Fatalf("SetSeen(alice, all): %v", err)
	}
	unread("alice saw it all", "alice", 0)
	unread("bob saw nothing", "bob", 2)
	if err := s.SetSeen(ctx(t), e.ID, "bob", 1); err != nil {
		t.Fatalf("SetSeen(bob, 1): %v", err)
	}
	unread("bob saw the first message", "bob", 1)

	receive(t, s, "a", "U1", "m3", t0.Add(3*time.Second))
	unread("a new message after alice saw it all", "alice", 1)
	unread("a new message after bob saw the first", "bob", 2)
	if err := s.SetSeen(ctx(t), e.ID, "alice", 1); err != nil {
		t.Fatalf("SetSeen(alice, 1): %v", err)
	}
	unread("seeing less changes nothing", "alice", 1)

	if err := s.SetSeen(ctx(t), e.ID, "bob", 1000); err != nil {
		t.Fatalf("SetSeen(bob, past the newest): %v", err)
	}
	unread("bob saw up to past the newest", "bob", 0)
	receive(t, s, "a", "U1", "m4", t0.Add(4*time.Second))
	unread("a message after what bob saw up to past the newest", "bob", 1)

	if err := s.SetSeen(ctx(t), "no-such-enquiry", "alice", 0); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("SetSeen(no such enquiry) = %v, want ErrNotFound", err)
	}
	if sums, err := s.Summaries(ctx(t), "alice", nil); err != nil || len(sums) != 0 {
		t.Fatalf("Summaries(no IDs) = %v, %v; want none", sums, err)
	}
}

func mustEnquiry(t *testing.T, s enquiry.Store, id string) enquiry.Enquiry {
	t.Helper()
	e, err := s.Enquiry(ctx(t), id)
	if err != nil {
		t.Fatalf("Enquiry(%s): %v", id, err)
	}
	return e
}
