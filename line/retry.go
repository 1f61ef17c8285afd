package line

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"time"
)

// retry runs attempt until it succeeds, fails permanently, or the attempts
// (Config.MaxAttempts) or the time (Config.RetryDeadline) run out. Between
// attempts it waits an exponential backoff with full jitter, never less
// than a Retry-After LINE asked for. It returns the last attempt's error.
func (c *Client) retry(ctx context.Context, k *call, attempt func(context.Context) error) error {
	deadline := c.clock.Now().Add(c.cfg.RetryDeadline)
	for n := 1; ; n++ {
		err := attempt(ctx)
		if err == nil || !retryable(err) || n >= c.cfg.MaxAttempts {
			return err
		}
		wait := c.backoff(n)
		var le *Error
		if errors.As(err, &le) && le.RetryAfter > wait {
			wait = le.RetryAfter
		}
		if c.clock.Now().Add(wait).After(deadline) {
			return err
		}
		c.log.LogAttrs(ctx, levelRetry, "line: retrying", logAttrs(k, err, n, wait)...)
		if c.sleep(ctx, wait) != nil {
			return err // the caller gave up; the last answer says why it failed
		}
	}
}

// backoff returns the wait before attempt n+1: BackoffBase·2ⁿ⁻¹, capped
// at BackoffMax, of which a random half is dropped (jitter), so clients
// that failed together do not retry together.
func (c *Client) backoff(n int) time.Duration {
	d := c.cfg.BackoffBase << min(n-1, 30)
	if d <= 0 || d > c.cfg.BackoffMax {
		d = c.cfg.BackoffMax
	}
	return c.jitter(d)
}

func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return d/2 + rand.N(d/2+1)
}

const levelRetry = slog.LevelInfo

func logAttrs(k *call, err error, attempt int, wait time.Duration) []slog.Attr {
	a := []slog.Attr{
		slog.String("channel", k.channel),
		slog.String("op", k.op),
		slog.Int("attempt", attempt),
		slog.Duration("wait", wait),
		slog.String("error", err.Error()),
	}
	var le *Error
	if errors.As(err, &le) {
		a = append(a, slog.Int("status", le.Status), slog.String("request_id", le.RequestID))
	}
	return a
}
