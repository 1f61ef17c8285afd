package apiclient

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/socialdesk/socialdesk/internal/clock"
)

// fakeClient returns a client on a fake clock whose sleeps only move the
// clock and are recorded.
func fakeClient(cfg Config) (*Client, *clock.Fake, func() []time.Duration) {
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	var mu sync.Mutex
	var waits []time.Duration
	cfg.Clock = clk
	cfg.Sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		waits = append(waits, d)
		mu.Unlock()
		clk.Advance(d)
		return ctx.Err()
	}
	return New(cfg), clk, func() []time.Duration {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(waits)
	}
}

func (c *Client) waitLimit(ctx context.Context, channel, endpoint string) error {
	return c.limits.wait(ctx, c.cfg.Clock, c.cfg.Sleep, channel, endpoint)
}

// The default limit, 2,000 requests/s per channel and endpoint, is held
// within 1% and never exceeded in any one-second window.
func TestDefaultRateLimitIsHeldAndNeverExceeded(t *testing.T) {
	c, clk, _ := fakeClient(Config{})
	n := 3*int(DefaultRateLimit) + 1
	times := make([]time.Time, n)
	for i := range times {
		if err := c.waitLimit(context.Background(), "ch", "POST /push"); err != nil {
			t.Fatal(err)
		}
		times[i] = clk.Now()
	}
	worst := 0
	for i, j := 0, 0; i < n; i++ {
		for j < n && times[j].Sub(times[i]) < time.Second {
			j++
		}
		worst = max(worst, j-i)
	}
	if worst > int(DefaultRateLimit) {
		t.Errorf("a one-second window held %d requests; the limit is %v", worst, DefaultRateLimit)
	}
	got := float64(n-1) / times[n-1].Sub(times[0]).Seconds()
	if d := got/float64(DefaultRateLimit) - 1; d > 0.01 || d < -0.01 {
		t.Errorf("rate %.1f/s, want %v/s within 1%%", got, DefaultRateLimit)
	}
}

// Concurrent callers get distinct slots 1/r apart; another channel, or
// another endpoint, has its own limiter.
func TestRateLimitSpacesConcurrentCallers(t *testing.T) {
	c, _, _ := fakeClient(Config{RateLimit: 100})
	var mu sync.Mutex
	var got []time.Duration
	c.cfg.Sleep = func(ctx context.Context, d time.Duration) error { // the clock stands still
		mu.Lock()
		defer mu.Unlock()
		got = append(got, d)
		return nil
	}
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if err := c.waitLimit(context.Background(), "ch", "POST /push"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	slices.Sort(got)
	if len(got) != 49 {
		t.Fatalf("%d callers waited, want 49 (the first goes at once)", len(got))
	}
	for i, w := range got {
		if want := time.Duration(i+1) * 10 * time.Millisecond; w != want {
			t.Errorf("caller %d waited %v, want %v", i+1, w, want)
		}
	}
	for _, k := range [][2]string{{"other", "POST /push"}, {"ch", "POST /reply"}} {
		before := len(got)
		if err := c.waitLimit(context.Background(), k[0], k[1]); err != nil {
			t.Fatal(err)
		}
		if len(got) != before {
			t.Errorf("%v waited for another limiter", k)
		}
	}
}

func TestEndpointLimitsOverrideTheDefault(t *testing.T) {
	c := New(Config{EndpointLimits: map[string]rate.Limit{"GET /profile": 10}})
	if got := c.Limit("ch", "GET /profile"); got != 10 {
		t.Errorf("profile limit %v, want 10", got)
	}
	if got := c.Limit("ch", "POST /push"); got != DefaultRateLimit {
		t.Errorf("push limit %v, want the default", got)
	}
}

// A wait longer than the context allows is not started, and its slot is
// given back.
func TestRateLimitWaitGivesUpWithTheContext(t *testing.T) {
	c := New(Config{RateLimit: 1})
	ctx := context.Background()
	if err := c.waitLimit(ctx, "ch", "POST /push"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	if err := c.waitLimit(ctx, "ch", "POST /push"); err == nil {
		t.Fatal("waited past the context's deadline")
	}
	lim := c.limits.get("ch", "POST /push")
	if d := lim.ReserveN(time.Now().Add(time.Second), 1).DelayFrom(time.Now().Add(time.Second)); d > 50*time.Millisecond {
		t.Errorf("next slot %v after a second, want about 0", d)
	}
}
