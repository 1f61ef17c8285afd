package apiclient

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/socialdesk/socialdesk/internal/clock"
)

// limiters holds one token bucket per channel and endpoint, created on
// first use. It is safe for concurrent use.
type limiters struct {
	limit    rate.Limit
	burst    int
	override map[string]rate.Limit

	mu sync.Mutex
	m  map[limiterKey]*rate.Limiter
}

type limiterKey struct{ channel, endpoint string }

func (l *limiters) get(channel, endpoint string) *rate.Limiter {
	k := limiterKey{channel, endpoint}
	l.mu.Lock()
	defer l.mu.Unlock()
	lim := l.m[k]
	if lim == nil {
		r, ok := l.override[endpoint]
		if !ok {
			r = l.limit
		}
		lim = rate.NewLimiter(r, l.burst)
		if l.m == nil {
			l.m = map[limiterKey]*rate.Limiter{}
		}
		l.m[k] = lim
	}
	return lim
}

// wait blocks until the channel may call the endpoint, or ctx is done. It
// reserves a slot at clk's time and waits with sleep, so tests can run it
// on a fake clock.
func (l *limiters) wait(ctx context.Context, clk clock.Clock, sleep func(context.Context, time.Duration) error, channel, endpoint string) error {
	lim := l.get(channel, endpoint)
	now := clk.Now()
	r := lim.ReserveN(now, 1)
	if !r.OK() {
		return fmt.Errorf("rate limit of %s allows no request", endpoint)
	}
	d := r.DelayFrom(now)
	if d <= 0 {
		return nil
	}
	// A context's deadline is wall-clock time, so it is compared with the
	// real time left, whatever clk says.
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
		r.CancelAt(now)
		return fmt.Errorf("rate limit wait for %s exceeds the deadline: %w", endpoint, context.DeadlineExceeded)
	}
	if err := sleep(ctx, d); err != nil {
		r.CancelAt(clk.Now())
		return err
	}
	return nil
}
