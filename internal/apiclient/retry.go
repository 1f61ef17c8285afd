package apiclient

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/socialdesk/socialdesk/internal/retry"
)

// LevelRetry is the level retries are logged at.
const LevelRetry = slog.LevelInfo

// Retry runs attempt until it succeeds, fails permanently (retry.Retryable
// is false), or the attempts (Config.MaxAttempts) or the time
// (Config.RetryDeadline) run out. Between attempts it waits Config.Backoff,
// never less than a Retry-After the platform asked for, and logs the retry.
// It returns the last attempt's error. Whatever attempt sends, it sends
// the same way every time (the same body, the same retry key).
func (c *Client) Retry(ctx context.Context, req *Request, attempt func(context.Context) error) error {
	deadline := c.cfg.Clock.Now().Add(c.cfg.RetryDeadline)
	for n := 1; ; n++ {
		err := attempt(ctx)
		if err == nil || !retry.Retryable(err) || n >= c.cfg.MaxAttempts {
			return err
		}
		wait := c.cfg.Backoff.Delay(n)
		var e *Error
		if errors.As(err, &e) && e.RetryAfter > wait {
			wait = e.RetryAfter
		}
		if c.cfg.Clock.Now().Add(wait).After(deadline) {
			return err
		}
		c.cfg.Logger.LogAttrs(ctx, LevelRetry, c.cfg.Service+": retrying", logAttrs(req, err, n, wait)...)
		if c.cfg.Sleep(ctx, wait) != nil {
			return err // the caller gave up; the last answer says why it failed
		}
	}
}

func logAttrs(req *Request, err error, attempt int, wait time.Duration) []slog.Attr {
	a := []slog.Attr{
		slog.String("channel", req.Channel),
		slog.String("op", req.Op),
		slog.Int("attempt", attempt),
		slog.Duration("wait", wait),
		slog.String("error", err.Error()),
	}
	var e *Error
	if errors.As(err, &e) {
		a = append(a, slog.Int("status", e.Status), slog.String("request_id", e.RequestID))
	}
	return a
}
