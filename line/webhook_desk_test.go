package line_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linetest"
)

// The desk and its store are what the webhook is built for.
var (
	_ line.Desk             = (*enquiry.Desk)(nil)
	_ enquiry.ChannelLookup = (*enquiry.Desk)(nil)
	_ enquiry.ChannelLookup = enquiry.Store(nil)
	// And the LINE client is what it fetches content and names with.
	_ line.ContentFetcher = (*line.Client)(nil)
)

// TestWebhookIntoTheDesk runs LINE events through the webhook into a real
// enquiry.Desk on a MemStore: what staff see in the transcript.
func TestWebhookIntoTheDesk(t *testing.T) {
	ctx := context.Background()
	store := enquiry.NewMemStore()
	desk, err := enquiry.New(enquiry.Config{Store: store, Logger: quietLogger(),
		Sender: enquiry.SenderFunc(func(context.Context, enquiry.Outbound) (enquiry.Receipt, error) {
			return enquiry.Receipt{}, nil
		})})
	needNoErr(t, err)
	_, err = desk.CreateChannel(ctx, enquiry.Channel{ID: hookChannel, Name: "Shop", Kind: "line", State: enquiry.Active,
		Credentials: enquiry.Credentials{Secret: hookSecret, Token: "token"}})
	needNoErr(t, err)

	hook := line.NewWebhook(line.WebhookConfig{Channels: desk, Events: store, Desk: desk, Logger: quietLogger()})
	mux := http.NewServeMux()
	mux.Handle("POST /webhook/line/{channel}", hook)
	runCtx, cancel := context.WithCancel(ctx)
	stopped := make(chan error)
	go func() { stopped <- hook.Run(runCtx) }()
	defer func() { cancel(); <-stopped }()

	hello := linetest.TextEvent(hookUser, "hello", linetest.WithMessageID("m1"))
	for _, ev := range [][]byte{
		hello,
		linetest.TextEvent(hookUser, "hello", linetest.WithMessageID("m1"), linetest.Redelivered()), // LINE resends: new event ID, same message
		linetest.StickerEvent(hookUser, "446", "1988", []string{"hi"}),
		linetest.FileEvent(hookUser, "a.pdf", 10),
		linetest.UnsendEvent(hookUser, "m1"),
		linetest.TextEvent(hookUser, "in a group", linetest.InGroup("Cgroup")),
		linetest.UnfollowEvent(hookUser),
	} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, linetest.NewWebhookRequest(hookSecret, hookURL, ev))
		needEq(t, 200, rec.Code)
	}
	// Wait until every recorded event is done.
	deadline := time.Now().Add(10 * time.Second)
	for {
		left, err := store.PendingEvents(ctx, time.Now().Add(time.Hour), 100)
		needNoErr(t, err)
		if len(left) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d events still pending", len(left))
		}
		time.Sleep(5 * time.Millisecond)
	}
	open, err := desk.Enquiries(ctx, enquiry.Filter{Channel: hookChannel, Customer: hookUser})
	needNoErr(t, err)
	needEq(t, 1, len(open), "one enquiry for the customer")
	msgs, err := desk.Transcript(ctx, open[0].ID, 0, 100)
	needNoErr(t, err)
	var got []string
	for _, m := range msgs {
		if m.Author.Kind != enquiry.AuthorCustomer && m.Author.Kind != enquiry.AuthorSystem {
			continue // auto-messages, if any
		}
		s := string(m.Content.Kind)
		switch m.Content.Kind {
		case enquiry.Text, enquiry.Note:
			s += ":" + m.Content.Text
		case enquiry.Unsupported:
			s += ":" + m.Content.Unsupported.Kind
		}
		if m.Unsent {
			s += " (unsent)"
		}
		got = append(got, s)
	}
	wantEq(t, []string{
		"text:hello (unsent)",
		"sticker",
		"unsupported:file",
		"note:The customer blocked this account: messages can no longer be delivered to them.",
	}, got)
}
