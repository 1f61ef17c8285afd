package line_test

import (
	"context"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/internal/clock"
	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linetest"
)

// pruningEvents is the tests' event store with inbox.Pruner: it
// reports each cutoff it is asked to prune before.
type pruningEvents struct {
	*memEvents
	cutoffs chan time.Time
}

func (p pruningEvents) PruneEvents(ctx context.Context, before time.Time) (int64, error) {
	p.cutoffs <- before
	return 0, nil
}

func TestWebhookPrunesProcessedEventsOlderThanKeepEvents(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		keep time.Duration
		want time.Time
	}{
		{"by default, a week's are kept", 0, now.Add(-7 * 24 * time.Hour)},
		{"KeepEvents sets how long", 36 * time.Hour, now.Add(-36 * time.Hour)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cutoffs := make(chan time.Time, 10)
			h := newHookHarness(t, func(c *line.WebhookConfig) {
				c.Events = pruningEvents{c.Events.(*memEvents), cutoffs}
				c.Clock = clock.NewFake(now)
				c.Inbox.KeepEvents = tt.keep
			})
			h.start(t)
			select {
			case got := <-cutoffs:
				wantEq(t, tt.want, got)
			case <-time.After(10 * time.Second):
				t.Fatal("Run did not prune at start")
			}
		})
	}
}

func TestWebhookNeverPrunesWithNegativeKeepEvents(t *testing.T) {
	cutoffs := make(chan time.Time, 10)
	h := newHookHarness(t, func(c *line.WebhookConfig) {
		c.Events = pruningEvents{c.Events.(*memEvents), cutoffs}
		c.Inbox.KeepEvents = -1
	})
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error)
	go func() { stopped <- h.hook.Run(ctx) }()
	h.post(linetest.NewWebhookRequest(hookSecret, hookURL, linetest.TextEvent(hookUser, "hi")))
	h.desk.wait(t, 1) // Run is well under way
	cancel()
	needNoErr(t, <-stopped)
	wantEq(t, 0, len(cutoffs), "prune calls")
}
