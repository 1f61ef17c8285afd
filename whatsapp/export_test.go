package whatsapp

import (
	"context"
	"time"
)

// SetSleep replaces how w waits between attempts of a download, so tests
// need not sleep. Call it before Run.
func SetSleep(w *Webhook, f func(ctx context.Context, d time.Duration) error) { w.sleep = f }

// ParseFast and ParseSlow are ParseNotification's two paths, which
// FuzzParseNotificationFast compares.
var (
	ParseFast = parseFast
	ParseSlow = parseSlow
)

// ReadEvent reads an inbox payload as the workers do.
func ReadEvent(payload []byte) (*Message, *Status, error) {
	e, err := readEvent(payload)
	return e.Message, e.Status, err
}

// Record records n in w's inbox as its intake does.
func Record(ctx context.Context, w *Webhook, channel string, n Notification, received time.Time) error {
	return recorder{w}.Record(ctx, channel, n, received)
}
