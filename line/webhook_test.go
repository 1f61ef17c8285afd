package line_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linetest"
)

func quietLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// fixture returns testdata/events/name.json.
func eventFixture(t testing.TB, name string) json.RawMessage {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "events", name+".json"))
	needNoErr(t, err)
	return b
}

func readBody(t testing.TB, r io.Reader) string {
	b, err := io.ReadAll(r)
	needNoErr(t, err)
	return string(b)
}

func TestWebhookAnswers(t *testing.T) {
	text := linetest.TextEvent(hookUser, "hello")
	body := linetest.WebhookBody(linetest.Destination, text)
	secretInBody := []byte(`{"destination":"` + hookSecret + `","events":[` + "\x00" + `]}`)
	tests := []struct {
		name     string
		request  func() *http.Request
		storeErr error
		maxBody  int64
		want     int
		recorded int
	}{
		{name: "a signed event is recorded and gets 200",
			request: func() *http.Request { return linetest.NewSignedRequest(hookSecret, hookURL, body) }, want: 200, recorded: 1},
		{name: "LINE's verification request gets 200",
			request: func() *http.Request { return linetest.NewWebhookRequest(hookSecret, hookURL) }, want: 200},
		{name: "a suspended channel's event is still recorded and gets 200",
			request: func() *http.Request { return linetest.NewSignedRequest(hookSecret, "/webhook/line/paused", body) }, want: 200, recorded: 1},
		{name: "GET is not allowed",
			request: func() *http.Request { return httptest.NewRequest(http.MethodGet, hookURL, nil) }, want: 405},
		{name: "a body over the limit is refused by its Content-Length with 413",
			request: func() *http.Request { return linetest.NewSignedRequest(hookSecret, hookURL, body) }, maxBody: 64, want: 413},
		{name: "a chunked body over the limit is refused with 413",
			request: func() *http.Request {
				r := linetest.NewSignedRequest(hookSecret, hookURL, body)
				r.ContentLength = -1
				return r
			}, maxBody: 64, want: 413},
		{name: "an oversized body to an unknown channel is 413 first",
			request: func() *http.Request { return linetest.NewSignedRequest(hookSecret, "/webhook/line/nope", body) }, maxBody: 64, want: 413},
		{name: "an unknown channel is 404",
			request: func() *http.Request { return linetest.NewSignedRequest(hookSecret, "/webhook/line/nope", body) }, want: 404},
		{name: "a missing signature is 401",
			request: func() *http.Request {
				r := linetest.NewSignedRequest(hookSecret, hookURL, body)
				r.Header.Del(line.SignatureHeader)
				return r
			}, want: 401},
		{name: "a signature made with another hookSecret is 401",
			request: func() *http.Request { return linetest.NewSignedRequest("other secret", hookURL, body) }, want: 401},
		{name: "a signature of another body is 401",
			request: func() *http.Request {
				r := linetest.NewSignedRequest(hookSecret, hookURL, body)
				r.Header.Set(line.SignatureHeader, linetest.SignBody(hookSecret, []byte("{}")))
				return r
			}, want: 401},
		{name: "a signed body that is not JSON is 400",
			request: func() *http.Request { return linetest.NewSignedRequest(hookSecret, hookURL, secretInBody) }, want: 400},
		{name: "a signed JSON array is 400",
			request: func() *http.Request { return linetest.NewSignedRequest(hookSecret, hookURL, []byte(`[]`)) }, want: 400},
		{name: "a signed empty body is 400",
			request: func() *http.Request { return linetest.NewSignedRequest(hookSecret, hookURL, nil) }, want: 400},
		{name: "events that are not an array are 400",
			request: func() *http.Request {
				return linetest.NewSignedRequest(hookSecret, hookURL, []byte(`{"destination":"U1","events":{}}`))
			}, want: 400},
		{name: "a store failure is 500 so that LINE redelivers",
			request: func() *http.Request { return linetest.NewSignedRequest(hookSecret, hookURL, body) }, storeErr: errStoreDown, want: 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			h := newHookHarness(t, func(c *line.WebhookConfig) {
				c.MaxBodyBytes = tt.maxBody
				c.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			})
			h.store.fail = tt.storeErr
			res := h.post(tt.request())
			got := readBody(t, res.Body)
			wantEq(t, tt.want, res.StatusCode, got)
			wantEq(t, tt.recorded, len(h.store.recorded()))
			// Nothing of the body or the secret is ever echoed or logged.
			for _, leak := range []string{hookSecret, "hello", "\x00"} {
				wantNotIn(t, got, leak)
				wantNotIn(t, logs.String(), leak)
			}
		})
	}
}

func TestWebhookSuspendedChannelReachesDesk(t *testing.T) {
	h := newHookHarness(t, nil)
	h.start(t)
	res := h.post(linetest.NewWebhookRequest(hookSecret, "/webhook/line/paused", linetest.TextEvent(hookUser, "are you there?")))
	needEq(t, 200, res.StatusCode)
	c := h.desk.wait(t, 1)[0]
	wantEq(t, "paused", c.Channel)
	wantEq(t, "are you there?", c.In.Content.Text)
}

func TestWebhookEventKinds(t *testing.T) {
	const user = "U4af4980629a0e4ea1c0a1b2c3d4e5f60"
	unsupported := func(kind, reasonPart string) func(*testing.T, []deskCall) {
		return func(t *testing.T, calls []deskCall) {
			needEq(t, 1, len(calls))
			c := calls[0].In.Content
			wantEq(t, enquiry.Unsupported, c.Kind)
			if c.Unsupported == nil {
				t.Fatal("c.Unsupported is nil")
			}
			wantEq(t, kind, c.Unsupported.Kind)
			wantIn(t, c.Unsupported.Reason, reasonPart)
		}
	}
	none := func(t *testing.T, calls []deskCall) { wantEq(t, 0, len(calls)) }
	tests := []struct {
		fixture string
		calls   int
		check   func(t *testing.T, calls []deskCall)
		fetches int
	}{
		{"text", 1, func(t *testing.T, calls []deskCall) {
			in := calls[0].In
			wantEq(t, "receive", calls[0].Op)
			wantEq(t, hookChannel, in.Channel)
			// Listed at once under the customer's ID: the name comes later.
			wantEq(t, enquiry.Customer{ID: user}, in.Customer)
			wantEq(t, "468789577898262530", in.ExternalID)
			wantEq(t, enquiry.Content{Kind: enquiry.Text, Text: "Hello, I need help with my order", QuoteToken: "q1"}, in.Content)
			wantTrue(t, len(in.ReplyHandle) > 0, "in.ReplyHandle is empty")
			wantTrue(t, !in.ReadOnly, "!in.ReadOnly")
			wantEq(t, int64(1700000000001), in.Time.UnixMilli())
		}, 0},
		{"text-quote", 1, func(t *testing.T, calls []deskCall) {
			// The read token, the quote token and what it quotes reach
			// the desk with the message.
			wantEq(t, enquiry.Content{Kind: enquiry.Text, Text: "As I said", QuoteToken: "q2", ReadToken: "r2",
				Quote: &enquiry.Quote{ExternalID: "468789577898262530"}}, calls[0].In.Content)
		}, 0},
		{"text-emoji", 1, func(t *testing.T, calls []deskCall) {
			wantEq(t, "$ Thanks $", calls[0].In.Content.Text)
		}, 0},
		{"image", 1, func(t *testing.T, calls []deskCall) {
			c := calls[0].In.Content
			wantEq(t, enquiry.Image, c.Kind)
			wantEq(t, enquiry.ContentPending, c.State, "recorded before the download")
			if c.Media == nil {
				t.Fatal("c.Media is nil")
			}
			wantEq(t, "", c.Media.Key)
		}, 1},
		{"image-external", 1, func(t *testing.T, calls []deskCall) {
			wantEq(t, enquiry.Image, calls[0].In.Content.Kind)
		}, 1},
		{"video", 1, func(t *testing.T, calls []deskCall) {
			c := calls[0].In.Content
			wantEq(t, enquiry.Video, c.Kind)
			wantEq(t, enquiry.ContentPending, c.State)
			wantEq(t, "1m0s", c.Media.Duration.String())
		}, 1},
		{"audio", 1, func(t *testing.T, calls []deskCall) {
			wantEq(t, enquiry.Audio, calls[0].In.Content.Kind)
		}, 1},
		{"file", 1, unsupported("file", "Files are not supported"), 0},
		{"location", 1, unsupported("location", "Locations are not supported"), 0},
		{"imagemap", 1, unsupported("imagemap", "imagemap message"), 0},
		{"template", 1, unsupported("template", "template message"), 0},
		{"flex", 1, unsupported("flex", "flex message"), 0},
		{"sticker", 1, func(t *testing.T, calls []deskCall) {
			c := calls[0].In.Content
			wantEq(t, enquiry.Sticker, c.Kind)
			wantEq(t, &enquiry.StickerRef{Package: "446", ID: "1988", Keywords: []string{"happy", "smile"}}, c.Sticker)
		}, 0},
		{"standby-text", 1, func(t *testing.T, calls []deskCall) {
			in := calls[0].In
			wantTrue(t, in.ReadOnly, "in.ReadOnly")
			wantTrue(t, len(in.ReplyHandle) == 0, "in.ReplyHandle is not empty")
			wantEq(t, "hello while another app is active", in.Content.Text)
		}, 0},
		{"redelivered-text", 1, func(t *testing.T, calls []deskCall) {
			wantEq(t, "sent again", calls[0].In.Content.Text)
		}, 0},
		{"follow", 1, func(t *testing.T, calls []deskCall) {
			wantEq(t, deskCall{Op: "notice", Channel: hookChannel, Customer: user, Text: "The customer added this account as a friend."}, calls[0])
		}, 0},
		{"follow-unblocked", 1, func(t *testing.T, calls []deskCall) {
			wantEq(t, "The customer unblocked this account.", calls[0].Text)
		}, 0},
		{"unfollow", 1, func(t *testing.T, calls []deskCall) {
			wantEq(t, "notice", calls[0].Op)
			wantIn(t, calls[0].Text, "blocked this account")
		}, 0},
		{"unsend", 1, func(t *testing.T, calls []deskCall) {
			wantEq(t, deskCall{Op: "unsend", Channel: hookChannel, Customer: user, ExternalID: "468789577898262530"}, calls[0])
		}, 0},
		{"postback", 1, func(t *testing.T, calls []deskCall) {
			wantEq(t, `The customer chose an action (postback data "action=buy&itemid=111"), date "2017-09-03".`, calls[0].Text)
		}, 0},
		{"group-text", 0, none, 0},
		{"room-text", 0, none, 0},
		{"join", 0, none, 0},
		{"beacon", 0, none, 0},
		{"video-play-complete", 0, none, 0},
		{"unknown-event", 0, none, 0},
		{"no-type", 0, none, 0},
		{"bad-message", 1, unsupported("unknown", "does not support"), 0},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			h := newHookHarness(t, nil)
			h.store.doneCh = make(chan string, 1)
			h.start(t)
			res := h.post(linetest.NewWebhookRequest(hookSecret, hookURL, eventFixture(t, tt.fixture)))
			needEq(t, 200, res.StatusCode)
			needEq(t, 1, len(h.store.recorded()), "every event is recorded, whatever its kind")
			<-h.store.doneCh // processed and marked done
			calls := h.desk.all()
			needEq(t, tt.calls, len(calls))
			tt.check(t, calls)
			if tt.fetches > 0 { // the content, fetched after the message was recorded
				a := h.desk.waitLateOp(t, "attach")
				wantEq(t, "msg-"+calls[0].ExternalID, a.Message)
				wantEq(t, "line/ch1/"+calls[0].ExternalID, a.Ref.Key)
			}
			wantEq(t, tt.fetches, h.content.fetchCount())
		})
	}
}

func TestWebhookFetchesExternalContentFromItsURL(t *testing.T) {
	h := newHookHarness(t, nil)
	h.start(t)
	h.post(linetest.NewWebhookRequest(hookSecret, hookURL, eventFixture(t, "image-external")))
	wantEq(t, "https://example.com/original.jpg", h.desk.wait(t, 1)[0].In.Content.Media.URL, "kept, to fetch again after a restart")
	h.desk.waitLateOp(t, "attach")
	needEq(t, 1, h.content.fetchCount())
	wantEq(t, line.ContentSource{MessageID: "354718705033693860", Kind: "image",
		ExternalURL: "https://example.com/original.jpg", PreviewURL: "https://example.com/preview.jpg"}, h.content.fetches[0])
}

func TestWebhookWithoutContentFetcherRecordsMediaAsUnsupported(t *testing.T) {
	h := newHookHarness(t, func(c *line.WebhookConfig) { c.Content = nil })
	h.start(t)
	h.post(linetest.NewWebhookRequest(hookSecret, hookURL, linetest.ImageEvent(hookUser), linetest.TextEvent(hookUser, "hi")))
	calls := h.desk.wait(t, 2)
	c := calls[0].In.Content
	wantEq(t, enquiry.Unsupported, c.Kind)
	wantEq(t, "image", c.Unsupported.Kind)
	wantIn(t, c.Unsupported.Reason, "not configured")
	wantTrue(t, len(calls[1].In.Customer.Name) == 0, "no name without a profile source")
}

func TestWebhookAcceptsLINESamples(t *testing.T) {
	var sample struct{ Events []json.RawMessage }
	b, err := os.ReadFile(filepath.Join("testdata", "sdk-sample-events.json"))
	needNoErr(t, err)
	needNoErr(t, json.Unmarshal(b, &sample))
	needEq(t, 32, len(sample.Events))

	t.Run("each alone", func(t *testing.T) {
		for i, ev := range sample.Events {
			h := newHookHarness(t, nil)
			h.store.doneCh = make(chan string, 1)
			h.start(t)
			res := h.post(linetest.NewWebhookRequest(hookSecret, hookURL, ev))
			needEq(t, 200, res.StatusCode, "event %d", i)
			<-h.store.doneCh
		}
	})
	t.Run("as one batch", func(t *testing.T) {
		h := newHookHarness(t, nil)
		h.store.doneCh = make(chan string, 32)
		h.start(t)
		res := h.post(linetest.NewSignedRequest(hookSecret, hookURL, b))
		needEq(t, 200, res.StatusCode)
		// All 32 share one webhookEventId but differ: all are kept.
		needEq(t, 32, len(h.store.recorded()))
		for range 32 {
			<-h.store.doneCh
		}
		wantEq(t, 0, h.store.pending())
	})
}

func TestWebhookDropsRedelivery(t *testing.T) {
	h := newHookHarness(t, nil)
	h.store.doneCh = make(chan string, 10)
	h.start(t)
	first := linetest.TextEvent(hookUser, "once", linetest.WithEventID("01HREDELIVERY0000000000001"))
	again := linetest.TextEvent(hookUser, "once", linetest.WithEventID("01HREDELIVERY0000000000001"), linetest.Redelivered())
	for _, ev := range []json.RawMessage{first, again, again} {
		res := h.post(linetest.NewWebhookRequest(hookSecret, hookURL, ev))
		needEq(t, 200, res.StatusCode)
	}
	<-h.store.doneCh
	wantEq(t, 1, len(h.store.recorded()))
	h.desk.wait(t, 1)
	// A later, new event is processed after the redeliveries: the
	// redelivered one was not queued again.
	h.post(linetest.NewWebhookRequest(hookSecret, hookURL, linetest.TextEvent(hookUser, "next")))
	wantEq(t, "next", h.desk.wait(t, 1)[0].In.Content.Text)
	wantEq(t, 2, len(h.desk.all()))
}

func TestWebhookBatchMixingGoodUnknownAndBrokenEvents(t *testing.T) {
	h := newHookHarness(t, nil)
	h.store.doneCh = make(chan string, 10)
	h.start(t)
	body := fmt.Appendf(nil, `{"destination":%q,"events":[%s,{"type":"brandNew","webhookEventId":"X1"},%s,{"type":7},42,%s]}`,
		linetest.Destination, linetest.TextEvent(hookUser, "first"), eventFixture(t, "no-type"), linetest.TextEvent(hookUser, "last"))
	res := h.post(linetest.NewSignedRequest(hookSecret, hookURL, body))
	needEq(t, 200, res.StatusCode)
	wantEq(t, 6, len(h.store.recorded()), "every event is recorded, understood or not")
	calls := h.desk.wait(t, 2)
	wantEq(t, "first", calls[0].In.Content.Text)
	wantEq(t, "last", calls[1].In.Content.Text)
	for range 6 {
		<-h.store.doneCh
	}
	wantEq(t, 2, len(h.desk.all()))
}

func TestWebhookLogsNeitherSecretsNorText(t *testing.T) {
	var logs bytes.Buffer
	h := newHookHarness(t, func(c *line.WebhookConfig) {
		c.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	h.store.doneCh = make(chan string, 10)
	h.start(t)
	h.post(linetest.NewWebhookRequest(hookSecret, hookURL,
		linetest.TextEvent(hookUser, "my card number", linetest.InGroup("Cgroup")), eventFixture(t, "no-type"), eventFixture(t, "beacon")))
	for range 3 {
		<-h.store.doneCh
	}
	wantTrue(t, len(logs.String()) > 0, "logs.String() is empty")
	wantNotIn(t, logs.String(), "my card number")
	wantNotIn(t, logs.String(), hookSecret)
	wantTrue(t, strings.Contains(logs.String(), `"channel":"ch1"`), "logs say which channel")
}

func TestNewWebhookNeedsItsParts(t *testing.T) {
	defer func() {
		r := recover()
		wantTrue(t, r != nil && strings.Contains(fmt.Sprint(r), "Channels, Events and Desk"), "a clear panic: ", r)
	}()
	line.NewWebhook(line.WebhookConfig{Events: newMemEvents(), Desk: newFakeDesk()})
}

func TestWebhookAnswersBeforeAnySlowWork(t *testing.T) {
	release := make(chan struct{})
	h := newHookHarness(t, nil)
	h.desk.hook = func(deskCall) error { <-release; return nil }
	h.content.result = func(line.ContentSource, int) (enquiry.MediaRef, error) { <-release; return enquiry.MediaRef{}, nil }
	h.start(t)
	defer close(release)
	answered := make(chan int)
	go func() {
		res := h.post(linetest.NewWebhookRequest(hookSecret, hookURL, linetest.ImageEvent(hookUser), linetest.TextEvent(hookUser, "hi")))
		answered <- res.StatusCode
	}()
	select {
	case code := <-answered:
		wantEq(t, 200, code)
	case <-time.After(10 * time.Second):
		t.Fatal("the webhook waited for the download or the desk before answering")
	}
}
