package whatsapp

import (
	"context"
	"errors"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/internal/clock"
	"github.com/socialdesk/socialdesk/internal/later"
	"github.com/socialdesk/socialdesk/media"
)

// Customers' media are fetched off the customer's queue (by
// internal/later, as package line does): the worker records the message
// at once with its content pending and its media ID (MediaRef.PlatformID),
// and hands the download to a bounded set of fetchers, so a media server
// that does not answer holds up nothing the customer sends after. Each
// download is tried a bounded number of times; the content then gives up
// as "content unavailable". What a stopped process was fetching stays
// pending, and the next start fetches it again by its media ID (see
// RefetchWindow). Names need no look-up: the webhook carries the
// customer's profile name.
const (
	// DefaultFetchers is WebhookConfig.Fetchers' default.
	DefaultFetchers = later.DefaultFetchers
	// RefetchWindow is how old a message still pending at start may be
	// for its content to be fetched again; older ones are marked
	// unavailable. WhatsApp keeps a customer's media for a while only.
	RefetchWindow = later.RefetchWindow
)

const reasonFailed = "The content could not be downloaded from WhatsApp."

// errNoMediaID: a pending message that does not say its media ID (one
// recorded before media IDs were kept) cannot be fetched again.
var errNoMediaID = errors.New("whatsapp: the pending message has no media ID to download")

// fetching is what a Webhook keeps to run its fetchers beside the inbox.
type fetching struct {
	later *later.Queue
	run   *later.Runner // the inbox's workers and the fetchers
	clock clock.Clock
	// sleep waits between attempts; tests replace it.
	sleep func(ctx context.Context, d time.Duration) error
}

// newLater returns the queue of w's downloads, fetchers at a time and at
// most queue waiting (0: later's defaults), pause (0: a minute) after a
// read of pending content failed or a download did not fit: content with
// w.content into w.blobs, by media ID.
func (w *Webhook) newLater(fetchers, queue int, pause time.Duration) *later.Queue {
	cfg := later.Config{
		Desk: w.desk, Channels: w.channels, Kind: ChannelKind, StrictKind: true,
		Reasons:  later.Reasons{Failed: reasonFailed, External: reasonFailed, NotReady: reasonFailed},
		Fetchers: fetchers, Queue: queue, Pause: pause,
		Sleep: func(ctx context.Context, d time.Duration) error { return w.sleep(ctx, d) },
		Clock: w.clock, Logger: w.log,
	}
	if w.content != nil && w.blobs != nil && w.channels != nil {
		cfg.Content = w.download
	}
	return later.New(cfg)
}

// download streams a pending message's media, by its media ID, into the
// blob store under key (Client.Download). A refusal is a *media.Error; a
// failure of the download or of the blob store for now is retryable.
func (w *Webhook) download(ctx context.Context, ch enquiry.Channel, src later.Source, key string) (enquiry.MediaRef, error) {
	if src.PlatformID == "" {
		return enquiry.MediaRef{}, errNoMediaID
	}
	_, v, err := w.content.Download(ctx, numberOf(ch), src.PlatformID, src.Kind, media.WhatsApp, w.blobs, key)
	if err != nil {
		return enquiry.MediaRef{}, err
	}
	return enquiry.MediaRef{Kind: v.Kind, Format: v.Format, Size: v.Size, Key: key}, nil
}
