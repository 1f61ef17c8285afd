package postgres_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialdesk/socialdesk/automsg"
	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/enquiry/postgres"
	"github.com/socialdesk/socialdesk/internal/clock"
	"github.com/socialdesk/socialdesk/routing"
)

// sender records what desks send; it is shared by the desks of a test
// like the platform they all talk to.
type sender struct {
	mu   sync.Mutex
	sent []enquiry.Outbound
}

func (s *sender) Send(ctx context.Context, out enquiry.Outbound) (enquiry.Receipt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, out)
	return enquiry.Receipt{RequestID: fmt.Sprint("req-", len(s.sent))}, nil
}

// texts returns "customer:text" for every message sent.
func (s *sender) texts() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, o := range s.sent {
		for _, m := range o.Messages {
			out = append(out, o.Customer.ID+":"+m.Content.Text)
		}
	}
	return out
}

// replica is one desk instance with a connection pool of its own.
type replica struct {
	desk  *enquiry.Desk
	store *postgres.Store
	clock *clock.Fake
}

// newReplica starts a desk on schema. Its staff alice and bob are available.
func newReplica(t *testing.T, schema string, out enquiry.Sender, now time.Time) replica {
	t.Helper()
	roster := &enquiry.Roster{}
	for _, id := range []string{"alice", "bob"} {
		roster.Add(id, automsg.Staff{First: id}, 0)
		roster.SetPresence(id, routing.Available)
	}
	r := replica{store: newStoreIn(t, schema, postgres.Options{}), clock: clock.NewFake(now)}
	d, err := enquiry.New(enquiry.Config{Store: r.store, Sender: out, Directory: roster, Clock: r.clock, Lease: 30 * time.Second})
	require.NoError(t, err)
	r.desk = d
	return r
}

// supportChannel rings alice, then bob, a minute each, and welcomes.
func supportChannel() enquiry.Channel {
	rule := &routing.Rule{Node: routing.Node{Alternative: []routing.Destination{routing.ToStaff("alice"), routing.ToStaff("bob")}}}
	return enquiry.Channel{
		ID: "main", Name: "Support", Kind: "chat", Account: "Ubot", Routing: rule,
		Credentials: enquiry.Credentials{Secret: "s", Token: "t"},
		AutoMessages: automsg.Settings{
			Welcome: automsg.Message{On: true, Text: "Welcome!"},
			Away:    automsg.Message{On: true, Text: "We are away."},
		},
	}
}

func TestTwoDesksOnOneDatabaseKeepOneEnquiryPerCustomerAndEveryMessageOnce(t *testing.T) {
	ctx := context.Background()
	schema := newSchema(t)
	out := &sender{}
	a, b := newReplica(t, schema, out, t0), newReplica(t, schema, out, t0)
	_, err := a.desk.CreateChannel(ctx, supportChannel())
	require.NoError(t, err)

	// 800 messages from 50 customers, and 200 redeliveries of them, in a
	// shuffled order, each delivered to either desk.
	const customers, unique, deliveries = 50, 800, 1000
	type delivery struct{ customer, external string }
	var all []delivery
	for i := range unique {
		all = append(all, delivery{fmt.Sprint("U", i%customers), fmt.Sprint("m", i)})
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for len(all) < deliveries {
		all = append(all, all[rng.IntN(unique)])
	}
	rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })

	results := make([]enquiry.Received, deliveries)
	errs := make([]error, deliveries)
	parallel(deliveries, func(i int) {
		d := []*enquiry.Desk{a.desk, b.desk}[i%2]
		results[i], errs[i] = d.Receive(ctx, enquiry.Inbound{
			Channel: "main", Customer: enquiry.Customer{ID: all[i].customer}, ExternalID: all[i].external,
			Time: t0, Content: enquiry.Content{Kind: enquiry.Text, Text: all[i].external},
		})
	})
	// Receive only records: each desk's outbox sends what it recorded.
	require.NoError(t, a.desk.Flush(ctx))
	require.NoError(t, b.desk.Flush(ctx))
	opened, duplicates := 0, 0
	for i := range deliveries {
		require.NoError(t, errs[i], "delivery %d", i)
		if results[i].Opened {
			opened++
		}
		if results[i].Duplicate {
			duplicates++
		}
	}
	assert.Equal(t, customers, opened, "one Receive per customer opened an enquiry")
	assert.Equal(t, deliveries-unique, duplicates, "every redelivery is reported a duplicate")

	es, err := b.desk.Enquiries(ctx, enquiry.Filter{Channel: "main", Limit: 1000})
	require.NoError(t, err)
	require.Len(t, es, customers, "one enquiry per customer, none extra")
	perCustomer := map[string]int{}
	seen := map[string]int{}
	for _, e := range es {
		perCustomer[e.Customer.ID]++
		assert.True(t, e.State.Open(), "enquiry of %s is %s", e.Customer.ID, e.State)
		msgs, err := a.desk.Transcript(ctx, e.ID, 0, 1000)
		require.NoError(t, err)
		welcomes := 0
		for i, m := range msgs {
			assert.Equal(t, int64(i+1), m.Seq, "transcript without gaps")
			switch {
			case m.Direction == enquiry.In:
				seen[m.ExternalID]++
				assert.Equal(t, e.Customer.ID, m.Author.ID)
			case m.Author.ID == "welcome":
				welcomes++
			}
		}
		assert.Equal(t, 1, welcomes, "Welcomes in the enquiry of %s", e.Customer.ID)
	}
	assert.Len(t, perCustomer, customers)
	require.Len(t, seen, unique, "every message recorded")
	for ext, n := range seen {
		assert.Equal(t, 1, n, "message %s recorded %d times", ext, n)
	}
	welcomesSent := 0
	for _, s := range out.texts() {
		if strings.HasSuffix(s, ":Welcome!") {
			welcomesSent++
		}
	}
	assert.Equal(t, customers, welcomesSent, "one Welcome sent per enquiry")
}

func TestAReplicaKilledBetweenOfferAndRingTimeoutLosesNothing(t *testing.T) {
	ctx := context.Background()
	schema := newSchema(t)
	outA, outB := &sender{}, &sender{}
	a := newReplica(t, schema, outA, t0)
	_, err := a.desk.CreateChannel(ctx, supportChannel())
	require.NoError(t, err)

	// Desk A opens the enquiry and offers it to alice; then it dies.
	r, err := a.desk.Receive(ctx, enquiry.Inbound{Channel: "main", Customer: enquiry.Customer{ID: "U1"}, ExternalID: "m1",
		Time: t0, Content: enquiry.Content{Kind: enquiry.Text, Text: "hello"}})
	require.NoError(t, err)
	require.NoError(t, a.desk.Flush(ctx)) // what desk A's senders do at once
	require.Equal(t, []string{"alice"}, r.Enquiry.Ringing)
	deadline := r.Enquiry.Deadline
	require.Equal(t, t0.Add(routing.DefaultRingTimeout), deadline)
	assert.Equal(t, []string{"U1:Welcome!"}, outA.texts())
	// From here on desk A is gone: it never ticks again.

	// Desk B, started later, knows nothing of it but the database.
	b := newReplica(t, schema, outB, deadline.Add(-time.Second))
	require.NoError(t, b.desk.Tick(ctx))
	e, err := b.desk.Enquiry(ctx, r.Enquiry.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{"alice"}, e.Ringing, "before the deadline nothing moves")

	b.clock.Set(deadline)
	require.NoError(t, b.desk.Tick(ctx))
	e, err = b.desk.Enquiry(ctx, r.Enquiry.ID)
	require.NoError(t, err)
	assert.Equal(t, enquiry.Ringing, e.State)
	assert.Equal(t, 1, e.Step, "desk B advanced the step desk A started")
	assert.Equal(t, []string{"bob"}, e.Ringing)

	b.clock.Advance(routing.DefaultRingTimeout)
	require.NoError(t, b.desk.Tick(ctx))
	e, err = b.desk.Enquiry(ctx, r.Enquiry.ID)
	require.NoError(t, err)
	assert.Equal(t, enquiry.Missed, e.State)
	assert.Equal(t, []string{"U1:We are away."}, outB.texts(), "desk B sends the Away message")
	assert.Equal(t, []string{"U1:Welcome!"}, outA.texts(), "and desk A sent only the Welcome")
}

func TestAReplicaKilledHoldingAClaimLosesNothingAfterTheLease(t *testing.T) {
	ctx := context.Background()
	schema := newSchema(t)
	out := &sender{}
	a, b := newReplica(t, schema, out, t0), newReplica(t, schema, out, t0)
	_, err := a.desk.CreateChannel(ctx, supportChannel())
	require.NoError(t, err)
	r, err := a.desk.Receive(ctx, enquiry.Inbound{Channel: "main", Customer: enquiry.Customer{ID: "U1"}, ExternalID: "m1",
		Time: t0, Content: enquiry.Content{Kind: enquiry.Text, Text: "hello"}})
	require.NoError(t, err)
	deadline := r.Enquiry.Deadline

	// Desk A claims the due ring timeout, as its Tick would, and dies
	// before acting on it.
	claimed, err := a.store.ClaimDue(ctx, "desk-1", deadline, 30*time.Second, 10)
	require.NoError(t, err)
	require.Len(t, claimed, 1)

	b.clock.Set(deadline.Add(29 * time.Second))
	require.NoError(t, b.desk.Tick(ctx))
	e, err := b.desk.Enquiry(ctx, r.Enquiry.ID)
	require.NoError(t, err)
	assert.Equal(t, 0, e.Step, "within desk A's lease desk B leaves it")

	b.clock.Set(deadline.Add(30 * time.Second))
	require.NoError(t, b.desk.Tick(ctx))
	e, err = b.desk.Enquiry(ctx, r.Enquiry.ID)
	require.NoError(t, err)
	assert.Equal(t, 1, e.Step, "after the lease desk B takes the step over")
	assert.Equal(t, []string{"bob"}, e.Ringing)
	trs, err := b.desk.Transitions(ctx, e.ID)
	require.NoError(t, err)
	var notes []string
	for _, tr := range trs {
		notes = append(notes, string(tr.To)+":"+tr.Note)
	}
	assert.Equal(t, []string{"ringing:opened"}, slices.Compact(notes), "ringing the next step is no new transition")
}
