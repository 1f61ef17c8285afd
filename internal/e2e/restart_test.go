package e2e_test

import (
	"context"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
)

// keyLease is how long line.Webhook leases a customer's events, and so
// how long a replica of another name waits for a dead one's.
const keyLease = 30 * time.Second

// TestKilledInstanceRestartedUnderItsNameResumesAtOnce kills an instance
// (rig.kill: nothing more is recorded, as after kill -9) while its
// Welcome reply is in flight (the customer's two later messages reached
// the transcript meanwhile: the send holds no intake), then starts a new
// instance under the same name. The new one takes the dead one's delivery
// lease over at once: the Welcome reaches the customer exactly once, and
// every event is in the transcript once and in order, long before the
// delivery lease (2 min) could have run out. The reply is retried with its reply token
// whether LINE never got the cut-off request or carried it out. On
// enquiry.MemStore, and on PostgreSQL with SOCIALDESK_TEST_POSTGRES.
func TestKilledInstanceRestartedUnderItsNameResumesAtOnce(t *testing.T) {
	t.Parallel()
	for _, store := range []string{"memory", "postgres"} {
		for _, landed := range []bool{false, true} {
			how := map[bool]string{false: "the cut-off reply never reached LINE", true: "LINE carried the cut-off reply out"}[landed]
			t.Run(store+"/"+how, func(t *testing.T) {
				t.Parallel()
				killAndRestart(t, store == "postgres", landed)
			})
		}
	}
}

func killAndRestart(t *testing.T, pg, landed bool) {
	r := newRig(t, rigConfig{SendDelay: 2 * time.Second, SendsOutliveClients: landed, Lease: 2 * time.Minute, Postgres: pg})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := newCustomer(r, 0)
	msgs := c.compose(r, 3, 0)
	leased := time.Now() // the dead instance's key lease began after this
	if err := r.deliver(ctx, c.event(msgs[0], false)); err != nil {
		t.Fatal(err)
	}
	// The Welcome's reply is in flight once its delivery holds the token.
	deadline := time.Now().Add(30 * time.Second) // safety timeout
	for !replyInFlight(ctx, r) {
		if time.Now().After(deadline) {
			t.Fatal("the Welcome's reply never went out")
		}
		time.Sleep(5 * time.Millisecond)
	}
	// The send does not hold the customer's queue (the desk's outbox
	// sends it): these reach the transcript while the reply is in flight.
	if err := r.deliver(ctx, c.event(msgs[1], false), c.event(msgs[2], false)); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(30 * time.Second) // safety timeout
	for inbound(r.snapshot(ctx)) < len(msgs) {
		if time.Now().After(deadline) {
			t.Fatalf("the customer's later messages waited for the Welcome's send: %d of %d recorded", inbound(r.snapshot(ctx)), len(msgs))
		}
		time.Sleep(5 * time.Millisecond)
	}
	killed := time.Now()
	r.kill()
	if !replyInFlight(ctx, r) {
		t.Fatal("the kill came too late for the test: the reply is no longer in flight")
	}

	r.start("A", false)
	// Done well before the key lease could have run out (with a margin:
	// the lease began a little after `leased`); the delivery lease (2 min)
	// is longer still. A restart under another name would wait.
	deadline = leased.Add(keyLease / 2)
	for {
		snap := r.snapshot(ctx)
		if settled(r, ctx, snap, len(msgs)) {
			verify(t, r, snap, []*customer{c}, want{enquiries: 1, ordered: true})
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not resumed before the dead instance's leases could run out (%s after the kill): %d events pending", time.Since(killed).Round(time.Millisecond), r.pendingEvents(ctx))
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("resumed %s after the kill", time.Since(killed).Round(time.Millisecond))
	if n := len(r.platform.Pushes()); n != 0 {
		// The Welcome and the Away go in one reply; a push after a reply
		// LINE may have carried out could deliver them twice.
		t.Errorf("%d pushes, want none: %v", n, r.platform.Pushes())
	}
}

// replyInFlight reports whether an outbound message holds a reply handle:
// a send with it has begun and its outcome is not recorded.
func replyInFlight(ctx context.Context, r *rig) bool {
	for _, conv := range r.snapshot(ctx) {
		for _, msgs := range conv.messages {
			for _, m := range msgs {
				if m.Delivery != nil && m.Delivery.State == enquiry.Pending && !m.Delivery.Reply.IsZero() {
					return true
				}
			}
		}
	}
	return false
}

// inbound counts the customer messages in snap.
func inbound(snap map[string]*conversation) int {
	n := 0
	for _, conv := range snap {
		for _, msgs := range conv.messages {
			for _, m := range msgs {
				if m.Direction == enquiry.In {
					n++
				}
			}
		}
	}
	return n
}

// settled reports whether snap holds at least inbound customer messages,
// no outbound message is pending and no event waits.
func settled(r *rig, ctx context.Context, snap map[string]*conversation, inbound int) bool {
	in := 0
	for _, conv := range snap {
		for _, msgs := range conv.messages {
			for _, m := range msgs {
				switch {
				case m.Direction == enquiry.In:
					in++
				case m.Delivery != nil && m.Delivery.State == enquiry.Pending:
					return false
				}
			}
		}
	}
	return in >= inbound && r.pendingEvents(ctx) == 0
}
