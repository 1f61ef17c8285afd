package line

import (
	"context"
	"fmt"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/internal/clock"
	"github.com/socialdesk/socialdesk/internal/retry"
	"github.com/socialdesk/socialdesk/internal/uuid"
	"github.com/socialdesk/socialdesk/line/linetest"
)

// virtualClient returns a client on a fake clock whose sleeps only move
// the clock, and a platform that tells time by the same clock.
func virtualClient(t *testing.T, cfg Config) (*Client, *linetest.Platform, *clock.Fake, enquiry.Channel) {
	t.Helper()
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	p := linetest.New()
	t.Cleanup(p.Close)
	p.SetClock(clk.Now)
	p.AddChannel(linetest.Channel{Token: "tok", BotUserID: "Ubot"})
	cfg.APIBase, cfg.DataAPIBase, cfg.Clock = p.URL(), p.DataURL(), clk
	c := newClient(cfg, func(ctx context.Context, d time.Duration) error { clk.Advance(d); return ctx.Err() })
	ch := enquiry.Channel{ID: "ch", Kind: "line", State: enquiry.Active, Credentials: enquiry.Credentials{Token: "tok"}}
	return c, p, clk, ch
}

func pushOne(c *Client, ch enquiry.Channel) error {
	_, err := c.Send(context.Background(), enquiry.Outbound{
		Channel: ch, Customer: enquiry.Customer{ID: "Ucustomer"}, RetryKey: uuid.New(),
		Messages: []enquiry.Message{{ID: uuid.New(), Content: enquiry.Content{Kind: enquiry.Text, Text: "x"}}},
	})
	return err
}

// A configured limit is held within 1% over a run of three seconds and
// never exceeded in any one-second window, as the platform (limiting at
// the same rate itself) sees the requests through the whole Send path.
func TestRateLimitIsHeldAndNeverExceeded(t *testing.T) {
	const limit = 500
	c, p, _, ch := virtualClient(t, Config{RateLimit: limit})
	p.SetRateLimit(limit)
	const n = 3*limit + 1
	for i := range n {
		if err := pushOne(c, ch); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	calls := p.Calls()
	if len(calls) != n {
		t.Fatalf("%d calls for %d sends: some were refused and retried", len(calls), n)
	}
	times := make([]time.Time, n)
	for i, call := range calls {
		if call.Status != 200 {
			t.Fatalf("call %d answered %d", i, call.Status)
		}
		times[i] = call.Time
	}
	checkRate(t, times, limit)
}

// checkRate fails unless no one-second window holds more than limit
// events and the overall rate is within 1% of limit.
func checkRate(t *testing.T, times []time.Time, limit int) {
	t.Helper()
	n := len(times)
	worst := 0
	for i, j := 0, 0; i < n; i++ {
		for j < n && times[j].Sub(times[i]) < time.Second {
			j++
		}
		worst = max(worst, j-i)
	}
	if worst > limit {
		t.Errorf("a one-second window held %d requests; the limit is %d", worst, limit)
	}
	got := float64(n-1) / times[n-1].Sub(times[0]).Seconds()
	if d := got/float64(limit) - 1; d > 0.01 || d < -0.01 {
		t.Errorf("rate %.1f/s, want %d/s within 1%%", got, limit)
	}
	t.Logf("rate %.2f/s; busiest one-second window: %d requests", got, worst)
}

func TestRateLimitPerEndpointOverride(t *testing.T) {
	c := NewClient(Config{EndpointLimits: map[string]rate.Limit{endpointProfile: 10}})
	if got := c.api.Limit("ch", endpointProfile); got != 10 {
		t.Errorf("profile limit %v, want 10", got)
	}
	if got := c.api.Limit("ch", endpointPush); got != DefaultRateLimit {
		t.Errorf("push limit %v, want the default", got)
	}
}

// Retries wait at least what Retry-After asks, and stop at the deadline.
func TestRetryHonoursRetryAfterAndTheDeadline(t *testing.T) {
	for _, tc := range []struct {
		deadline time.Duration
		calls    int
	}{
		{time.Minute, 4},     // MaxAttempts
		{5 * time.Second, 3}, // 0 s, 2 s, 4 s; 6 s would pass the deadline
	} {
		t.Run(fmt.Sprint("with a deadline of ", tc.deadline), func(t *testing.T) {
			c, p, clk, ch := virtualClient(t, Config{MaxAttempts: 4, RetryDeadline: tc.deadline})
			p.SetFaults(linetest.Faults{RateLimits: 1, RetryAfter: 2 * time.Second})
			start := clk.Now()
			err := pushOne(c, ch)
			if !retry.Retryable(err) {
				t.Fatalf("got %v, want a retryable error", err)
			}
			calls := p.Calls()
			if len(calls) != tc.calls {
				t.Fatalf("%d calls, want %d", len(calls), tc.calls)
			}
			for i := 1; i < len(calls); i++ {
				if gap := calls[i].Time.Sub(calls[i-1].Time); gap < 2*time.Second {
					t.Errorf("attempt %d came %v after the previous; Retry-After asked 2s", i+1, gap)
				}
			}
			if spent := calls[len(calls)-1].Time.Sub(start); spent > tc.deadline {
				t.Errorf("retried for %v, past the deadline %v", spent, tc.deadline)
			}
		})
	}
}
