package whatsapp_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/inbox"
	"github.com/socialdesk/socialdesk/whatsapp"
	"github.com/socialdesk/socialdesk/whatsapp/whatsapptest"
)

// TestAStatusOfAnUnknownMessageIsRetriedForAWhileByTheInjectedClock: a
// status may arrive before the desk has recorded its send, so the event
// is retried; once the webhook's clock says it is older than the
// patience, it is dropped. Only the fake clock moves: the webhook must
// judge the age by it, not by the machine's time.
func TestAStatusOfAnUnknownMessageIsRetriedForAWhileByTheInjectedClock(t *testing.T) {
	r := newDeskRig(t, manualStart)
	hook := whatsapp.NewWebhook(whatsapp.WebhookConfig{
		Apps:   whatsapp.StaticApps{"wa": {AppSecret: "app-secret", VerifyToken: "verify-me"}},
		Events: r.store, Desk: r.desk, Channels: r.store, Logger: quiet(),
		Clock: r.clock, Inbox: inbox.Options{RetryInterval: 5 * time.Millisecond},
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { hook.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })

	mux := http.NewServeMux()
	mux.Handle("/webhook/whatsapp/{channel}", hook)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, r.platform.DeliverRequest(phoneID, "/webhook/whatsapp/wa",
		whatsapptest.StatusDelivered("wamid.not-sent-yet", customer)))
	if rec.Code != http.StatusOK {
		t.Fatalf("webhook answered %d", rec.Code)
	}
	pending := func() int {
		evs, err := r.store.PendingEvents(t.Context(), r.clock.Now().Add(time.Hour), 0)
		if err != nil {
			t.Fatal(err)
		}
		return len(evs)
	}
	time.Sleep(50 * time.Millisecond) // about ten retries, none of them the last
	if n := pending(); n != 1 {
		t.Fatalf("%d events pending within the patience, want the status", n)
	}
	r.clock.Advance(11 * time.Minute)
	r.eventually("the status is dropped", func() bool { return pending() == 0 })
}

// TestAnEventTheDeskCanNeverTakeIsNotRetried: a message the desk refuses
// as invalid (here one without a sender's number) fails with the desk's
// ErrInvalid, which no retry mends; the event is recorded as handled
// instead of being retried for as long as it is kept.
func TestAnEventTheDeskCanNeverTakeIsNotRetried(t *testing.T) {
	r := newDeskRig(t, manualStart)
	hook := whatsapp.NewWebhook(whatsapp.WebhookConfig{
		Apps:   whatsapp.StaticApps{"wa": {AppSecret: "app-secret", VerifyToken: "verify-me"}},
		Events: r.store, Desk: r.desk, Channels: r.store, Logger: quiet(),
		Clock: r.clock, Inbox: inbox.Options{RetryInterval: 5 * time.Millisecond},
	})
	mux := http.NewServeMux()
	mux.Handle("/webhook/whatsapp/{channel}", hook)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, r.platform.DeliverRequest(phoneID, "/webhook/whatsapp/wa", whatsapptest.Text("", "hello")))
	if rec.Code != http.StatusOK {
		t.Fatalf("webhook answered %d", rec.Code)
	}
	pending := func() int {
		evs, err := r.store.PendingEvents(t.Context(), r.clock.Now().Add(time.Hour), 0)
		if err != nil {
			t.Fatal(err)
		}
		return len(evs)
	}
	if n := pending(); n != 1 {
		t.Fatalf("%d events recorded, want the message", n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { hook.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	r.eventually("the event is recorded as handled", func() bool { return pending() == 0 })
}
