package line_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linetest"
	"github.com/socialdesk/socialdesk/media"
)

// deskHook is a webhook into a real enquiry.Desk on a MemStore, with its
// logs in JSON lines.
type deskHook struct {
	t     *testing.T
	store *enquiry.MemStore
	desk  *enquiry.Desk
	mux   *http.ServeMux
	logs  bytes.Buffer // read only after stop
	stop  func()
}

func newDeskHook(t *testing.T) *deskHook {
	h := &deskHook{t: t, store: enquiry.NewMemStore()}
	log := slog.New(slog.NewJSONHandler(&h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	desk, err := enquiry.New(enquiry.Config{Store: h.store, Logger: quietLogger(),
		Sender: enquiry.SenderFunc(func(context.Context, enquiry.Outbound) (enquiry.Receipt, error) {
			return enquiry.Receipt{}, nil
		})})
	needNoErr(t, err)
	h.desk = desk
	_, err = desk.CreateChannel(t.Context(), enquiry.Channel{ID: hookChannel, Name: "Shop", Kind: "line", State: enquiry.Active,
		Credentials: enquiry.Credentials{Secret: hookSecret, Token: "token"}})
	needNoErr(t, err)
	hook := line.NewWebhook(line.WebhookConfig{Channels: desk, Events: h.store, Desk: desk, Logger: log})
	h.mux = http.NewServeMux()
	h.mux.Handle("POST /webhook/line/{channel}", hook)
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error)
	go func() { stopped <- hook.Run(ctx) }()
	h.stop = sync.OnceFunc(func() { cancel(); <-stopped })
	t.Cleanup(h.stop)
	return h
}

// post sends one signed event and waits until the workers are done with it.
func (h *deskHook) post(ev json.RawMessage) {
	h.t.Helper()
	rec := httptest.NewRecorder()
	h.mux.ServeHTTP(rec, linetest.NewWebhookRequest(hookSecret, hookURL, ev))
	needEq(h.t, 200, rec.Code)
	deadline := time.Now().Add(10 * time.Second) // a safety timeout only
	for {
		left, err := h.store.PendingEvents(context.Background(), time.Now().Add(time.Hour), 100)
		needNoErr(h.t, err)
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("%d events still pending", len(left))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// customerMessages returns the customer's messages in their enquiries.
func (h *deskHook) customerMessages(customer string) []enquiry.Message {
	h.t.Helper()
	es, err := h.desk.Enquiries(context.Background(), enquiry.Filter{Channel: hookChannel, Customer: customer})
	needNoErr(h.t, err)
	var out []enquiry.Message
	for _, e := range es {
		msgs, err := h.desk.Transcript(context.Background(), e.ID, 0, 100)
		needNoErr(h.t, err)
		for _, m := range msgs {
			if m.Author.Kind == enquiry.AuthorCustomer {
				out = append(out, m)
			}
		}
	}
	return out
}

// TestWebhookStoresA100000CharacterTextCut: LINE's apps send at most
// 5,000 characters; a signed text of 100,000 is stored cut to 5,000, with
// its length for staff, and the rest of the message kept.
func TestWebhookStoresA100000CharacterTextCut(t *testing.T) {
	h := newDeskHook(t)
	h.post(linetest.TextEvent(hookUser, strings.Repeat("長", 100000), linetest.WithMessageID("m1")))
	h.stop()
	msgs := h.customerMessages(hookUser)
	needEq(t, 1, len(msgs), "one message from the customer")
	c := msgs[0].Content
	wantEq(t, enquiry.Text, c.Kind)
	wantEq(t, 5000, media.UTF16Len(c.Text), "units stored")
	wantTrue(t, c.Text == strings.Repeat("長", 5000), "the text is not the first 5,000 characters")
	wantEq(t, 100000, c.OriginalLength, "original length")
	wantEq(t, "m1", msgs[0].ExternalID)
}

// TestWebhookKeepsAMessageIDReusedByAnotherCustomer: LINE's message IDs
// are global. A second customer's message with the first's ID is a forgery
// or a fault upstream: it is recorded in the second customer's enquiry,
// and one warning says which channel and event, without the text. Each
// customer's redelivery is still a duplicate.
func TestWebhookKeepsAMessageIDReusedByAnotherCustomer(t *testing.T) {
	const other = "U0000000000000000000000000000beef"
	h := newDeskHook(t)
	h.post(linetest.TextEvent(hookUser, "first", linetest.WithMessageID("m1")))
	reused := linetest.NewEventID()
	h.post(linetest.TextEvent(other, "private words", linetest.WithMessageID("m1"), linetest.WithEventID(reused)))
	// LINE resends both messages in new events.
	h.post(linetest.TextEvent(other, "private words", linetest.WithMessageID("m1"), linetest.Redelivered()))
	h.post(linetest.TextEvent(hookUser, "first", linetest.WithMessageID("m1"), linetest.Redelivered()))
	h.stop()

	mine, theirs := h.customerMessages(hookUser), h.customerMessages(other)
	needEq(t, 1, len(mine), "the first customer's messages")
	wantEq(t, "first", mine[0].Content.Text)
	needEq(t, 1, len(theirs), "the second customer's messages")
	wantEq(t, "private words", theirs[0].Content.Text)
	wantEq(t, "m1", theirs[0].ExternalID)

	var warnings []map[string]any
	for line := range strings.Lines(h.logs.String()) {
		var rec map[string]any
		needNoErr(t, json.Unmarshal([]byte(line), &rec))
		if strings.Contains(rec["msg"].(string), "another customer") {
			warnings = append(warnings, rec)
		}
	}
	needEq(t, 1, len(warnings), "warnings about the reused ID")
	w := warnings[0]
	wantEq[any](t, "WARN", w["level"])
	wantEq[any](t, hookChannel, w["channel"])
	wantEq[any](t, reused, w["event"])
	wantEq[any](t, theirs[0].Enquiry, w["enquiry"])
	wantTrue(t, !strings.Contains(h.logs.String(), "private words"), "the logs hold the message's text")
}

// longNames is LINE's profile API gone wrong: a display name of a
// megabyte.
type longNames struct{ *fakeContent }

func (longNames) Profile(ctx context.Context, ch enquiry.Channel, userID string) (line.Profile, error) {
	return line.Profile{UserID: userID, DisplayName: strings.Repeat("名", 1<<20)}, nil
}

func TestWebhookCutsAnOverlongDisplayName(t *testing.T) {
	h := newHookHarness(t, func(c *line.WebhookConfig) { c.Content = longNames{&fakeContent{}} })
	h.start(t)
	res := h.post(linetest.NewWebhookRequest(hookSecret, hookURL, linetest.TextEvent(hookUser, "hi")))
	needEq(t, 200, res.StatusCode)
	h.desk.wait(t, 1)
	name := h.desk.waitLateOp(t, "name").Text
	wantEq(t, 100, media.UTF16Len(name), "units of the name passed to the desk")
	wantTrue(t, name == strings.Repeat("名", 100), "the name is not the first 100 characters")
}
