package e2e_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/line/linetest"
)

// TestASlowPlatformNeverDelaysTheDesk is the incident: LINE
// carries replies and pushes out but answers them only after a long
// delay. New customers write at once; every one's enquiry is recorded and
// listed while the platform still holds every reply (not one LINE call
// has returned), the desk's senders have as many replies in flight as
// they may, and once LINE answers, each customer has exactly one Welcome
// (and Away: nobody is available), by reply with the token that was
// fresh when it went out, never by push. The test asserts the order of
// what it observes, not the machine's speed: the platform holds every
// answer until the test lets it go.
func TestASlowPlatformNeverDelaysTheDesk(t *testing.T) {
	r := newRig(t, rigConfig{RequestTimeout: 5 * time.Minute, Lease: 5 * time.Minute})
	r.platform.SetLatency(linetest.Latency{Send: 5 * time.Minute}) // held until released below
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	const n = enquiry.DefaultSenders + 16 // more customers than senders
	customers := make([]*customer, n)
	for i := range customers {
		customers[i] = newCustomer(r, i)
		customers[i].compose(r, 1, 0)
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i, c := range customers {
		wg.Go(func() { errs[i] = r.deliver(ctx, c.event(c.msgs[0], false)) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("webhook of customer %d: %v", i, err)
		}
	}

	desk := r.desk()
	deadline := time.Now().Add(30 * time.Second) // a safety timeout, not a goal
	for {
		list, err := desk.Enquiries(ctx, enquiry.Filter{Channel: channelID, Limit: 2 * n})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) == n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d enquiries listed while LINE holds its answers", len(list), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
	answered := func() int {
		k := 0
		for _, c := range r.platform.Calls() {
			if (c.Path == "/v2/bot/message/reply" || c.Path == "/v2/bot/message/push") && c.Status != 0 {
				k++
			}
		}
		return k
	}
	if k := answered(); k != 0 {
		t.Fatalf("%d replies or pushes answered before all enquiries were listed; the platform holds every answer", k)
	}
	// The senders did not wait for a tick or for each other: they hold
	// as many requests as there are senders.
	for r.platform.Held() != enquiry.DefaultSenders {
		if time.Now().After(deadline) {
			t.Fatalf("%d replies in flight, want %d (one per sender)", r.platform.Held(), enquiry.DefaultSenders)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if k := answered(); k != 0 {
		t.Fatalf("%d replies or pushes answered while held", k)
	}

	r.platform.SetLatency(linetest.Latency{}) // LINE answers again
	snap := r.settle(ctx, n)
	verify(t, r, snap, customers, want{enquiries: 1, ordered: true})
	if pushes := r.platform.Pushes(); len(pushes) != 0 {
		t.Errorf("%d pushes, want none: every Welcome goes by the reply token that was fresh when it was sent", len(pushes))
	}
	replied := map[string]int{}
	for _, d := range r.platform.Replies() {
		replied[d.To]++
	}
	for _, c := range customers {
		if replied[c.id] != 1 {
			t.Errorf("%s got %d replies, want 1 (its Welcome and Away)", c.id, replied[c.id])
		}
	}
}
