package line

import (
	"context"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"

	"github.com/socialdesk/socialdesk/internal/later"

	"github.com/socialdesk/socialdesk/inbox"
)

// SetSleep replaces how w waits between attempts, so tests need not
// sleep. Call it before Run.
func SetSleep(w *Webhook, f func(ctx context.Context, d time.Duration) error) { w.sleep = f }

// ProcessEvent runs the workers' handling of one recorded event
// synchronously and reports whether it was done (not left for later).
func ProcessEvent(ctx context.Context, w *Webhook, ev inbox.Record) bool {
	return w.process(ctx, ev) == nil
}

// SetFetchQueue makes w queue at most n names and contents to fetch, so
// tests can fill the queue. Call it before Run.
func SetFetchQueue(w *Webhook, n int) {
	w.later = w.newLater(n)
	w.run = later.NewRunner(w.workers, w.later)
}

// ParseFast and ParseSlow are ParseEvents' two paths, before IDs repeated
// within a body are told apart; ParseFast's ok is false where it gives up.
var (
	ParseFast = parseFast
	ParseSlow = parseSlow
)

// ReadText is the workers' fast path for a recorded text message: its
// header fields as Event, the message and its read token; ok is false
// where it gives up.
func ReadText(raw []byte) (ev Event, m any, readToken string, ok bool) {
	d, ok := scanDetail(raw)
	m, token, text := readText(d.Message)
	return d.event(raw), m, token, ok && d.Type == "message" && text
}

// ReadSlow is what the workers read of a recorded message event with
// encoding/json: its header fields as Event, the message (nil with an
// error when it cannot be decoded) and its read token.
func ReadSlow(raw []byte) (ev Event, m any, token string, err error) {
	d := decodeDetail(raw)
	content, err := webhook.UnmarshalMessageContent(d.Message)
	if err != nil {
		return d.event(raw), nil, "", err
	}
	return d.event(raw), content, readToken(d.Message), nil
}
