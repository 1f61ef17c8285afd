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
