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

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linetest"
)

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// fixture returns testdata/events/name.json.
func fixture(t testing.TB, name string) json.RawMessage {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "events", name+".json"))
	noErr(t, err)
	return b
}

func readAll(t testing.TB, r io.Reader) string {
	b, err := io.ReadAll(r)
	noErr(t, err)
	return string(b)
}

func TestWebhookAnswers(t *testing.T) {
	text := linetest.TextEvent(userA, "hello")
	body := linetest.WebhookBody(linetest.Destination, text)
	secretInBody := []byte(`{"destination":"` + secret + `","events":[` + "\x00" + `]}`)
	tests := []struct {
		name     string
		request  func() *http.Request
		storeErr error
		maxBody  int64
		want     int
		recorded int
	}{
		{name: "a signed event is recorded and gets 200",
			request: func() *http.Request { return linetest.NewSignedRequest(secret, hookURL, body) }, want: 200, recorded: 1},
		{name: "LINE's verification request gets 200",
			request: func() *http.Request { return linetest.NewWebhookRequest(secret, hookURL) }, want: 200},
		{name: "a suspended channel's event is still recorded and gets 200",
			request: func() *http.Request { return linetest.NewSignedRequest(secret, "/webhook/line/paused", body) }, want: 200, recorded: 1},
		{name: "GET is not allowed",
			request: func() *http.Request { return httptest.NewRequest(http.MethodGet, hookURL, nil) }, want: 405},
		{name: "a body over the limit is refused by its Content-Length with 413",
			request: func() *http.Request { return linetest.NewSignedRequest(secret, hookURL, body) }, maxBody: 64, want: 413},
		{name: "a chunked body over the limit is refused with 413",
			request: func() *http.Request {
				r := linetest.NewSignedRequest(secret, hookURL, body)
				r.ContentLength = -1
				return r
			}, maxBody: 64, want: 413},
		{name: "an oversized body to an unknown channel is 413 first",
			request: func() *http.Request { return linetest.NewSignedRequest(secret, "/webhook/line/nope", body) }, maxBody: 64, want: 413},
		{name: "an unknown channel is 404",
			request: func() *http.Request { return linetest.NewSignedRequest(secret, "/webhook/line/nope", body) }, want: 404},
		{name: "a missing signature is 401",
			request: func() *http.Request {
				r := linetest.NewSignedRequest(secret, hookURL, body)
				r.Header.Del(line.SignatureHeader)
				return r
			}, want: 401},
		{name: "a signature made with another secret is 401",
			request: func() *http.Request { return linetest.NewSignedRequest("other secret", hookURL, body) }, want: 401},
		{name: "a signature of another body is 401",
			request: func() *http.Request {
				r := linetest.NewSignedRequest(secret, hookURL, body)
				r.Header.Set(line.SignatureHeader, linetest.SignBody(secret, []byte("{}")))
				return r
			}, want: 401},
		{name: "a signed body that is not JSON is 400",
			request: func() *http.Request { return linetest.NewSignedRequest(secret, hookURL, secretInBody) }, want: 400},
		{name: "a signed JSON array is 400",
			request: func() *http.Request { return linetest.NewSignedRequest(secret, hookURL, []byte(`[]`)) }, want: 400},
		{name: "a signed empty body is 400",
			request: func() *http.Request { return linetest.NewSignedRequest(secret, hookURL, nil) }, want: 400},
		{name: "events that are not an array are 400",
			request: func() *http.Request {
				return linetest.NewSignedRequest(secret, hookURL, []byte(`{"destination":"U1","events":{}}`))
			}, want: 400},
		{name: "a store failure is 500 so that LINE redelivers",
			request: func() *http.Request { return linetest.NewSignedRequest(secret, hookURL, body) }, storeErr: errStoreDown, want: 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			h := newHarness(t, func(c *line.WebhookConfig) {
				c.MaxBodyBytes = tt.maxBody
				c.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			})
			h.store.fail = tt.storeErr
			res := h.post(tt.request())
			got := readAll(t, res.Body)
			eq(t, tt.want, res.StatusCode, got)
			eq(t, tt.recorded, len(h.store.recorded()))
			// Nothing of the body or the secret is ever echoed or logged.
			for _, leak := range []string{secret, "hello", "\x00"} {
				notContains(t, got, leak)
				notContains(t, logs.String(), leak)
			}
		})
	}
}

func TestWebhookSuspendedChannelReachesDesk(t *testing.T) {
	h := newHarness(t, nil)
	h.start(t)
	res := h.post(linetest.NewWebhookRequest(secret, "/webhook/line/paused", linetest.TextEvent(userA, "are you there?")))
	mustEq(t, 200, res.StatusCode)
	c := h.desk.wait(t, 1)[0]
	eq(t, "paused", c.Channel)
	eq(t, "are you there?", c.In.Content.Text)
}

func TestWebhookEventKinds(t *testing.T) {
	const user = "U4af4980629a0e4ea1c0a1b2c3d4e5f60"
	unsupported := func(kind, reasonPart string) func(*testing.T, []call) {
		return func(t *testing.T, calls []call) {
			mustEq(t, 1, len(calls))
			c := calls[0].In.Content
			eq(t, enquiry.Unsupported, c.Kind)
			if c.Unsupported == nil {
				t.Fatal("c.Unsupported is nil")
			}
			eq(t, kind, c.Unsupported.Kind)
			contains(t, c.Unsupported.Reason, reasonPart)
		}
	}
	none := func(t *testing.T, calls []call) { eq(t, 0, len(calls)) }
	tests := []struct {
		fixture string
		calls   int
		check   func(t *testing.T, calls []call)
		fetches int
	}{
		{"text", 1, func(t *testing.T, calls []call) {
			in := calls[0].In
			eq(t, "receive", calls[0].Op)
			eq(t, chanID, in.Channel)
			eq(t, enquiry.Customer{ID: user, Name: "Name of U4af4"}, in.Customer)
			eq(t, "468789577898262530", in.ExternalID)
			eq(t, enquiry.Content{Kind: enquiry.Text, Text: "Hello, I need help with my order"}, in.Content)
			check(t, len(in.ReplyToken) > 0, "in.ReplyToken is empty")
			check(t, !in.Standby, "!in.Standby")
			eq(t, int64(1700000000001), in.Time.UnixMilli())
		}, 0},
		{"text-emoji", 1, func(t *testing.T, calls []call) {
			eq(t, "$ Thanks $", calls[0].In.Content.Text)
		}, 0},
		{"image", 1, func(t *testing.T, calls []call) {
			c := calls[0].In.Content
			eq(t, enquiry.Image, c.Kind)
			if c.Media == nil {
				t.Fatal("c.Media is nil")
			}
			eq(t, "line/ch1/354718705033693859", c.Media.Key)
		}, 1},
		{"image-external", 1, func(t *testing.T, calls []call) {
			eq(t, enquiry.Image, calls[0].In.Content.Kind)
		}, 1},
		{"video", 1, func(t *testing.T, calls []call) {
			c := calls[0].In.Content
			eq(t, enquiry.Video, c.Kind)
			eq(t, "1m0s", c.Media.Duration.String())
		}, 1},
		{"audio", 1, func(t *testing.T, calls []call) {
			eq(t, enquiry.Audio, calls[0].In.Content.Kind)
		}, 1},
		{"file", 1, unsupported("file", "Files are not supported"), 0},
		{"location", 1, unsupported("location", "Locations are not supported"), 0},
		{"imagemap", 1, unsupported("imagemap", "imagemap message"), 0},
		{"template", 1, unsupported("template", "template message"), 0},
		{"flex", 1, unsupported("flex", "flex message"), 0},
		{"sticker", 1, func(t *testing.T, calls []call) {
			c := calls[0].In.Content
			eq(t, enquiry.Sticker, c.Kind)
			eq(t, &enquiry.StickerRef{Package: "446", ID: "1988", Keywords: []string{"happy", "smile"}}, c.Sticker)
		}, 0},
		{"standby-text", 1, func(t *testing.T, calls []call) {
			in := calls[0].In
			check(t, in.Standby, "in.Standby")
			check(t, len(in.ReplyToken) == 0, "in.ReplyToken is not empty")
			eq(t, "hello while another app is active", in.Content.Text)
		}, 0},
		{"redelivered-text", 1, func(t *testing.T, calls []call) {
			eq(t, "sent again", calls[0].In.Content.Text)
		}, 0},
		{"follow", 1, func(t *testing.T, calls []call) {
			eq(t, call{Op: "notice", Channel: chanID, Customer: user, Text: "The customer added this account as a friend."}, calls[0])
		}, 0},
		{"follow-unblocked", 1, func(t *testing.T, calls []call) {
			eq(t, "The customer unblocked this account.", calls[0].Text)
		}, 0},
		{"unfollow", 1, func(t *testing.T, calls []call) {
			eq(t, "notice", calls[0].Op)
			contains(t, calls[0].Text, "blocked this account")
		}, 0},
		{"unsend", 1, func(t *testing.T, calls []call) {
			eq(t, call{Op: "unsend", Channel: chanID, ExternalID: "468789577898262530"}, calls[0])
		}, 0},
		{"postback", 1, func(t *testing.T, calls []call) {
			eq(t, `The customer chose an action (postback data "action=buy&itemid=111"), date "2017-09-03".`, calls[0].Text)
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
			h := newHarness(t, nil)
			h.store.doneCh = make(chan string, 1)
			h.start(t)
			res := h.post(linetest.NewWebhookRequest(secret, hookURL, fixture(t, tt.fixture)))
			mustEq(t, 200, res.StatusCode)
			mustEq(t, 1, len(h.store.recorded()), "every event is recorded, whatever its kind")
			<-h.store.doneCh // processed and marked done
			calls := h.desk.all()
			mustEq(t, tt.calls, len(calls))
			tt.check(t, calls)
			eq(t, tt.fetches, len(h.content.fetches))
		})
	}
}

func TestWebhookFetchesExternalContentFromItsURL(t *testing.T) {
	h := newHarness(t, nil)
	h.start(t)
	h.post(linetest.NewWebhookRequest(secret, hookURL, fixture(t, "image-external")))
	h.desk.wait(t, 1)
	mustEq(t, 1, len(h.content.fetches))
	eq(t, line.ContentSource{MessageID: "354718705033693860", Kind: "image",
		ExternalURL: "https://example.com/original.jpg", PreviewURL: "https://example.com/preview.jpg"}, h.content.fetches[0])
}

func TestWebhookWithoutContentFetcherRecordsMediaAsUnsupported(t *testing.T) {
	h := newHarness(t, func(c *line.WebhookConfig) { c.Content = nil })
	h.start(t)
	h.post(linetest.NewWebhookRequest(secret, hookURL, linetest.ImageEvent(userA), linetest.TextEvent(userA, "hi")))
	calls := h.desk.wait(t, 2)
	c := calls[0].In.Content
	eq(t, enquiry.Unsupported, c.Kind)
	eq(t, "image", c.Unsupported.Kind)
	contains(t, c.Unsupported.Reason, "not configured")
	check(t, len(calls[1].In.Customer.Name) == 0, "no name without a profile source")
}

func TestWebhookAcceptsLINESamples(t *testing.T) {
	var sample struct{ Events []json.RawMessage }
	b, err := os.ReadFile(filepath.Join("testdata", "sdk-sample-events.json"))
	noErr(t, err)
	noErr(t, json.Unmarshal(b, &sample))
	mustEq(t, 32, len(sample.Events))

	t.Run("each alone", func(t *testing.T) {
		for i, ev := range sample.Events {
			h := newHarness(t, nil)
			h.store.doneCh = make(chan string, 1)
			h.start(t)
			res := h.post(linetest.NewWebhookRequest(secret, hookURL, ev))
			mustEq(t, 200, res.StatusCode, "event %d", i)
			<-h.store.doneCh
		}
	})
	t.Run("as one batch", func(t *testing.T) {
		h := newHarness(t, nil)
		h.store.doneCh = make(chan string, 32)
		h.start(t)
		res := h.post(linetest.NewSignedRequest(secret, hookURL, b))
		mustEq(t, 200, res.StatusCode)
		// All 32 share one webhookEventId but differ: all are kept.
		mustEq(t, 32, len(h.store.recorded()))
		for range 32 {
			<-h.store.doneCh
		}
		eq(t, 0, h.store.pending())
	})
}

func TestWebhookDropsRedelivery(t *testing.T) {
	h := newHarness(t, nil)
	h.store.doneCh = make(chan string, 10)
	h.start(t)
	first := linetest.TextEvent(userA, "once", linetest.WithEventID("01HREDELIVERY0000000000001"))
	again := linetest.TextEvent(userA, "once", linetest.WithEventID("01HREDELIVERY0000000000001"), linetest.Redelivered())
	for _, ev := range []json.RawMessage{first, again, again} {
		res := h.post(linetest.NewWebhookRequest(secret, hookURL, ev))
		mustEq(t, 200, res.StatusCode)
	}
	<-h.store.doneCh
	eq(t, 1, len(h.store.recorded()))
	h.desk.wait(t, 1)
	// A later, new event is processed after the redeliveries: the
	// redelivered one was not queued again.
	h.post(linetest.NewWebhookRequest(secret, hookURL, linetest.TextEvent(userA, "next")))
	eq(t, "next", h.desk.wait(t, 1)[0].In.Content.Text)
	eq(t, 2, len(h.desk.all()))
}

func TestWebhookBatchMixingGoodUnknownAndBrokenEvents(t *testing.T) {
	h := newHarness(t, nil)
	h.store.doneCh = make(chan string, 10)
	h.start(t)
	body := fmt.Appendf(nil, `{"destination":%q,"events":[%s,{"type":"brandNew","webhookEventId":"X1"},%s,{"type":7},42,%s]}`,
		linetest.Destination, linetest.TextEvent(userA, "first"), fixture(t, "no-type"), linetest.TextEvent(userA, "last"))
	res := h.post(linetest.NewSignedRequest(secret, hookURL, body))
	mustEq(t, 200, res.StatusCode)
	eq(t, 6, len(h.store.recorded()), "every event is recorded, understood or not")
	calls := h.desk.wait(t, 2)
	eq(t, "first", calls[0].In.Content.Text)
	eq(t, "last", calls[1].In.Content.Text)
	for range 6 {
		<-h.store.doneCh
	}
	eq(t, 2, len(h.desk.all()))
}

func TestWebhookLogsNeitherSecretsNorText(t *testing.T) {
	var logs bytes.Buffer
	h := newHarness(t, func(c *line.WebhookConfig) {
		c.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	h.store.doneCh = make(chan string, 10)
	h.start(t)
	h.post(linetest.NewWebhookRequest(secret, hookURL,
		linetest.TextEvent(userA, "my card number", linetest.InGroup("Cgroup")), fixture(t, "no-type"), fixture(t, "beacon")))
	for range 3 {
		<-h.store.doneCh
	}
	check(t, len(logs.String()) > 0, "logs.String() is empty")
	notContains(t, logs.String(), "my card number")
	notContains(t, logs.String(), secret)
	check(t, strings.Contains(logs.String(), `"channel":"ch1"`), "logs say which channel")
}
