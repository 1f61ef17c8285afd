// Package storetest is the conformance suite every enquiry.Store must
// pass. A store's tests call Run with a function that returns a new, empty
// store:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) enquiry.Store { return enquiry.NewMemStore() })
//	}
//
// Times in the suite are UTC and whole microseconds, the precision of a
// PostgreSQL timestamptz; stores must give back times that are Equal.
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/inbox"
	"github.com/socialdesk/socialdesk/internal/uuid"
	"github.com/socialdesk/socialdesk/routing"
)

// Run runs the whole suite; each subtest gets its own store from newStore.
func Run(t *testing.T, newStore func(t *testing.T) enquiry.Store) {
	runSubtests(t, newStore, []subtest{
		{"channels are created, read, updated and deleted", testChannels},
		{"one account cannot be connected to two channels", testAccountTaken},
		{"credentials round-trip", testCredentials},
		{"a customer's messages join their one open enquiry", testReceive},
		{"a redelivered message changes nothing", testReceiveDuplicate},
		{"a message ID another customer used is recorded as theirs and reported", testReceiveReusedID},
		{"content round-trips, the note that its text was cut included", testContentRoundTrip},
		{"read and quote tokens and quotes round-trip, to the outbox too", testQuotesRoundTrip},
		{"a message after close opens a new enquiry", testReceiveAfterClose},
		{"concurrent messages from one customer open exactly one enquiry", testReceiveConcurrent},
		{"updates are conditional on the version", testUpdateConflict},
		{"exactly one of many concurrent attends wins", testAttendRace},
		{"update keeps the fields receive owns", testUpdateKeepsReceiveFields},
		{"a reply handle is taken at most once", testReplyHandle},
		{"enquiries are listed newest first and filtered", testEnquiries},
		{"transitions are recorded in order", testTransitions},
		{"due timers are claimed once per lease", testClaimDue},
		{"transcripts page by sequence", testMessagesPaging},
		{"pending deliveries are claimed once per lease", testClaimPending},
		{"a restarted owner ends its own leases, and no one else's", testEndLeases},
		{"an unsent message is marked", testUnsend},
		{"last served and engagement are remembered", testLastServedEngagement},
		{"open returns the existing open enquiry", testOpen},
		{"deleting a channel removes its enquiries", testDeleteChannel},
		{"a customer's friendship is kept, the latest change winning", testFriendship},
		{"content recorded as pending is listed until settled, and settled once", testLateContent},
		{"a name looked up later names the customer and their open enquiry", testCustomerName},
		{"a staff message keeps the credential its author acted through", testAuthorVia},
		{"summaries have the newest message and count what each staff member has not seen", testSeen},
		{"reports count first response, handling and missed enquiries by day and group", testReport},
	})
	runAccounts(t, newStore)
	runSearch(t, newStore)
	runCanned(t, newStore)
}

// subtest is one named test of the suite, run on a store of its own.
type subtest struct {
	name string
	fn   func(t *testing.T, s enquiry.Store)
}

// runSubtests runs each of tests as a subtest, on a new store from
// newStore.
func runSubtests(t *testing.T, newStore func(t *testing.T) enquiry.Store, tests []subtest) {
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, newStore(t))
		})
	}
}

var t0 = time.Date(2026, 11, 25, 9, 0, 0, 123456000, time.UTC)

func ctx(t *testing.T) context.Context { return t.Context() }

func channel(id string) enquiry.Channel {
	return enquiry.Channel{
		ID: id, Name: "Channel " + id, Kind: "chat", Account: "U" + id,
		Credentials: enquiry.Credentials{Secret: "secret-" + enquiry.Secret(id), Token: "token-" + enquiry.Secret(id)},
		Routing:     rule(), State: enquiry.Active, Created: t0, Updated: t0,
	}
}

// rule is a valid routing rule: alice, then the sales team.
func rule() *routing.Rule {
	r := &routing.Rule{
		Teams: []routing.Team{{Name: "sales", Method: routing.RoundRobin, Members: []string{"bob", "carol"}}},
		Node:  routing.Node{Alternative: []routing.Destination{routing.ToStaff("alice"), routing.ToTeam("sales")}},
	}
	if err := r.Validate(); err != nil {
		panic(err)
	}
	return r
}

func mustCreate(t *testing.T, s enquiry.Store, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if err := s.CreateChannel(ctx(t), channel(id)); err != nil {
			t.Fatalf("CreateChannel(%s): %v", id, err)
		}
	}
}

func arrival(ch, customer, external string, at time.Time) enquiry.Arrival {
	return enquiry.Arrival{
		Enquiry: enquiry.Enquiry{
			ID: uuid.New(), Channel: ch, Customer: enquiry.Customer{ID: customer}, State: enquiry.Ringing,
			Opened: at, Updated: at, LastActivity: at,
		},
		Message: enquiry.Message{
			ID: uuid.New(), Direction: enquiry.In, Author: enquiry.Author{Kind: enquiry.AuthorCustomer, ID: customer},
			Time: at, Content: enquiry.Content{Kind: enquiry.Text, Text: "hello " + external}, ExternalID: external,
		},
	}
}

func receive(t *testing.T, s enquiry.Store, ch, customer, external string, at time.Time) enquiry.Received {
	t.Helper()
	r, err := s.Receive(ctx(t), arrival(ch, customer, external, at))
	if err != nil {
		t.Fatalf("Receive(%s, %s, %s): %v", ch, customer, external, err)
	}
	return r
}

func update(t *testing.T, s enquiry.Store, e enquiry.Enquiry, msgs ...enquiry.Message) (enquiry.Enquiry, []enquiry.Message) {
	t.Helper()
	n, out, err := s.Update(ctx(t), enquiry.Change{Enquiry: e, Append: msgs})
	if err != nil {
		t.Fatalf("Update(%s): %v", e.ID, err)
	}
	return n, out
}

func closeEnquiry(t *testing.T, s enquiry.Store, e enquiry.Enquiry, staff string, at time.Time) enquiry.Enquiry {
	t.Helper()
	e.State, e.Staff, e.Closed, e.Updated = enquiry.Closed, staff, at, at
	n, _, err := s.Update(ctx(t), enquiry.Change{Enquiry: e, Transition: &enquiry.Transition{From: enquiry.Attending, To: enquiry.Closed, By: staff, At: at}})
	if err != nil {
		t.Fatalf("closing %s: %v", e.ID, err)
	}
	return n
}

func outbound(at time.Time) enquiry.Message {
	id := uuid.New()
	return enquiry.Message{
		ID: id, Direction: enquiry.Out, Author: enquiry.Author{Kind: enquiry.AuthorStaff, ID: "alice"}, Time: at,
		Content: enquiry.Content{Kind: enquiry.Text, Text: "reply"}, Batch: id,
		Delivery: &enquiry.Delivery{State: enquiry.Pending, LeaseUntil: at},
	}
}

func testChannels(t *testing.T, s enquiry.Store) {
	mustCreate(t, s, "b", "a")
	if err := s.CreateChannel(ctx(t), channel("a")); !errors.Is(err, enquiry.ErrChannelExists) {
		t.Fatalf("creating channel a twice: err = %v, want ErrChannelExists", err)
	}
	got, err := s.Channel(ctx(t), "a")
	if err != nil {
		t.Fatal(err)
	}
	want := channel("a")
	if got.ID != want.ID || got.Name != want.Name || got.Kind != want.Kind || got.Account != want.Account ||
		got.State != want.State || !got.Created.Equal(t0) || !got.Updated.Equal(t0) || got.Routing == nil {
		t.Fatalf("Channel(a) = %+v, want %+v", got, want)
	}
	gotRule, _ := json.Marshal(got.Routing)
	wantRule, _ := json.Marshal(want.Routing)
	if string(gotRule) != string(wantRule) {
		t.Fatalf("routing rule did not round-trip:\n got %s\nwant %s", gotRule, wantRule)
	}
	list, err := s.Channels(ctx(t))
	if err != nil || len(list) != 2 || list[0].ID != "a" || list[1].ID != "b" {
		t.Fatalf("Channels() = %v, %v; want a, b", list, err)
	}
	got.Name, got.CustomInfo, got.CustomInfoOn, got.State = "Renamed", "Open 9-5", true, enquiry.Suspended
	got.AutoMessages.Welcome.On, got.AutoMessages.Welcome.Text = true, "Hi {customer}"
	got.Updated = t0.Add(time.Minute)
	if err := s.UpdateChannel(ctx(t), got); err != nil {
		t.Fatal(err)
	}
	again, err := s.Channel(ctx(t), "a")
	if err != nil || again.Name != "Renamed" || again.CustomInfo != "Open 9-5" || !again.CustomInfoOn ||
		again.State != enquiry.Suspended || !again.AutoMessages.Welcome.On || again.AutoMessages.Welcome.Text != "Hi {customer}" ||
		!again.Updated.Equal(t0.Add(time.Minute)) {
		t.Fatalf("after update Channel(a) = %+v, %v", again, err)
	}
	byAcc, err := s.ChannelByAccount(ctx(t), "chat", "Ub")
	if err != nil || byAcc.ID != "b" {
		t.Fatalf("ChannelByAccount(chat, Ub) = %v, %v; want b", byAcc.ID, err)
	}
	if _, err := s.ChannelByAccount(ctx(t), "chat", "Unone"); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("ChannelByAccount(unknown): err = %v, want ErrNotFound", err)
	}
	if err := s.UpdateChannel(ctx(t), channel("zzz")); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("UpdateChannel(unknown): err = %v, want ErrNotFound", err)
	}
	if err := s.DeleteChannel(ctx(t), "b"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Channel(ctx(t), "b"); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("Channel(deleted): err = %v, want ErrNotFound", err)
	}
	if err := s.DeleteChannel(ctx(t), "b"); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("DeleteChannel twice: err = %v, want ErrNotFound", err)
	}
}

func testAccountTaken(t *testing.T, s enquiry.Store) {
	mustCreate(t, s, "a")
	dup := channel("b")
	dup.Account = "Ua"
	err := s.CreateChannel(ctx(t), dup)
	var taken *enquiry.AccountTakenError
	if !errors.As(err, &taken) || taken.Channel != "a" || !errors.Is(err, enquiry.ErrAccountTaken) {
		t.Fatalf("CreateChannel with a's account: err = %v, want *AccountTakenError naming a", err)
	}
	dup.Account = "Ub"
	mustCreateChannel(t, s, dup)
	dup.Account = "Ua"
	if err := s.UpdateChannel(ctx(t), dup); !errors.As(err, &taken) || taken.Channel != "a" {
		t.Fatalf("UpdateChannel to a's account: err = %v, want *AccountTakenError naming a", err)
	}
	// Moving a to a new account frees the old one.
	a := channel("a")
	a.Account = "Unew"
	if err := s.UpdateChannel(ctx(t), a); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateChannel(ctx(t), dup); err != nil {
		t.Fatalf("taking a freed account: %v", err)
	}
	// An empty account is never a conflict.
	c, d := channel("c"), channel("d")
	c.Account, d.Account = "", ""
	mustCreateChannel(t, s, c)
	mustCreateChannel(t, s, d)
}

func mustCreateChannel(t *testing.T, s enquiry.Store, ch enquiry.Channel) {
	t.Helper()
	if err := s.CreateChannel(ctx(t), ch); err != nil {
		t.Fatalf("CreateChannel(%s): %v", ch.ID, err)
	}
}

func testCredentials(t *testing.T, s enquiry.Store) {
	mustCreate(t, s, "a")
	got, err := s.Channel(ctx(t), "a")
	if err != nil {
		t.Fatal(err)
	}
	if got.Credentials.Secret.Reveal() != "secret-a" || got.Credentials.Token.Reveal() != "token-a" {
		t.Fatalf("credentials did not round-trip")
	}
}

func testReceive(t *testing.T, s enquiry.Store) {
	mustCreate(t, s, "a")
	r1 := receive(t, s, "a", "U1", "m1", t0)
	if !r1.Opened || r1.Duplicate || r1.Enquiry.State != enquiry.Ringing || r1.Message.Seq != 1 || r1.Message.Enquiry != r1.Enquiry.ID {
		t.Fatalf("first message: %+v", r1)
	}
	r2 := receive(t, s, "a", "U1", "m2", t0.Add(time.Second))
	if r2.Opened || r2.Enquiry.ID != r1.Enquiry.ID || r2.Message.Seq != 2 {
		t.Fatalf("second message: opened=%v enquiry=%s seq=%d; want the same enquiry, seq 2", r2.Opened, r2.Enquiry.ID, r2.Message.Seq)
	}
	if !r2.Enquiry.LastActivity.Equal(t0.Add(time.Second)) {
		t.Fatalf("LastActivity = %v, want %v", r2.Enquiry.LastActivity, t0.Add(time.Second))
	}
	r3 := receive(t, s, "a", "U2", "m3", t0)
	if !r3.Opened || r3.Enquiry.ID == r1.Enquiry.ID {
		t.Fatal("another customer joined the first customer's enquiry")
	}
	msgs, err := s.Messages(ctx(t), r1.Enquiry.ID, 0, 0)
	if err != nil || len(msgs) != 2 || msgs[0].Content.Text != "hello m1" || msgs[1].ExternalID != "m2" ||
		!msgs[0].Time.Equal(t0) || msgs[0].Direction != enquiry.In || msgs[0].Author.Kind != enquiry.AuthorCustomer {
		t.Fatalf("transcript = %+v, %v", msgs, err)
	}
	if _, err := s.Receive(ctx(t), arrival("nope", "U1", "m9", t0)); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("Receive on an unknown channel: err = %v, want ErrNotFound", err)
	}
}

func testReceiveDuplicate(t *testing.T, s enquiry.Store) {
	mustCreate(t, s, "a", "b")
	r1 := receive(t, s, "a", "U1", "m1", t0)
	dup := receive(t, s, "a", "U1", "m1", t0.Add(time.Minute))
	if !dup.Duplicate || dup.Opened || dup.Message.ID != r1.Message.ID || dup.Enquiry.ID != r1.Enquiry.ID {
		t.Fatalf("redelivery: %+v; want Duplicate of the first", dup)
	}
	// The same external ID on another channel is another message.
	if other := receive(t, s, "b", "U1", "m1", t0); other.Duplicate {
		t.Fatal("a message on channel b was taken for a duplicate of one on channel a")
	}
	// Even after close, an old message does not open a new enquiry.
	closeEnquiry(t, s, r1.Enquiry, "alice", t0.Add(time.Hour))
	late := receive(t, s, "a", "U1", "m1", t0.Add(2*time.Hour))
	if !late.Duplicate || late.Opened {
		t.Fatalf("redelivery after close: %+v; want Duplicate", late)
	}
	msgs, _ := s.Messages(ctx(t), r1.Enquiry.ID, 0, 0)
	if len(msgs) != 1 {
		t.Fatalf("transcript has %d messages, want 1", len(msgs))
	}
	// Messages without an external ID are never de-duplicated.
	a := arrival("a", "U9", "", t0)
	b := arrival("a", "U9", "", t0)
	ra, _ := s.Receive(ctx(t), a)
	rb, _ := s.Receive(ctx(t), b)
	if ra.Duplicate || rb.Duplicate || rb.Message.Seq != 2 {
		t.Fatalf("messages without external IDs: %+v / %+v", ra, rb)
	}
}

func testReceiveAfterClose(t *testing.T, s enquiry.Store) {
	mustCreate(t, s, "a")
	r1 := receive(t, s, "a", "U1", "m1", t0)
	closed := closeEnquiry(t, s, r1.Enquiry, "alice", t0.Add(time.Minute))
	if closed.State != enquiry.Closed || !closed.Closed.Equal(t0.Add(time.Minute)) {
		t.Fatalf("closed enquiry = %+v", closed)
	}
	r2 := receive(t, s, "a", "U1", "m2", t0.Add(2*time.Minute))
	if !r2.Opened || r2.Enquiry.ID == r1.Enquiry.ID || r2.Message.Seq != 1 {
		t.Fatalf("message after close: %+v; want a new enquiry", r2)
	}
}

func testReceiveConcurrent(t *testing.T, s enquiry.Store) {
	mustCreate(t, s, "a")
	const n = 1000
	var wg sync.WaitGroup
	results := make([]enquiry.Received, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = s.Receive(context.Background(), arrival("a", "U1", fmt.Sprintf("m%d", i), t0))
		}()
	}
	wg.Wait()
	opened, seqs := 0, map[int64]bool{}
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("Receive %d: %v", i, errs[i])
		}
		if results[i].Opened {
			opened++
		}
		if results[i].Enquiry.ID != results[0].Enquiry.ID {
			t.Fatalf("message %d went to enquiry %s, message 0 to %s", i, results[i].Enquiry.ID, results[0].Enquiry.ID)
		}
		seqs[results[i].Message.Seq] = true
	}
	if opened != 1 {
		t.Fatalf("%d enquiries opened, want 1", opened)
	}
	if len(seqs) != n {
		t.Fatalf("%d distinct sequence numbers, want %d", len(seqs), n)
	}
	open, err := s.Enquiries(ctx(t), enquiry.Filter{Channel: "a", Customer: "U1", States: []enquiry.State{enquiry.Ringing}})
	if err != nil || len(open) != 1 {
		t.Fatalf("open enquiries = %d, %v; want 1", len(open), err)
	}
	var all []enquiry.Message
	for after := int64(0); ; {
		page, err := s.Messages(ctx(t), open[0].ID, after, 300)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		all = append(all, page...)
		after = page[len(page)-1].Seq
	}
	if len(all) != n {
		t.Fatalf("transcript has %d messages, want %d", len(all), n)
	}
}

func testUpdateConflict(t *testing.T, s enquiry.Store) {
	mustCreate(t, s, "a")
	e := receive(t, s, "a", "U1", "m1", t0).Enquiry
	attended := e
	attended.State, attended.Staff = enquiry.Attending, "alice"
	n, _ := update(t, s, attended)
	if n.Version != e.Version+1 || n.State != enquiry.Attending || n.Staff != "alice" {
		t.Fatalf("after update: %+v; want version %d, attending by alice", n, e.Version+1)
	}
	stale := e
	stale.State, stale.Staff = enquiry.Attending, "bob"
	if _, _, err := s.Update(ctx(t), enquiry.Change{Enquiry: stale}); !errors.Is(err, enquiry.ErrConflict) {
		t.Fatalf("stale update: err = %v, want ErrConflict", err)
	}
	got, _ := s.Enquiry(ctx(t), e.ID)
	if got.Staff != "alice" {
		t.Fatalf("stale update overwrote the owner: %s", got.Staff)
	}
	missing := e
	missing.ID = uuid.New()
	if _, _, err := s.Update(ctx(t), enquiry.Change{Enquiry: missing}); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("update of unknown enquiry: err = %v, want ErrNotFound", err)
	}
	// Every field the desk writes round-trips.
	n.Plan = routing.Plan{Steps: []routing.Step{{Staff: "alice", Timeout: 30 * time.Second}, {Team: "sales"}}}
	n.Step, n.Ringing, n.Invited, n.Direct = 1, []string{"bob", "carol"}, []string{"dave"}, true
	n.Timer, n.Deadline = enquiry.RingTimer, t0.Add(time.Minute)
	n.Updated = t0.Add(2 * time.Minute)
	m, _ := update(t, s, n)
	got, _ = s.Enquiry(ctx(t), e.ID)
	if len(got.Plan.Steps) != 2 || got.Plan.Steps[0].Timeout != 30*time.Second || got.Plan.Steps[1].Team != "sales" ||
		got.Step != 1 || !slices.Equal(got.Ringing, []string{"bob", "carol"}) || !slices.Equal(got.Invited, []string{"dave"}) ||
		!got.Direct || got.Timer != enquiry.RingTimer || !got.Deadline.Equal(t0.Add(time.Minute)) ||
		!got.Updated.Equal(t0.Add(2*time.Minute)) || got.Version != m.Version {
		t.Fatalf("fields did not round-trip: %+v", got)
	}
}

func testAttendRace(t *testing.T, s enquiry.Store) {
	mustCreate(t, s, "a")
	e := receive(t, s, "a", "U1", "m1", t0).Enquiry
	const n = 50
	var wg sync.WaitGroup
	wins := make([]bool, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := e
			c.State, c.Staff = enquiry.Attending, fmt.Sprintf("staff%d", i)
			_, _, err := s.Update(context.Background(), enquiry.Change{Enquiry: c})
			wins[i] = err == nil
			if err != nil && !errors.Is(err, enquiry.ErrConflict) {
				t.Errorf("attend %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	winners := 0
	for _, w := range wins {
		if w {
			winners++
		}
	}
	if winners != 1 {
		t.Fatalf("%d attends won, want exactly 1", winners)
	}
}

func testUpdateKeepsReceiveFields(t *testing.T, s enquiry.Store) {
	mustCreate(t, s, "a")
	a := arrival("a", "U1", "m1", t0)
	a.Enquiry.Customer.Name = "Yui"
	e := mustReceive(t, s, a).Enquiry
	// A message arrives with a reply handle after e was read.
	b := arrival("a", "U1", "m2", t0.Add(time.Second))
	b.Enquiry.Reply, b.Enquiry.ReadOnly = enquiry.Reply{Handle: "rt-2", At: t0.Add(time.Second)}, true
	mustReceive(t, s, b)
	// An update computed from the older read must not undo it.
	e.State, e.LastActivity = enquiry.Attending, t0
	e.Customer.Name, e.Reply, e.ReadOnly = "", enquiry.Reply{}, false
	n, _ := update(t, s, e)
	if n.Customer.Name != "Yui" || n.Reply.Handle != "rt-2" || !n.Reply.At.Equal(t0.Add(time.Second)) || !n.ReadOnly || !n.LastActivity.Equal(t0.Add(time.Second)) {
		t.Fatalf("update undid receive's fields: name=%q reply=%+v read-only=%v last=%v", n.Customer.Name, n.Reply, n.ReadOnly, n.LastActivity)
	}
	// A later LastActivity from an update is kept.
	n.LastActivity = t0.Add(time.Hour)
	n2, _ := update(t, s, n)
	if !n2.LastActivity.Equal(t0.Add(time.Hour)) {
		t.Fatalf("LastActivity = %v, want %v", n2.LastActivity, t0.Add(time.Hour))
	}
}

func mustReceive(t *testing.T, s enquiry.Store, a enquiry.Arrival) enquiry.Received {
	t.Helper()
	r, err := s.Receive(ctx(t), a)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func testReplyHandle(t *testing.T, s enquiry.Store) {
	mustCreate(t, s, "a")
	a := arrival("a", "U1", "m1", t0)
	a.Enquiry.Reply = enquiry.Reply{Handle: "rt-1", At: t0}
	e := mustReceive(t, s, a).Enquiry
	const n = 20
	var wg sync.WaitGroup
	var mu sync.Mutex
	got := 0
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := s.TakeReply(context.Background(), e.ID)
			if err != nil {
				t.Error(err)
				return
			}
			if !r.IsZero() {
				if r.Handle != "rt-1" || !r.At.Equal(t0) {
					t.Errorf("handle %q at %v, want rt-1 at %v", r.Handle, r.At, t0)
				}
				mu.Lock()
				got++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if got != 1 {
		t.Fatalf("the reply handle was taken %d times, want 1", got)
	}
	// A message without a handle leaves none; one with a handle sets it.
	mustReceive(t, s, arrival("a", "U1", "m2", t0))
	if r, _ := s.TakeReply(ctx(t), e.ID); !r.IsZero() || !r.At.IsZero() {
		t.Fatalf("reply %+v after a message without one", r)
	}
	c := arrival("a", "U1", "m3", t0)
	c.Enquiry.Reply = enquiry.Reply{Handle: "rt-3", At: t0.Add(time.Second)}
	mustReceive(t, s, c)
	if r, _ := s.TakeReply(ctx(t), e.ID); r.Handle != "rt-3" || !r.At.Equal(t0.Add(time.Second)) {
		t.Fatalf("reply = %+v, want rt-3", r)
	}
	if _, err := s.TakeReply(ctx(t), uuid.New()); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("TakeReply(unknown): err = %v, want ErrNotFound", err)
	}
}

func testEnquiries(t *testing.T, s enquiry.Store) {
	mustCreate(t, s, "a", "b")
	var ids []string
	for i := range 5 {
		r := receive(t, s, "a", fmt.Sprintf("U%d", i), fmt.Sprintf("m%d", i), t0.Add(time.Duration(i)*time.Minute))
		ids = append(ids, r.Enquiry.ID)
	}
	rb := receive(t, s, "b", "U0", "x", t0.Add(10*time.Minute))
	e1, _ := s.Enquiry(ctx(t), ids[1])
	e1.State, e1.Staff = enquiry.Attending, "alice"
	update(t, s, e1)
	e2, _ := s.Enquiry(ctx(t), ids[2])
	e2.State = enquiry.Missed
	update(t, s, e2)

	all, err := s.Enquiries(ctx(t), enquiry.Filter{})
	if err != nil || len(all) != 6 || all[0].ID != rb.Enquiry.ID || all[5].ID != ids[0] {
		t.Fatalf("Enquiries() = %d, %v; want 6, newest first", len(all), err)
	}
	check := func(name string, f enquiry.Filter, want ...string) {
		t.Helper()
		got, err := s.Enquiries(ctx(t), f)
		if err != nil {
			t.Fatal(err)
		}
		var gotIDs []string
		for _, e := range got {
			gotIDs = append(gotIDs, e.ID)
		}
		if !slices.Equal(gotIDs, want) {
			t.Fatalf("%s: got %v, want %v", name, gotIDs, want)
		}
	}
	check("by channel", enquiry.Filter{Channel: "b"}, rb.Enquiry.ID)
	check("by state", enquiry.Filter{States: []enquiry.State{enquiry.Missed}}, ids[2])
	check("by states", enquiry.Filter{Channel: "a", States: []enquiry.State{enquiry.Attending, enquiry.Missed}}, ids[2], ids[1])
	check("by staff", enquiry.Filter{Staff: "alice"}, ids[1])
	check("by customer", enquiry.Filter{Customer: "U0"}, rb.Enquiry.ID, ids[0])
	check("limit", enquiry.Filter{Channel: "a", Limit: 2}, ids[4], ids[3])
	check("before", enquiry.Filter{Channel: "a", Before: t0.Add(2 * time.Minute), Limit: 10}, ids[1], ids[0])
}

func testTransitions(t *testing.T, s enquiry.Store) {
	mustCreate(t, s, "a")
	e := receive(t, s, "a", "U1", "m1", t0).Enquiry
	e.State, e.Staff = enquiry.Attending, "alice"
	n, _, err := s.Update(ctx(t), enquiry.Change{Enquiry: e, Transition: &enquiry.Transition{From: enquiry.Ringing, To: enquiry.Attending, By: "alice", At: t0.Add(time.Second)}})
	if err != nil {
		t.Fatal(err)
	}
	closeEnquiry(t, s, n, "alice", t0.Add(time.Minute))
	trs, err := s.Transitions(ctx(t), e.ID)
	if err != nil {
		t.Fatal(err)
	}
	// The store records the opening itself.
	if len(trs) != 3 || trs[0].To != enquiry.Ringing || trs[0].By != enquiry.ByCustomer ||
		trs[1].To != enquiry.Attending || trs[1].By != "alice" || !trs[1].At.Equal(t0.Add(time.Second)) ||
		trs[2].From != enquiry.Attending || trs[2].To != enquiry.Closed || trs[2].Enquiry != e.ID {
		t.Fatalf("transitions = %+v", trs)
	}
}

func testClaimDue(t *testing.T, s enquiry.Store) {
	mustCreate(t, s, "a")
	mk := func(customer string, deadline time.Time, timer enquiry.Timer) enquiry.Enquiry {
		e := receive(t, s, "a", customer, "m-"+customer, t0).Enquiry
		e.Timer, e.Deadline = timer, deadline
		n, _ := update(t, s, e)
		return n
	}
	due1 := mk("U1", t0.Add(time.Second), enquiry.RingTimer)
	due2 := mk("U2", t0, enquiry.RingTimer)
	mk("U3", t0.Add(time.Hour), enquiry.RingTimer)
	mk("U4", t0, enquiry.NoTimer)
	closed := mk("U5", t0, enquiry.RingTimer)
	closeEnquiry(t, s, closed, "alice", t0)

	now := t0.Add(time.Minute)
	got, err := s.ClaimDue(ctx(t), "desk-1", now, 30*time.Second, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != due2.ID || got[1].ID != due1.ID {
		t.Fatalf("ClaimDue = %v; want U2 then U1 (earliest deadline first)", ids(got))
	}
	if again, _ := s.ClaimDue(ctx(t), "desk-1", now.Add(10*time.Second), 30*time.Second, 10); len(again) != 0 {
		t.Fatalf("claimed again within the lease: %v", ids(again))
	}
	after, _ := s.ClaimDue(ctx(t), "desk-1", now.Add(31*time.Second), 30*time.Second, 1)
	if len(after) != 1 || after[0].ID != due2.ID {
		t.Fatalf("after the lease (limit 1): %v; want U2", ids(after))
	}
	// An update clears the lease: a new deadline can be claimed at once.
	e := after[0]
	e.Deadline = now.Add(31 * time.Second)
	update(t, s, e)
	if got, _ := s.ClaimDue(ctx(t), "desk-1", now.Add(32*time.Second), 30*time.Second, 10); len(got) != 2 || got[0].ID != due1.ID || got[1].ID != due2.ID {
		t.Fatalf("after update: %v; want U1 (lease ended) then U2 (lease cleared by the update)", ids(got))
	}

	// Concurrent claimers never get the same enquiry.
	for i := range 20 {
		mk(fmt.Sprintf("C%d", i), t0, enquiry.RingTimer)
	}
	later := now.Add(time.Hour)
	var wg sync.WaitGroup
	var mu sync.Mutex
	seen := map[string]int{}
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := s.ClaimDue(context.Background(), "desk-1", later, time.Minute, 5)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			for _, e := range got {
				seen[e.ID]++
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	for id, n := range seen {
		if n > 1 {
			t.Fatalf("enquiry %s claimed %d times", id, n)
		}
	}
	if len(seen) != 20 {
		t.Fatalf("4 claimers of 5 got %d enquiries, want 20", len(seen))
	}
}

func ids(es []enquiry.Enquiry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Customer.ID)
	}
	return out
}

func testMessagesPaging(t *testing.T, s enquiry.Store) {
	mustCreate(t, s, "a")
	e := receive(t, s, "a", "U1", "m0", t0).Enquiry
	for i := 1; i < 25; i++ {
		receive(t, s, "a", "U1", fmt.Sprintf("m%d", i), t0.Add(time.Duration(i)*time.Second))
	}
	var got []int64
	for after := int64(0); ; {
		page, err := s.Messages(ctx(t), e.ID, after, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		if len(page) > 10 {
			t.Fatalf("page of %d, limit 10", len(page))
		}
		for _, m := range page {
			got = append(got, m.Seq)
		}
		after = page[len(page)-1].Seq
	}
	for i, seq := range got {
		if seq != int64(i+1) {
			t.Fatalf("sequence %v, want 1..25", got)
		}
	}
	if len(got) != 25 {
		t.Fatalf("%d messages, want 25", len(got))
	}
	if _, err := s.Messages(ctx(t), uuid.New(), 0, 10); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("Messages(unknown): err = %v, want ErrNotFound", err)
	}
	// Appended messages (any direction) continue the sequence, and keep
	// their content.
	e, _ = s.Enquiry(ctx(t), e.ID)
	out := outbound(t0)
	out.Content = enquiry.Content{Kind: enquiry.Image, Media: &enquiry.MediaRef{Kind: "image", Format: "png", Size: 42, Key: "k"}}
	sticker := outbound(t0)
	sticker.Content = enquiry.Content{Kind: enquiry.Sticker, Sticker: &enquiry.StickerRef{Package: "1", ID: "2", Keywords: []string{"hi"}}}
	_, appended := update(t, s, e, out, sticker)
	if len(appended) != 2 || appended[0].Seq != 26 || appended[1].Seq != 27 || appended[0].Enquiry != e.ID {
		t.Fatalf("appended = %+v", appended)
	}
	last, _ := s.Messages(ctx(t), e.ID, 25, 10)
	if len(last) != 2 || last[0].Content.Media == nil || last[0].Content.Media.Size != 42 || last[0].Delivery == nil ||
		last[0].Delivery.State != enquiry.Pending || last[0].Batch != out.Batch ||
		last[1].Content.Sticker == nil || last[1].Content.Sticker.Keywords[0] != "hi" {
		t.Fatalf("appended messages did not round-trip: %+v", last)
	}
}

func testClaimPending(t *testing.T, s enquiry.Store) {
	mustCreate(t, s, "a")
	e := receive(t, s, "a", "U1", "m1", t0).Enquiry
	m1, m2, m3 := outbound(t0), outbound(t0.Add(time.Second)), outbound(t0.Add(2*time.Second))
	m3.Delivery.LeaseUntil = t0.Add(time.Hour) // being sent by someone
	_, msgs := update(t, s, e, m1, m2, m3)
	now := t0.Add(time.Minute)
	got, err := s.ClaimPending(ctx(t), "desk-1", now, 30*time.Second, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != m1.ID || got[1].ID != m2.ID || !got[0].Delivery.LeaseUntil.Equal(now.Add(30*time.Second)) {
		t.Fatalf("ClaimPending = %+v; want m1, m2 leased until now+30s", got)
	}
	if again, _ := s.ClaimPending(ctx(t), "desk-1", now, 30*time.Second, 10); len(again) != 0 {
		t.Fatalf("claimed again within the lease: %d", len(again))
	}
	if err := s.SetDelivery(ctx(t), msgs[0].ID, enquiry.Delivery{State: enquiry.Sent, RequestID: "req-1", At: now, Attempts: 1}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetDelivery(ctx(t), msgs[1].ID, enquiry.Delivery{State: enquiry.Failed, Reason: "The property, 'to', in the request body is invalid", At: now, Attempts: 1}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.ClaimPending(ctx(t), "desk-1", now.Add(time.Hour+time.Second), time.Minute, 10); len(got) != 1 || got[0].ID != m3.ID {
		t.Fatalf("after sent/failed: %+v; want only m3", got)
	}
	page, _ := s.Messages(ctx(t), e.ID, 1, 10)
	if page[0].Delivery.State != enquiry.Sent || page[0].Delivery.RequestID != "req-1" ||
		page[1].Delivery.State != enquiry.Failed || page[1].Delivery.Reason == "" {
		t.Fatalf("delivery states: %+v / %+v", page[0].Delivery, page[1].Delivery)
	}
	if err := s.SetDelivery(ctx(t), uuid.New(), enquiry.Delivery{State: enquiry.Sent}); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("SetDelivery(unknown): err = %v, want ErrNotFound", err)
	}
}

func testEndLeases(t *testing.T, s enquiry.Store) {
	mustCreate(t, s, "a")
	now := t0.Add(time.Minute)
	lease := time.Hour

	// Timers: U1 claimed by desk-1, U2 by desk-2.
	due := func(customer string) enquiry.Enquiry {
		e := receive(t, s, "a", customer, "m-"+customer, t0).Enquiry
		e.Timer, e.Deadline = enquiry.RingTimer, t0
		n, _ := update(t, s, e)
		return n
	}
	u1 := due("U1")
	if got, err := s.ClaimDue(ctx(t), "desk-1", now, lease, 10); err != nil || len(got) != 1 || got[0].ID != u1.ID {
		t.Fatalf("desk-1 ClaimDue = %v, %v; want U1", ids(got), err)
	}
	u2 := due("U2")
	if got, err := s.ClaimDue(ctx(t), "desk-2", now, lease, 10); err != nil || len(got) != 1 || got[0].ID != u2.ID {
		t.Fatalf("desk-2 ClaimDue = %v, %v; want U2", ids(got), err)
	}

	// Deliveries: m1 created leased to desk-1, m2 claimed by desk-2, m3
	// claimed by desk-1 and holding a reply handle from a cut-off send.
	e, _ := s.Enquiry(ctx(t), u1.ID)
	m1, m2, m3 := outbound(t0), outbound(t0.Add(time.Second)), outbound(t0.Add(2*time.Second))
	m1.Delivery.LeaseUntil, m1.Delivery.Owner = now.Add(lease), "desk-1"
	m3.Delivery.LeaseUntil = now.Add(lease)
	_, msgs := update(t, s, e, m1, m2, m3)
	if got, err := s.ClaimPending(ctx(t), "desk-2", now, lease, 10); err != nil || len(got) != 1 || got[0].ID != m2.ID || got[0].Delivery.Owner != "desk-2" {
		t.Fatalf("desk-2 ClaimPending = %+v, %v; want m2 owned by desk-2", got, err)
	}
	held := *msgs[2].Delivery
	held.Owner, held.Reply = "desk-1", enquiry.Reply{Handle: "rt-held", At: t0.Add(3 * time.Second)}
	if err := s.SetDelivery(ctx(t), m3.ID, held); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.ClaimPending(ctx(t), "desk-1", now, lease, 10); len(got) != 0 {
		t.Fatalf("claimed within the leases: %+v", got)
	}

	if err := s.EndLeases(ctx(t), ""); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.ClaimPending(ctx(t), "desk-1", now, lease, 10); len(got) != 0 {
		t.Fatalf("EndLeases(\"\") freed deliveries: %+v", got)
	}
	if err := s.EndLeases(ctx(t), "desk-1"); err != nil {
		t.Fatalf("EndLeases: %v", err)
	}
	got, err := s.ClaimDue(ctx(t), "desk-1", now, lease, 10)
	if err != nil || len(got) != 1 || got[0].ID != u1.ID {
		t.Fatalf("ClaimDue after EndLeases(desk-1) = %v, %v; want U1 only (U2 is desk-2's)", ids(got), err)
	}
	pending, err := s.ClaimPending(ctx(t), "desk-1", now, lease, 10)
	if err != nil || len(pending) != 2 || pending[0].ID != m1.ID || pending[1].ID != m3.ID {
		t.Fatalf("ClaimPending after EndLeases(desk-1) = %+v, %v; want m1 and m3 (m2 is desk-2's)", pending, err)
	}
	if d := pending[1].Delivery; d.Reply.Handle != "rt-held" || !d.Reply.At.Equal(t0.Add(3*time.Second)) || d.Owner != "desk-1" || !d.LeaseUntil.Equal(now.Add(lease)) {
		t.Fatalf("m3's delivery = %+v; want the held reply handle kept, leased to desk-1 again", d)
	}
	page, _ := s.Messages(ctx(t), e.ID, msgs[2].Seq-1, 1)
	if len(page) != 1 || page[0].Delivery.Reply.Handle != "rt-held" || !page[0].Delivery.Reply.At.Equal(t0.Add(3*time.Second)) {
		t.Fatalf("Messages does not return the held reply handle: %+v", page)
	}
	// Recording an outcome clears the handle.
	sent := *pending[1].Delivery
	sent.State, sent.Reply, sent.LeaseUntil, sent.Owner = enquiry.Sent, enquiry.Reply{}, time.Time{}, ""
	if err := s.SetDelivery(ctx(t), m3.ID, sent); err != nil {
		t.Fatal(err)
	}
	if page, _ := s.Messages(ctx(t), e.ID, msgs[2].Seq-1, 1); !page[0].Delivery.Reply.IsZero() || page[0].Delivery.State != enquiry.Sent {
		t.Fatalf("after sent: %+v", page[0].Delivery)
	}
	// Another restart of desk-1 frees what it claimed since, and still
	// nothing of desk-2's.
	if err := s.EndLeases(ctx(t), "desk-1"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.ClaimDue(ctx(t), "desk-1", now, lease, 10); len(got) != 1 || got[0].ID != u1.ID {
		t.Fatalf("ClaimDue after a second EndLeases(desk-1) = %v; want U1 only", ids(got))
	}
	if got, _ := s.ClaimPending(ctx(t), "desk-1", now, lease, 10); len(got) != 1 || got[0].ID != m1.ID {
		t.Fatalf("ClaimPending after a second EndLeases(desk-1) = %+v; want m1 only", got)
	}
}

func testUnsend(t *testing.T, s enquiry.Store) {
	mustCreate(t, s, "a")
	r := receive(t, s, "a", "U1", "m1", t0)
	m, err := s.Unsend(ctx(t), "a", "U1", "m1")
	if err != nil || !m.Unsent || m.ID != r.Message.ID {
		t.Fatalf("Unsend = %+v, %v", m, err)
	}
	msgs, _ := s.Messages(ctx(t), r.Enquiry.ID, 0, 0)
	if !msgs[0].Unsent {
		t.Fatal("message not marked unsent in the transcript")
	}
	if _, err := s.Unsend(ctx(t), "a", "U1", "nope"); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("Unsend(unknown): err = %v, want ErrNotFound", err)
	}
	if _, err := s.Unsend(ctx(t), "a", "U2", "m1"); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("Unsend(another customer's message ID): err = %v, want ErrNotFound", err)
	}
}

// testReceiveReusedID: platform message IDs are global, so one that
// another customer already used is a forgery or a fault upstream. The
// second customer's message is theirs all the same: it is recorded, in
// their own enquiry, and reported once.
func testReceiveReusedID(t *testing.T, s enquiry.Store) {
	mustCreate(t, s, "a")
	first := receive(t, s, "a", "U1", "m1", t0)
	if first.ReusedID {
		t.Fatalf("the first use of an ID reported as reused: %+v", first)
	}
	second := receive(t, s, "a", "U2", "m1", t0.Add(time.Second))
	if second.Duplicate || !second.ReusedID || !second.Opened || second.Enquiry.ID == first.Enquiry.ID ||
		second.Enquiry.Customer.ID != "U2" || second.Message.Enquiry != second.Enquiry.ID || second.Message.ID == first.Message.ID {
		t.Fatalf("second customer's message: %+v; want it recorded in a new enquiry of U2 and ReusedID", second)
	}
	msgs, err := s.Messages(ctx(t), second.Enquiry.ID, 0, 0)
	if err != nil || len(msgs) != 1 || msgs[0].ID != second.Message.ID || msgs[0].ExternalID != "m1" || msgs[0].Content.Text != "hello m1" {
		t.Fatalf("second customer's transcript = %+v, %v", msgs, err)
	}
	// A redelivery is still a duplicate, for each customer, and reported once.
	for _, r := range []struct {
		customer string
		want     enquiry.Received
	}{{"U1", first}, {"U2", second}} {
		dup := receive(t, s, "a", r.customer, "m1", t0.Add(time.Minute))
		if !dup.Duplicate || dup.ReusedID || dup.Opened || dup.Message.ID != r.want.Message.ID || dup.Enquiry.ID != r.want.Enquiry.ID {
			t.Fatalf("redelivery of %s's message: %+v; want Duplicate of %s, not ReusedID", r.customer, dup, r.want.Message.ID)
		}
	}
	if msgs, _ := s.Messages(ctx(t), first.Enquiry.ID, 0, 0); len(msgs) != 1 {
		t.Fatalf("first customer's transcript has %d messages, want 1", len(msgs))
	}
	// Unsend is per customer: it marks U2's message, not U1's.
	m, err := s.Unsend(ctx(t), "a", "U2", "m1")
	if err != nil || m.ID != second.Message.ID || !m.Unsent {
		t.Fatalf("Unsend(U2, m1) = %+v, %v; want U2's message marked", m, err)
	}
	if msgs, _ := s.Messages(ctx(t), first.Enquiry.ID, 0, 0); msgs[0].Unsent {
		t.Fatal("unsending U2's message marked U1's")
	}
}

// testContentRoundTrip: a message's content comes back as it went in,
// the note that its text was cut included.
func testContentRoundTrip(t *testing.T, s enquiry.Store) {
	mustCreate(t, s, "a")
	a := arrival("a", "U1", "m1", t0)
	a.Message.Content = enquiry.Content{Kind: enquiry.Text, Text: "the beginning", OriginalLength: 100000}
	r := mustReceive(t, s, a)
	if r.Message.Content != a.Message.Content {
		t.Fatalf("Receive returned content %+v, want %+v", r.Message.Content, a.Message.Content)
	}
	msgs, err := s.Messages(ctx(t), r.Enquiry.ID, 0, 0)
	if err != nil || len(msgs) != 1 || msgs[0].Content != a.Message.Content {
		t.Fatalf("stored content = %+v, %v; want %+v", msgs, err, a.Message.Content)
	}
}

func testQuotesRoundTrip(t *testing.T, s enquiry.Store) {
	mustCreate(t, s, "a")
	a := arrival("a", "U1", "m2", t0)
	a.Message.Content = enquiry.Content{Kind: enquiry.Text, Text: "as I said", ReadToken: "read-2", QuoteToken: "quote-2",
		Quote: &enquiry.Quote{ExternalID: "m1"}}
	r := mustReceive(t, s, a)
	out := outbound(t0.Add(time.Second))
	out.Content.Quote = &enquiry.Quote{Message: r.Message.ID, ExternalID: "m2", Text: "as I said", Token: "quote-2"}
	update(t, s, r.Enquiry, out)
	msgs, err := s.Messages(ctx(t), r.Enquiry.ID, 0, 0)
	if err != nil || len(msgs) != 2 {
		t.Fatalf("Messages = %d, %v; want 2", len(msgs), err)
	}
	if !reflect.DeepEqual(msgs[0].Content, a.Message.Content) {
		t.Errorf("stored inbound content = %+v, want %+v", msgs[0].Content, a.Message.Content)
	}
	if !reflect.DeepEqual(msgs[1].Content, out.Content) {
		t.Errorf("stored outbound content = %+v, want %+v", msgs[1].Content, out.Content)
	}
	claimed, err := s.ClaimPending(ctx(t), "me", t0.Add(time.Minute), time.Minute, 0)
	if err != nil || len(claimed) != 1 || !reflect.DeepEqual(claimed[0].Content, out.Content) {
		t.Fatalf("ClaimPending = %+v, %v; want the outbound message with its quote", claimed, err)
	}
}

func testLastServedEngagement(t *testing.T, s enquiry.Store) {
	mustCreate(t, s, "a")
	if staff, _, err := s.LastServed(ctx(t), "a", "U1"); err != nil || staff != "" {
		t.Fatalf("LastServed before any = %q, %v", staff, err)
	}
	e := receive(t, s, "a", "U1", "m1", t0).Enquiry
	closeEnquiry(t, s, e, "alice", t0.Add(time.Minute))
	e2 := receive(t, s, "a", "U1", "m2", t0.Add(time.Hour)).Enquiry
	closeEnquiry(t, s, e2, "bob", t0.Add(2*time.Hour))
	staff, at, err := s.LastServed(ctx(t), "a", "U1")
	if err != nil || staff != "bob" || !at.Equal(t0.Add(2*time.Hour)) {
		t.Fatalf("LastServed = %q at %v, %v; want bob at close time", staff, at, err)
	}
	if staff, _, _ := s.LastServed(ctx(t), "a", "U2"); staff != "" {
		t.Fatalf("LastServed(other customer) = %q", staff)
	}
	if err := s.Engage(ctx(t), "a", "U1", "carol", t0.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if staff, at, err := s.Engagement(ctx(t), "a", "U1"); err != nil || staff != "carol" || !at.Equal(t0.Add(3*time.Hour)) {
		t.Fatalf("Engagement = %q at %v, %v", staff, at, err)
	}
	s.Engage(ctx(t), "a", "U1", "dave", t0.Add(4*time.Hour))
	if staff, _, _ := s.Engagement(ctx(t), "a", "U1"); staff != "dave" {
		t.Fatalf("Engagement after a second = %q, want dave", staff)
	}
}

func testOpen(t *testing.T, s enquiry.Store) {
	mustCreate(t, s, "a")
	e := enquiry.Enquiry{ID: uuid.New(), Channel: "a", Customer: enquiry.Customer{ID: "U1", Name: "Yui"}, State: enquiry.Attending, Staff: "alice", Direct: true, Opened: t0, Updated: t0}
	got, opened, err := s.Open(ctx(t), e)
	if err != nil || !opened || got.ID != e.ID || got.Staff != "alice" || !got.Direct || got.Version == 0 {
		t.Fatalf("Open = %+v, %v, %v", got, opened, err)
	}
	if trs, err := s.Transitions(ctx(t), e.ID); err != nil || len(trs) != 1 || trs[0].By != "alice" || trs[0].To != enquiry.Attending {
		t.Fatalf("opening transition = %+v, %v; want to attending by alice, who opened it", trs, err)
	}
	again, opened, err := s.Open(ctx(t), enquiry.Enquiry{ID: uuid.New(), Channel: "a", Customer: enquiry.Customer{ID: "U1"}, State: enquiry.Attending, Staff: "bob", Opened: t0, Updated: t0})
	if err != nil || opened || again.ID != e.ID {
		t.Fatalf("second Open = %+v, %v, %v; want the first", again, opened, err)
	}
	r := receive(t, s, "a", "U1", "m1", t0)
	if r.Opened || r.Enquiry.ID != e.ID {
		t.Fatal("the customer's answer did not join the staff-opened enquiry")
	}
}

func testDeleteChannel(t *testing.T, s enquiry.Store) {
	mustCreate(t, s, "a", "b")
	r := receive(t, s, "a", "U1", "m1", t0)
	receive(t, s, "b", "U1", "m1", t0)
	events, isInbox := s.(inbox.Store)
	if isInbox {
		events.AppendEvents(ctx(t), []inbox.Record{{Channel: "a", ID: "e1", Received: t0, Payload: []byte(`{}`)}})
	}
	if err := s.DeleteChannel(ctx(t), "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Enquiry(ctx(t), r.Enquiry.ID); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("enquiry of a deleted channel: err = %v, want ErrNotFound", err)
	}
	if left, _ := s.Enquiries(ctx(t), enquiry.Filter{}); len(left) != 1 || left[0].Channel != "b" {
		t.Fatalf("enquiries left = %+v; want only b's", left)
	}
	if isInbox {
		if p, _ := events.PendingEvents(ctx(t), t0.Add(time.Hour), 10); len(p) != 0 {
			t.Fatalf("events of a deleted channel still pending: %d", len(p))
		}
	}
	// The account and ID are free again.
	mustCreate(t, s, "a")
}

func testFriendship(t *testing.T, s enquiry.Store) {
	mustCreate(t, s, "a", "b")
	if f, at, err := s.Friendship(ctx(t), "a", "U1"); err != nil || f != "" || !at.IsZero() {
		t.Fatalf("Friendship before any = %q at %v, %v; want none", f, at, err)
	}
	set := func(channel, customer string, f enquiry.Friendship, at time.Time) {
		t.Helper()
		if err := s.SetFriendship(ctx(t), channel, customer, f, at); err != nil {
			t.Fatalf("SetFriendship(%s, %s, %s): %v", channel, customer, f, err)
		}
	}
	want := func(channel, customer string, f enquiry.Friendship, at time.Time, why string) {
		t.Helper()
		got, gotAt, err := s.Friendship(ctx(t), channel, customer)
		if err != nil || got != f || !gotAt.Equal(at) {
			t.Fatalf("%s: Friendship(%s, %s) = %q at %v, %v; want %q at %v", why, channel, customer, got, gotAt, err, f, at)
		}
	}
	set("a", "U1", enquiry.Friend, t0)
	want("a", "U1", enquiry.Friend, t0, "after a follow")
	set("a", "U1", enquiry.Blocked, t0.Add(time.Hour))
	want("a", "U1", enquiry.Blocked, t0.Add(time.Hour), "after a block")
	set("a", "U1", enquiry.Friend, t0.Add(time.Minute)) // the old follow, redelivered
	want("a", "U1", enquiry.Blocked, t0.Add(time.Hour), "an older change is ignored")
	want("a", "U2", "", time.Time{}, "another customer")
	want("b", "U1", "", time.Time{}, "the same customer on another channel")
	set("a", "U1", enquiry.Friend, t0.Add(2*time.Hour))
	want("a", "U1", enquiry.Friend, t0.Add(2*time.Hour), "after unblocking")
	set("b", "U1", enquiry.Blocked, t0)

	if err := s.DeleteChannel(ctx(t), "a"); err != nil {
		t.Fatal(err)
	}
	want("a", "U1", "", time.Time{}, "after the channel is deleted")
	want("b", "U1", enquiry.Blocked, t0, "another channel's, after a delete")
}

func testAuthorVia(t *testing.T, s enquiry.Store) {
	mustCreate(t, s, "a")
	e := receive(t, s, "a", "U1", "m0", t0).Enquiry
	out := outbound(t0.Add(time.Second))
	out.Author.Via = "session"
	_, stored := update(t, s, e, out)
	if len(stored) != 1 || stored[0].Author.Via != "session" {
		t.Fatalf("stored %+v; want the staff message with Via session", stored)
	}
	msgs, err := s.Messages(ctx(t), e.ID, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 || msgs[0].Author.Via != "" || msgs[1].Author != (enquiry.Author{Kind: enquiry.AuthorStaff, ID: "alice", Via: "session"}) {
		t.Fatalf("transcript authors %+v, %+v; want the customer, then alice via session", msgs[0].Author, msgs[len(msgs)-1].Author)
	}
}
