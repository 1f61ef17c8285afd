package line_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
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

// Replies under the same faults are never delivered twice: a reply LINE
// may have carried out is not pushed again, but reported uncertain.
func TestSendNeverDeliversARepliedMessageTwiceUnderFaults(t *testing.T) {
	is := outCheck(t)
	f := newFixture(t, line.Config{RequestTimeout: time.Second, MaxAttempts: 12})
	f.p.SetFaults(linetest.Faults{ServerErrors: 0.10, RateLimits: 0.05, Timeouts: 0.01, Accepted: 0.5, Delay: 2 * time.Second, Seed: 7})

	const sends = 300
	var wg sync.WaitGroup
	errs := make([]error, sends)
	sem := make(chan struct{}, 16)
	for i := range sends {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			out := f.outbound(text(fmt.Sprint("reply ", i)))
			out.Reply = enquiry.Reply{Handle: f.p.IssueReplyToken(botID, customer), At: time.Now()}
			_, errs[i] = f.c.Send(context.Background(), out)
		})
	}
	wg.Wait()

	got := map[string]int{}
	for _, m := range f.p.Received(customer) {
		got[m.Text]++
	}
	uncertain := 0
	for i, err := range errs {
		want := fmt.Sprint("reply ", i)
		switch {
		case err == nil && got[want] != 1:
			t.Errorf("%q sent, delivered %d times", want, got[want])
		case err != nil && !errors.Is(err, line.ErrDeliveryUncertain):
			t.Errorf("%q: %v", want, err)
		case err != nil:
			uncertain++
			if got[want] > 1 {
				t.Errorf("%q delivered %d times", want, got[want])
			}
		}
	}
	t.Logf("%d replies, %d pushes, %d reported uncertain", len(f.p.Replies()), len(f.p.Pushes()), uncertain)
	is.True(uncertain < sends/5, "most sends are clear")
}
