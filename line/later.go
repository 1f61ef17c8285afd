package line

import (
	"context"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/internal/later"
)

const (
	// DefaultFetchers is WebhookConfig.Fetchers' default: fetchers mostly
	// wait on the platform, so 16 keep 60 new customers' names, each
	// looked up in 3 s on a slow LINE, within about 12 s.
	DefaultFetchers = later.DefaultFetchers
	// RefetchWindow is how old a message still pending at start may be
	// for its content to be fetched again; older ones are marked
	// unavailable.
	RefetchWindow = later.RefetchWindow
)

// newLater returns the queue of w's look-ups, WebhookConfig.Fetchers at
// a time and at most queue waiting: names from LINE's profiles, content
// with WebhookConfig.Content into Blobs.
func (w *Webhook) newLater(queue int) *later.Queue {
	cfg := later.Config{
		Desk: w.cfg.Desk, Channels: w.cfg.Channels, Kind: ChannelKind, NotReady: ErrNotReady,
		Reasons:  later.Reasons{Failed: reasonFailed, External: reasonExternal, NotReady: reasonPending},
		Fetchers: w.cfg.Fetchers, Queue: queue, Pause: w.cfg.Inbox.RetryInterval,
		Sleep: func(ctx context.Context, d time.Duration) error { return w.sleep(ctx, d) },
		Clock: w.clock, Logger: w.log,
	}
	if w.cfg.Content != nil {
		cfg.Name = func(ctx context.Context, ch enquiry.Channel, user string) (string, error) {
			p, err := w.cfg.Content.Profile(ctx, ch, user)
			return p.DisplayName, err
		}
		cfg.Content = func(ctx context.Context, ch enquiry.Channel, src later.Source, key string) (enquiry.MediaRef, error) {
			return w.cfg.Content.FetchContent(ctx, ch, ContentSource{MessageID: src.ExternalID, Kind: src.Kind,
				ExternalURL: src.URL, PreviewURL: src.PreviewURL, Duration: src.Duration}, w.cfg.Blobs, key)
		}
	}
	return later.New(cfg)
}
