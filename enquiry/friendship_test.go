package enquiry_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
)

func (f *fixture) befriend(customer string, fs enquiry.Friendship) {
	f.t.Helper()
	if err := f.desk.SetFriendship(f.t.Context(), "main", customer, fs, f.clock.Now()); err != nil {
		f.t.Fatalf("SetFriendship(%s): %v", fs, err)
	}
}

// A customer who blocked the account is sent nothing: staff's message is
// refused before anything is recorded, and an auto-message fails with the
// reason, both without a request to the platform. Unblocking lifts it.
func TestNothingIsSentToACustomerWhoBlockedTheAccount(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, nil)
	id := f.receive("U1", "m1", "hi", "rt-1").Enquiry.ID
	if _, err := f.desk.Attend(t.Context(), id, "alice"); err != nil {
		t.Fatal(err)
	}
	calls := f.sender.calls
	f.clock.Advance(time.Minute)
	f.befriend("U1", enquiry.Blocked)
	if got, err := f.desk.Friendship(t.Context(), "main", "U1"); err != nil || got != enquiry.Blocked {
		t.Fatalf("Friendship = %q, %v; want blocked", got, err)
	}
	before := len(f.transcript(id))
	_, err := f.desk.Send(t.Context(), id, "alice", enquiry.Content{Kind: enquiry.Text, Text: "Are you there?"})
	if !errors.Is(err, enquiry.ErrBlocked) {
		t.Fatalf("Send to a customer who blocked the account: %v; want ErrBlocked", err)
	}
	if n := len(f.transcript(id)); n != before {
		t.Fatalf("the refused message was recorded: %d messages, want %d", n, before)
	}
	if _, err := f.desk.Close(t.Context(), id, "alice"); err != nil {
		t.Fatal(err)
	}
	f.flush()
	msgs := f.transcript(id)
	bye := msgs[len(msgs)-1]
	if bye.Author.ID != "close" || bye.Delivery == nil || bye.Delivery.State != enquiry.Failed || !strings.Contains(bye.Delivery.Reason, "blocked") {
		t.Fatalf("Close message %+v, delivery %+v; want failed, the reason saying blocked", bye.Author, bye.Delivery)
	}
	f.tick(time.Hour) // and no retry sends it later
	if f.sender.calls != calls {
		t.Fatalf("%d requests to the platform after the block, want none", f.sender.calls-calls)
	}

	// The customer adds the account again and writes: served as usual.
	f.clock.Advance(time.Minute)
	f.befriend("U1", enquiry.Friend)
	id = f.receive("U1", "m2", "I'm back", "rt-2").Enquiry.ID
	f.desk.Attend(t.Context(), id, "alice")
	m, err := f.desk.Send(t.Context(), id, "alice", enquiry.Content{Kind: enquiry.Text, Text: "Welcome back"})
	if err != nil {
		t.Fatalf("Send after unblocking: %v", err)
	}
	f.flush()
	if d := f.message(id, m.ID).Delivery; d.State != enquiry.Sent {
		t.Fatalf("Send after unblocking = %+v; want sent", d)
	}
}

// The block is kept on the customer, not in an enquiry: recorded with no
// enquiry open, it stops staff starting a conversation.
func TestABlockWithNoEnquiryOpenStopsEngage(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, nil)
	f.befriend("U9", enquiry.Blocked)
	_, _, err := f.desk.Engage(t.Context(), "main", enquiry.Customer{ID: "U9"}, "alice", enquiry.Content{Kind: enquiry.Text, Text: "Your order shipped."})
	if !errors.Is(err, enquiry.ErrBlocked) {
		t.Fatalf("Engage with a customer who blocked the account: %v; want ErrBlocked", err)
	}
	if list, _ := f.desk.Enquiries(t.Context(), enquiry.Filter{Customer: "U9"}); len(list) != 0 {
		t.Fatalf("Engage opened %d enquiries; want none", len(list))
	}
	if f.sender.calls != 0 {
		t.Fatalf("%d requests to the platform; want none", f.sender.calls)
	}
}

func TestSetFriendshipRefusesWhatIsNotAFriendship(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, nil)
	for _, tc := range []struct {
		customer string
		fs       enquiry.Friendship
	}{{"", enquiry.Blocked}, {"U1", "muted"}, {"U1", ""}} {
		if err := f.desk.SetFriendship(t.Context(), "main", tc.customer, tc.fs, start); !errors.Is(err, enquiry.ErrInvalid) {
			t.Errorf("SetFriendship(%q, %q) = %v; want ErrInvalid", tc.customer, tc.fs, err)
		}
	}
}
