package clock

import (
	"context"
	"time"
)

// Clock tells the time. Code whose behaviour depends on the time (ring
// timeouts, leases, reply-token freshness, backoff deadlines) takes one,
// so that tests can pass a *Fake and never sleep.
type Clock interface {
	Now() time.Time
}

// Real is the machine's clock. Its zero value is ready to use and safe
// for concurrent use.
type Real struct{}

// Now returns time.Now().
func (Real) Now() time.Time { return time.Now() }

// Until returns how long from c's now until t.
func Until(c Clock, t time.Time) time.Duration { return t.Sub(c.Now()) }

// Or returns c, or Real when c is nil: for config structs whose zero
// value means the real clock.
func Or(c Clock) Clock {
	if c == nil {
		return Real{}
	}
	return c
}

// Sleep waits for d, or until ctx ends, and then returns ctx.Err(): nil
// when the wait ran its course. A d of zero or less does not wait.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
