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

// retryRig is a stopped desk rig with a webhook of its own that retries
// a failed event every 5 ms and tells an event's age by the rig's clock.
type retryRig struct {
	*deskRig
	hook *whatsapp.Webhook
	mux  *http.ServeMux
}

func newRetryRig(t *testing.T) *retryRig {
	r := &retryRig{deskRig: newDeskRig(t, manualStart), mux: http.NewServeMux()}
	r.hook = whatsapp.NewWebhook(whatsapp.WebhookConfig{
		Apps:   whatsapp.StaticApps{"wa": {AppSecret: "app-secret", VerifyToken: "verify-me"}},
		Events: r.store, Desk: r.desk, Channels: r.store, Logger: quiet(),
		Clock: r.clock, Inbox: inbox.Options{RetryInterval: 5 * time.Millisecond},
	})
	r.mux.Handle("/webhook/whatsapp/{channel}", r.hook)
	return r
}

// run runs the webhook's workers until the test ends.
func (r *retryRig) run() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.hook.Run(ctx); close(done) }()
	r.t.Cleanup(func() { cancel(); <-done })
}

// deliver posts items to the webhook, signed.
func (r *retryRig) deliver(items ...whatsapptest.Item) {
	r.t.Helper()
	rec := httptest.NewRecorder()
	r.mux.ServeHTTP(rec, r.platform.DeliverRequest(phoneID, "/webhook/whatsapp/wa", items...))
	if rec.Code != http.StatusOK {
		r.t.Fatalf("webhook answered %d", rec.Code)
	}
}

// pending is how many recorded events are not handled yet.
func (r *retryRig) pending() int {
	evs, err := r.store.PendingEvents(r.t.Context(), r.clock.Now().Add(time.Hour), 0)
	if err != nil {
		r.t.Fatal(err)
	}
	return len(evs)
}

// TestAStatusOfAnUnknownMessageIsRetriedForAWhileByTheInjectedClock: a
// status may arrive before the desk has recorded its send, so the event
// is retried; once the webhook's clock says it is older than the
// patience, it is dropped. Only the fake clock moves: the webhook must
// judge the age by it, not by the machine's time.
func TestAStatusOfAnUnknownMessageIsRetriedForAWhileByTheInjectedClock(t *testing.T) {
	r := newRetryRig(t)
	r.run()
	r.deliver(whatsapptest.StatusDelivered("wamid.not-sent-yet", customer))
	time.Sleep(50 * time.Millisecond) // about ten retries, none of them the last
	if n := r.pending(); n != 1 {
		t.Fatalf("%d events pending within the patience, want the status", n)
	}
	r.clock.Advance(11 * time.Minute)
	r.eventually("the status is dropped", func() bool { return r.pending() == 0 })
}

// TestAnEventTheDeskCanNeverTakeIsNotRetried: a message the desk refuses
// as invalid (here one without a sender's number) fails with the desk's
// ErrInvalid, which no retry mends; the event is recorded as handled
// instead of being retried for as long as it is kept.
func TestAnEventTheDeskCanNeverTakeIsNotRetried(t *testing.T) {
	r := newRetryRig(t)
	r.deliver(whatsapptest.Text("", "hello"))
	if n := r.pending(); n != 1 {
		t.Fatalf("%d events recorded, want the message", n)
	}
	r.run()
	r.eventually("the event is recorded as handled", func() bool { return r.pending() == 0 })
}
