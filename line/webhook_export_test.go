package line

import (
	"context"
	"time"

	"github.com/socialdesk/socialdesk/inbox"
)

// SetSleep replaces how w waits between attempts, so tests need not
// sleep. Call it before Run.
func SetSleep(w *Webhook, f func(ctx context.Context, d time.Duration) error) { w.sleep = f }

// ProcessEvent runs the workers' handling of one recorded event
// synchronously and reports whether it was done (not left for later).
func ProcessEvent(ctx context.Context, w *Webhook, ev inbox.Event) bool {
	return w.process(ctx, ev) == done
}

// MessageContent is the workers' decoder of a message event's "message".
var MessageContent = messageContent

// SetFetchQueue makes w queue at most n names and contents to fetch, so
// tests can fill the queue. Call it before Run.
func SetFetchQueue(w *Webhook, n int) { w.later = w.newLater(w.fetchers, n) }
