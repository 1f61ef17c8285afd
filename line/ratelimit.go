package line

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/time/rate"
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

func newLimiters(limit rate.Limit, burst int, override map[string]rate.Limit) *limiters {
	return &limiters{limit: limit, burst: burst, override: override, m: map[limiterKey]*rate.Limiter{}}
}

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
		l.m[k] = lim
	}
	return lim
}

// wait blocks until the channel may call the endpoint, or ctx is done. It
// reserves a slot at the client's clock time and sleeps with the client's
// sleep, so tests can run it on a fake clock.
func (l *limiters) wait(ctx context.Context, c *Client, channel, endpoint string) error {
	lim := l.get(channel, endpoint)
	now := c.clock.Now()
	r := lim.ReserveN(now, 1)
	if !r.OK() {
		return fmt.Errorf("line: rate limit of %s allows no request", endpoint)
	}
	d := r.DelayFrom(now)
	if d <= 0 {
		return nil
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
		r.CancelAt(now)
		return fmt.Errorf("line: rate limit wait for %s exceeds the deadline: %w", endpoint, context.DeadlineExceeded)
	}
	if err := c.sleep(ctx, d); err != nil {
		r.CancelAt(c.clock.Now())
		return err
	}
	return nil
}
