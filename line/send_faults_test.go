package line_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linetest"
)

// Under 10% 5xx, 5% 429 and 1% timeouts (half of the failed requests
// carried out anyway), 1,000 concurrent sends each deliver exactly once.
func TestSendDeliversEveryMessageExactlyOnceUnderFaults(t *testing.T) {
	is := outCheck(t)
	f := newFixture(t, line.Config{
		RequestTimeout: time.Second,
		MaxAttempts:    12,
		BackoffBase:    time.Millisecond,
		BackoffMax:     10 * time.Millisecond,
	})
	f.p.SetFaults(linetest.Faults{ServerErrors: 0.10, RateLimits: 0.05, Timeouts: 0.01, Accepted: 0.5, Delay: 2 * time.Second, Seed: 42})

	const sends, workers = 1000, 32
	jobs := make(chan int)
	keys := make([]string, sends)
	errs := make([]error, sends)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range jobs {
				out := f.outbound(text(fmt.Sprint("message ", i)))
				keys[i] = out.RetryKey
				_, errs[i] = f.c.Send(context.Background(), out)
			}
		})
	}
	for i := range sends {
		jobs <- i
	}
	close(jobs)
	wg.Wait()

	for i, err := range errs {
		if err != nil {
			t.Errorf("send %d: %v", i, err)
		}
	}
	delivered := map[string]int{}
	for _, d := range f.p.Pushes() {
		delivered[d.RetryKey]++
	}
	for i, k := range keys {
		if delivered[k] != 1 {
			t.Errorf("send %d (key %s) delivered %d times", i, k, delivered[k])
		}
	}
	is.Len(len(f.p.Received(customer)), sends)

	faults := map[string]int{}
	for _, c := range f.p.Calls() {
		faults[c.Fault]++
	}
	t.Logf("%d requests for %d sends; faults: %v", len(f.p.Calls()), sends, faults)
	is.True(faults["5xx"] > 50 && faults["429"] > 20 && faults["timeout"] > 0, "the faults were injected: ", faults)
}
