package e2e_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/line/linetest"
)

// BenchmarkSlowPlatformListing is the measurement: LINE answers
// every reply and push (and, in the second case, every profile look-up)
// after 3 s, and 60 new customers write at once. It reports how long
// after the last webhook's 200 all 60 enquiries are listed
// (s-to-list-all), and after the first webhook's 200 the first is listed
// (s-to-list-first). Each iteration then waits for LINE to answer.
//
//	go test -run '^$' -bench SlowPlatformListing -benchtime 1x ./internal/e2e/
func BenchmarkSlowPlatformListing(b *testing.B) {
	for _, tc := range []struct {
		name    string
		latency linetest.Latency
	}{
		{"slow sends", linetest.Latency{Send: 3 * time.Second}},
		{"slow sends and profiles", linetest.Latency{Send: 3 * time.Second, Profile: 3 * time.Second}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var all, first time.Duration
			for i := range b.N {
				a, f := slowListing(b, tc.latency, i)
				all += a
				first += f
			}
			b.ReportMetric(all.Seconds()/float64(b.N), "s-to-list-all")
			b.ReportMetric(first.Seconds()/float64(b.N), "s-to-list-first")
		})
	}
}

func slowListing(b *testing.B, latency linetest.Latency, round int) (all, first time.Duration) {
	const n = 60
	r := newRig(b, rigConfig{RequestTimeout: 30 * time.Second})
	r.platform.SetLatency(latency)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	customers := make([]*customer, n)
	for i := range customers {
		customers[i] = newCustomer(r, round*n+i)
		customers[i].compose(r, 1, 0)
	}
	var (
		wg                      sync.WaitGroup
		mu                      sync.Mutex
		firstAnswer, lastAnswer time.Time
	)
	for _, c := range customers {
		wg.Go(func() {
			if err := r.deliver(ctx, c.event(c.msgs[0], false)); err != nil {
				b.Error(err)
				return
			}
			now := time.Now()
			mu.Lock()
			if firstAnswer.IsZero() || now.Before(firstAnswer) {
				firstAnswer = now
			}
			if now.After(lastAnswer) {
				lastAnswer = now
			}
			mu.Unlock()
		})
	}
	desk := r.desk()
	var firstListed time.Time
	for {
		list, err := desk.Enquiries(ctx, enquiry.Filter{Channel: channelID, Limit: 2 * n})
		if err != nil {
			b.Fatal(err)
		}
		if len(list) > 0 && firstListed.IsZero() {
			firstListed = time.Now()
		}
		if len(list) == n {
			break
		}
		if ctx.Err() != nil {
			b.Fatalf("%d of %d enquiries listed", len(list), n)
		}
		time.Sleep(time.Millisecond)
	}
	listed := time.Now()
	wg.Wait()
	r.settle(ctx, n)
	return max(listed.Sub(lastAnswer), 0), max(firstListed.Sub(firstAnswer), 0)
}
