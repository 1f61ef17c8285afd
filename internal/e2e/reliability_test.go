package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/inbox"
	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linetest"
)

// apiFaults are the Messaging API's (and content API's) failures: 10%
// answered 500, 5% 429, 5% hang until the client gives up; half of the
// 500s and hangs happen after LINE carried the request out.
func apiFaults() linetest.Faults {
	return linetest.Faults{
		ServerErrors: 0.10, RateLimits: 0.05, Timeouts: 0.05, Delay: requestTimeout * 3 / 2,
		Accepted: 0.5, Seed: *seed,
	}
}

// TestCustomersInParallelUnderFaults is the main scenario: many customers
// at once, each sending messages (text, and images from a slow content
// API) in a redelivery storm while the Messaging API fails; staff then
// answer and close each enquiry, and the customer writes again, which
// opens a second enquiry.
func TestCustomersInParallelUnderFaults(t *testing.T) {
	t.Parallel()
	nCustomers, nFirst, nSecond := size(40, 200), size(6, 20), size(2, 5)
	r := newRig(t, rigConfig{Faults: apiFaults(), ContentDelay: 40 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	customers := make([]*customer, nCustomers)
	for i := range customers {
		customers[i] = newCustomer(r, i)
	}
	var requests atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, nCustomers)
	for _, c := range customers {
		wg.Go(func() {
			if err := c.conversation(ctx, r, nFirst, nSecond, &requests); err != nil {
				errs <- fmt.Errorf("%s: %w", c.id, err)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	snap := r.settle(ctx, nCustomers*(nFirst+nSecond))
	t.Logf("%d customers, %d messages, %d webhook requests; %s", nCustomers, nCustomers*(nFirst+nSecond), requests.Load(), faultStats(r))
	verify(t, r, snap, customers, want{enquiries: 2, ordered: true, staff: 1})
}

// conversation is one customer's part: messages in a storm, staff
// answer and close, more messages.
func (c *customer) conversation(ctx context.Context, r *rig, first, second int, requests *atomic.Int64) error {
	n, err := c.storm(ctx, r, c.compose(r, first, 3))
	requests.Add(int64(n))
	if err != nil {
		return err
	}
	e, err := c.waitFor(ctx, r, first)
	if err != nil {
		return err
	}
	d := r.desk()
	if _, err := d.Attend(ctx, e.ID, "staff-1"); err != nil {
		return fmt.Errorf("attend: %w", err)
	}
	if _, err := d.Send(ctx, e.ID, "staff-1", enquiry.Content{Kind: enquiry.Text, Text: "Staff answer for " + c.name}); err != nil {
		return fmt.Errorf("send: %w", err)
	}
	if _, err := d.Close(ctx, e.ID, "staff-1"); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	n, err = c.storm(ctx, r, c.compose(r, second, 0))
	requests.Add(int64(n))
	return err
}

// waitFor waits until the customer's open enquiry holds n of their messages.
func (c *customer) waitFor(ctx context.Context, r *rig, n int) (enquiry.Enquiry, error) {
	for {
		list, err := r.store.Enquiries(ctx, enquiry.Filter{Channel: channelID, Customer: c.id, States: []enquiry.State{enquiry.Ringing, enquiry.Attending, enquiry.Missed}})
		if err != nil {
			return enquiry.Enquiry{}, err
		}
		if len(list) == 1 {
			msgs, err := r.store.Messages(ctx, list[0].ID, 0, 1000)
			if err != nil {
				return enquiry.Enquiry{}, err
			}
			in := 0
			for _, m := range msgs {
				if m.Direction == enquiry.In {
					in++
				}
			}
			// Missed: routed, Welcome and Away recorded.
			if in >= n && list[0].State == enquiry.Missed {
				return list[0], nil
			}
		}
		select {
		case <-ctx.Done():
			return enquiry.Enquiry{}, fmt.Errorf("waiting for %d messages in one open enquiry: %w", n, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// TestThousandConcurrentWebhooksFromOneCustomer sends one customer's
// messages all at once, each in its own request, some of them twice,
// while the Messaging API fails: one enquiry, each message once, one
// Welcome.
func TestThousandConcurrentWebhooksFromOneCustomer(t *testing.T) {
	// Not in parallel with the other tests: a thousand requests at once
	// load the machine enough to make requests time out of themselves,
	// beyond the injected faults.
	requests := 1000
	distinct := size(750, 750)
	r := newRig(t, rigConfig{Faults: apiFaults()})
	r.lineHTTP.MaxConnsPerHost = 0 // all at once
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	c := newCustomer(r, 0)
	msgs := c.compose(r, distinct, 0)
	bodies := make([]json.RawMessage, 0, requests)
	for _, m := range msgs {
		bodies = append(bodies, c.event(m, false))
	}
	for len(bodies) < requests {
		bodies = append(bodies, c.event(msgs[c.rng.IntN(len(msgs))], true))
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	var failed atomic.Int64
	for _, b := range bodies {
		wg.Go(func() {
			<-start
			if err := r.deliver(ctx, b); err != nil {
				failed.Add(1)
				t.Error(err)
			}
		})
	}
	close(start)
	wg.Wait()
	if failed.Load() > 0 {
		t.FailNow()
	}
	snap := r.settle(ctx, distinct)
	t.Logf("%d requests for %d messages; %s", requests, distinct, faultStats(r))
	verify(t, r, snap, []*customer{c}, want{enquiries: 1})
}

// TestDeskRestartMidRun stops the desk in the middle of a storm and
// starts another instance on the same store, as a process restart does:
// gracefully (the webhook finishes its queue) and abruptly (work is cut
// off mid-way and left pending). While no instance serves, the webhook
// answers 503 and LINE redelivers. Each runs on an enquiry.MemStore
// shared by the two instances, and on PostgreSQL (enquiry/postgres; set
// SOCIALDESK_TEST_POSTGRES, else skipped), where what the instances
// share of the desk's state is the database, as two processes would.
func TestDeskRestartMidRun(t *testing.T) {
	t.Parallel()
	for _, store := range []string{"memory", "postgres"} {
		for _, graceful := range []bool{true, false} {
			how := map[bool]string{true: "graceful shutdown", false: "abrupt stop"}[graceful]
			t.Run(store+"/"+how, func(t *testing.T) {
				t.Parallel()
				restartMidRun(t, store == "postgres", graceful)
			})
		}
	}
}

// restartMidRun is one run of TestDeskRestartMidRun.
func restartMidRun(t *testing.T, pg, graceful bool) {
	nCustomers, nMsgs := size(12, 100), size(8, 20)
	r := newRig(t, rigConfig{Faults: apiFaults(), Postgres: pg})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	customers := make([]*customer, nCustomers)
	for i := range customers {
		customers[i] = newCustomer(r, i)
		customers[i].compose(r, nMsgs, 0)
	}
	// The restart comes when about a third of the requests are in.
	threshold := int64(nCustomers * nMsgs)
	restarted := make(chan struct{})
	go func() {
		defer close(restarted)
		for r.delivered.Load() < threshold && ctx.Err() == nil {
			time.Sleep(5 * time.Millisecond)
		}
		r.stop(graceful)
		time.Sleep(100 * time.Millisecond) // down: LINE gets 503s
		r.start("B", true)
	}()
	var wg sync.WaitGroup
	for _, c := range customers {
		wg.Go(func() {
			if _, err := c.storm(ctx, r, c.msgs); err != nil {
				t.Errorf("%s: %v", c.id, err)
			}
		})
	}
	wg.Wait()
	<-restarted
	snap := r.settle(ctx, nCustomers*nMsgs)
	t.Logf("%s", faultStats(r))
	verify(t, r, snap, customers, want{enquiries: 1, ordered: true, uncertainOK: !graceful})
}

// TestReplicasShareOneStore runs two instances at once on one store, as
// two processes behind a load balancer (webhook requests go to each in
// turn), with API faults, a slow content API and redelivery storms: each
// customer's messages, images among them, still reach the transcript
// exactly once and in LINE's order, whichever instance recorded them (the
// webhooks lease each customer's events: inbox.Leaser). On
// enquiry.MemStore, and on PostgreSQL with SOCIALDESK_TEST_POSTGRES.
func TestReplicasShareOneStore(t *testing.T) {
	t.Parallel()
	for _, store := range []string{"memory", "postgres"} {
		t.Run(store, func(t *testing.T) {
			t.Parallel()
			nCustomers, nMsgs := size(12, 60), size(8, 20)
			r := newRig(t, rigConfig{Faults: apiFaults(), ContentDelay: 20 * time.Millisecond, Postgres: store == "postgres"})
			r.addReplica("B")
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			customers := make([]*customer, nCustomers)
			var wg sync.WaitGroup
			for i := range customers {
				customers[i] = newCustomer(r, i)
				c := customers[i]
				wg.Go(func() {
					if _, err := c.storm(ctx, r, c.compose(r, nMsgs, 3)); err != nil {
						t.Errorf("%s: %v", c.id, err)
					}
				})
			}
			wg.Wait()
			snap := r.settle(ctx, nCustomers*nMsgs)
			t.Logf("%s", faultStats(r))
			verify(t, r, snap, customers, want{enquiries: 1, ordered: true})
		})
	}
}

// TestSendOutlastingTheLeaseIsNotRepeated: a send that takes longer than
// the desk's delivery lease (here a slow Messaging API and a short lease)
// still delivers the Welcome once: the desk re-reads the messages' state
// after taking the per-enquiry send lock, so a timer tick that claimed
// the message while the first send was in flight finds it sent.
func TestSendOutlastingTheLeaseIsNotRepeated(t *testing.T) {
	t.Parallel()
	r := newRig(t, rigConfig{SendDelay: 600 * time.Millisecond, Lease: 200 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c := newCustomer(r, 0)
	if _, err := c.storm(ctx, r, c.compose(r, 1, 0)); err != nil {
		t.Fatal(err)
	}
	r.settle(ctx, 1)
	time.Sleep(time.Second) // let a second send, if any, land
	snap := r.snapshot(ctx)
	verify(t, r, snap, []*customer{c}, want{enquiries: 1, ordered: true})
}

// TestReplayAfterRestartKeepsOrder: events a stopped instance recorded
// but never processed are replayed by the next one; a customer's new
// event that arrives while the new instance's first sweep is still
// reading the store (here a store slow to read) waits behind them.
func TestReplayAfterRestartKeepsOrder(t *testing.T) {
	t.Parallel()
	r := newRig(t, rigConfig{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c := newCustomer(r, 0)
	msgs := c.compose(r, 4, 0)

	// Instance A recorded the first three and stopped before processing them.
	r.stop(true)
	raw := make([]json.RawMessage, 3)
	for i := range raw {
		raw[i] = c.event(msgs[i], false)
	}
	batch, err := line.ParseEvents(linetest.WebhookBody(bot, raw...))
	if err != nil {
		t.Fatal(err)
	}
	var records []inbox.Record
	for _, e := range batch.Events {
		records = append(records, inbox.Record{Channel: channelID, ID: e.ID, Key: e.Key(), Received: time.Now(), Payload: e.Raw})
	}
	if _, err := r.events.AppendEvents(ctx, records); err != nil {
		t.Fatal(err)
	}

	// Instance B starts on a store slow to read, and LINE sends the fourth.
	r.events.slowReads.Store(int64(300 * time.Millisecond))
	r.start("B", false)
	if err := r.deliver(ctx, c.event(msgs[3], false)); err != nil {
		t.Fatal(err)
	}
	r.events.slowReads.Store(0)
	verify(t, r, r.settle(ctx, 4), []*customer{c}, want{enquiries: 1, ordered: true})
}
