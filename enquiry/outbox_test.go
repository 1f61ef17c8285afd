package enquiry_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialdesk/socialdesk/enquiry"
)

// gateSender holds every send to the customers in hold until release is
// closed, and records what it was asked to send, per customer, in order.
type gateSender struct {
	hold    map[string]bool
	release chan struct{}

	mu      sync.Mutex
	started map[string]int // sends begun, per customer
	sent    map[string][]string
}

func newGateSender(hold ...string) *gateSender {
	g := &gateSender{hold: map[string]bool{}, release: make(chan struct{}), started: map[string]int{}, sent: map[string][]string{}}
	for _, c := range hold {
		g.hold[c] = true
	}
	return g
}

func (g *gateSender) Send(ctx context.Context, out enquiry.Outbound) (enquiry.Receipt, error) {
	g.mu.Lock()
	g.started[out.Customer.ID]++
	g.mu.Unlock()
	if g.hold[out.Customer.ID] {
		select {
		case <-g.release:
		case <-ctx.Done():
			return enquiry.Receipt{}, ctx.Err()
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, m := range out.Messages {
		g.sent[out.Customer.ID] = append(g.sent[out.Customer.ID], m.Content.Text)
	}
	return enquiry.Receipt{RequestID: "req-" + out.RetryKey}, nil
}

func (g *gateSender) texts(customer string) []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.sent[customer]...)
}

func (g *gateSender) begun(customer string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.started[customer]
}

// runDesk runs f's desk until the test ends.
func runDesk(t *testing.T, d *enquiry.Desk) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); d.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}

func TestReceiveRecordsTheWelcomeAsPendingAndSendsNothingItself(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, nil)
	r, err := f.desk.Receive(t.Context(), enquiry.Inbound{
		Channel: "main", Customer: enquiry.Customer{ID: "U1"}, ExternalID: "m1",
		Content: enquiry.Content{Kind: enquiry.Text, Text: "hi"}, ReplyHandle: "rt-1", Time: f.clock.Now(),
	})
	require.NoError(t, err)
	assert.Zero(t, f.sender.calls, "Receive called the sender")
	msgs := f.transcript(r.Enquiry.ID)
	require.Len(t, msgs, 2)
	welcome := msgs[1]
	require.Equal(t, "welcome", welcome.Author.ID)
	assert.Equal(t, enquiry.Pending, welcome.Delivery.State, "the Welcome is recorded to send")
	assert.Zero(t, welcome.Delivery.Attempts)

	f.flush()
	equal(t, "sent", f.sender.texts(), []string{"reply:Welcome!"})
	assert.Equal(t, welcome.Batch, f.sender.sent[0].RetryKey, "the retry key is the one recorded")
	assert.Equal(t, enquiry.Sent, f.message(r.Enquiry.ID, welcome.ID).Delivery.State)
	f.flush()
	assert.Equal(t, 1, f.sender.calls, "a second Flush sends nothing again")
}

// With a tick interval of an hour and a clock that never moves, only the
// outbox's wake-up can send the Welcome: no tick claims it.
func TestRunSendsWhatIsRecordedAtOnceNotOnTheNextTick(t *testing.T) {
	f := newFixture(t, enquiry.Config{TickInterval: time.Hour}, nil)
	runDesk(t, f.desk)
	r, err := f.desk.Receive(t.Context(), enquiry.Inbound{
		Channel: "main", Customer: enquiry.Customer{ID: "U1"}, ExternalID: "m1",
		Content: enquiry.Content{Kind: enquiry.Text, Text: "hi"}, ReplyHandle: "rt-1", Time: f.clock.Now(),
	})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return len(f.sender.texts()) == 1 }, 10*time.Second, time.Millisecond, "the Welcome was not sent")
	equal(t, "sent", f.sender.texts(), []string{"reply:Welcome!"})

	_, err = f.desk.Attend(t.Context(), r.Enquiry.ID, "alice")
	require.NoError(t, err)
	m, err := f.desk.Send(t.Context(), r.Enquiry.ID, "alice", enquiry.Content{Kind: enquiry.Text, Text: "How can I help?"})
	require.NoError(t, err)
	assert.Equal(t, enquiry.Pending, m.Delivery.State, "Send returns what it recorded")
	require.Eventually(t, func() bool { return f.message(r.Enquiry.ID, m.ID).Delivery.State == enquiry.Sent }, 10*time.Second, time.Millisecond)
	equal(t, "sent", f.sender.texts(), []string{"reply:Welcome!", "push:How can I help?"})
}

// A send that hangs for one customer holds back only that customer's
// later messages; they follow it in order, each once.
func TestASlowSendDelaysOnlyItsOwnEnquiryAndKeepsItsOrder(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, nil) // the channel, staff and store
	g := newGateSender("U-slow")
	d, err := enquiry.New(enquiry.Config{Store: f.store, Sender: g, Clock: f.clock, Directory: f.roster, TickInterval: time.Hour, Senders: 4})
	require.NoError(t, err)
	runDesk(t, d)
	ctx := t.Context()
	receive := func(customer string) enquiry.Received {
		r, err := d.Receive(ctx, enquiry.Inbound{Channel: "main", Customer: enquiry.Customer{ID: customer}, ExternalID: customer + "-m1",
			Content: enquiry.Content{Kind: enquiry.Text, Text: "hi"}, Time: f.clock.Now()})
		require.NoError(t, err)
		return r
	}
	slow := receive("U-slow")
	require.Eventually(t, func() bool { return g.begun("U-slow") == 1 }, 10*time.Second, time.Millisecond, "the slow Welcome never went out")
	_, err = d.Attend(ctx, slow.Enquiry.ID, "alice")
	require.NoError(t, err)
	for _, text := range []string{"one", "two", "three"} {
		_, err := d.Send(ctx, slow.Enquiry.ID, "alice", enquiry.Content{Kind: enquiry.Text, Text: text})
		require.NoError(t, err)
	}

	others := []string{"U1", "U2", "U3", "U4", "U5", "U6"} // more than Senders
	for _, c := range others {
		receive(c)
	}
	require.Eventually(t, func() bool {
		for _, c := range others {
			if len(g.texts(c)) != 1 {
				return false
			}
		}
		return true
	}, 10*time.Second, time.Millisecond, "the other customers' Welcomes waited for the slow one")
	assert.Empty(t, g.texts("U-slow"), "the slow send has not returned")
	assert.Equal(t, 1, g.begun("U-slow"), "the slow customer's next messages wait behind its first")

	close(g.release)
	require.Eventually(t, func() bool { return len(g.texts("U-slow")) == 4 }, 10*time.Second, time.Millisecond)
	assert.Equal(t, []string{"Welcome!", "one", "two", "three"}, g.texts("U-slow"), "in order, each once")
	require.NoError(t, d.Flush(ctx))
	for _, c := range others {
		assert.Equal(t, []string{"Welcome!"}, g.texts(c), "exactly one Welcome for %s", c)
	}
}

// The outbox sends with the channel as it is when it sends: a channel
// suspended after the Welcome was recorded sends nothing.
func TestAMessageRecordedBeforeTheChannelIsSuspendedIsNotSent(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, nil)
	r, err := f.desk.Receive(t.Context(), enquiry.Inbound{
		Channel: "main", Customer: enquiry.Customer{ID: "U1"}, ExternalID: "m1",
		Content: enquiry.Content{Kind: enquiry.Text, Text: "hi"}, ReplyHandle: "rt-1", Time: f.clock.Now(),
	})
	require.NoError(t, err)
	_, err = f.desk.SuspendChannel(t.Context(), "main")
	require.NoError(t, err)
	f.flush()
	assert.Zero(t, f.sender.calls, "sent on a suspended channel")
	welcome := f.transcript(r.Enquiry.ID)[1]
	require.Equal(t, "welcome", welcome.Author.ID)
	assert.Equal(t, enquiry.Failed, welcome.Delivery.State)
	assert.Contains(t, welcome.Delivery.Reason, "suspended")
}

// Flush returns only when nothing is queued or being sent, Run's senders'
// sends included, or with its context's error when that ends first.
func TestFlushWaitsForSendsInFlightAndGivesUpWithItsContext(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, nil)
	g := newGateSender("U1")
	d, err := enquiry.New(enquiry.Config{Store: f.store, Sender: g, Clock: f.clock, Directory: f.roster, TickInterval: time.Hour})
	require.NoError(t, err)
	runDesk(t, d)
	_, err = d.Receive(t.Context(), enquiry.Inbound{Channel: "main", Customer: enquiry.Customer{ID: "U1"}, ExternalID: "m1",
		Content: enquiry.Content{Kind: enquiry.Text, Text: "hi"}, Time: f.clock.Now()})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return g.begun("U1") == 1 }, 10*time.Second, time.Millisecond)

	gone, cancel := context.WithCancel(t.Context())
	cancel()
	assert.ErrorIs(t, d.Flush(gone), context.Canceled, "Flush returned while a send was in flight")

	close(g.release)
	require.NoError(t, d.Flush(t.Context()))
	assert.Equal(t, []string{"Welcome!"}, g.texts("U1"), "sent once by the time Flush returns")
}

// A batch longer than its kind's MaxBatch goes as several sends, each
// keyed by its own first message: a platform that keys requests takes
// every part once, rather than the second as a retry of the first.
func TestABatchCutAtTheKindsMaxBatchHasAKeyPerSend(t *testing.T) {
	s := &sender{}
	f := newFixture(t, enquiry.Config{Kinds: map[string]enquiry.Kind{"social": {Sender: s, MaxBatch: 1}}},
		func(ch *enquiry.Channel) { ch.Routing = nil }) // nobody to ring: Welcome and Away at once
	r := f.receiveOn("main", "U1", "m1", "hi")
	var out []enquiry.Message
	for _, m := range f.transcript(r.Enquiry.ID) {
		if m.Delivery != nil {
			out = append(out, m)
		}
	}
	require.Len(t, out, 2)
	require.Equal(t, out[0].Batch, out[1].Batch, "the Welcome and the Away are one batch")
	require.Len(t, s.sent, 2)
	for i, o := range s.sent {
		require.Len(t, o.Messages, 1)
		assert.Equal(t, out[i].ID, o.Messages[0].ID)
		assert.Equal(t, out[i].ID, o.RetryKey, "send %d is keyed by its first message", i)
	}
	assert.NotEqual(t, s.sent[0].RetryKey, s.sent[1].RetryKey)
}

// A batch whose send was carried out but whose outcome was recorded for
// only some of its messages (the process died between two of them) is
// sent again with the batch's key, so a keyed platform takes what is left
// as the request it already carried out, not as a new one.
func TestWhatIsLeftOfABatchIsResentWithTheBatchsKey(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, func(ch *enquiry.Channel) { ch.Routing = nil }) // Welcome and Away at once
	r := f.receiveOn("main", "U1", "m1", "hi")
	f.flush()
	var out []enquiry.Message
	for _, m := range f.transcript(r.Enquiry.ID) {
		if m.Delivery != nil {
			out = append(out, m)
		}
	}
	require.Len(t, out, 2)
	require.Len(t, f.sender.sent, 1, "the Welcome and the Away go in one request")
	batch := f.sender.sent[0].RetryKey
	require.Equal(t, out[0].Batch, batch)

	// The Away's outcome was never recorded: it is pending again, its lease gone.
	away := out[1]
	del := *away.Delivery
	del.State, del.RequestID, del.LeaseUntil, del.Owner = enquiry.Pending, "", time.Time{}, ""
	require.NoError(t, f.store.SetDelivery(t.Context(), away.ID, del))
	f.tick(time.Minute)
	f.flush()

	require.Len(t, f.sender.sent, 2, "what is left is sent again")
	again := f.sender.sent[1]
	require.Len(t, again.Messages, 1)
	assert.Equal(t, away.ID, again.Messages[0].ID)
	assert.Equal(t, batch, again.RetryKey, "the batch's key, not the Away's own")
}
