package line_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linetest"
)

// fastBodies are webhook bodies of every kind linetest makes, one event
// each and all together, and the SDK's sample.
func fastBodies(t testing.TB) [][]byte {
	events := []json.RawMessage{
		linetest.TextEvent(hookUser, "Hello"),
		linetest.TextEvent(hookUser, "Line\nbreak, \"quotes\", \\ and \u00e9\u3053\u3093\u306b\u3061\u306f \U0001F600"),
		linetest.TextEvent(hookUser, "quoting", linetest.Quoting("123")),
		linetest.ImageEvent(hookUser),
		linetest.VideoEvent(hookUser, time.Second),
		linetest.AudioEvent(hookUser, time.Second),
		linetest.FileEvent(hookUser, "a.pdf", 10),
		linetest.StickerEvent(hookUser, "1", "2", []string{"hi"}),
		linetest.FollowEvent(hookUser, false),
		linetest.UnfollowEvent(hookUser),
	}
	var bodies [][]byte
	for _, e := range events {
		bodies = append(bodies, linetest.WebhookBody(linetest.Destination, e))
	}
	bodies = append(bodies, linetest.WebhookBody(linetest.Destination, events...))
	raw, err := os.ReadFile(filepath.Join("testdata", "sdk-sample-events.json"))
	if err != nil {
		t.Fatal(err)
	}
	return append(bodies, raw)
}

func TestFastPathReadsTheUsualTextMessage(t *testing.T) {
	body := linetest.WebhookBody(linetest.Destination, linetest.TextEvent(hookUser, "Hello, I would like to change my address"))
	b, ok := line.ParseFast(body)
	wantTrue(t, ok, "the fast path gave up on an ordinary body")
	want, err := line.ParseSlow(body)
	needNoErr(t, err)
	wantEq(t, want, b, "fast and encoding/json paths")
	ev, m, token, ok := line.ReadText(b.Events[0].Raw)
	wantTrue(t, ok, "the workers' fast path gave up on an ordinary text message")
	wev, wm, wtoken, err := line.ReadSlow(b.Events[0].Raw)
	needNoErr(t, err)
	wantEq(t, wev, ev, "event header")
	wantEq(t, wm, m, "message")
	wantEq(t, wtoken, token, "read token")
	wantTrue(t, token != "", "no read token read")
}

func TestFastPathAgreesWithEncodingJSONOnEveryKindOfEvent(t *testing.T) {
	for _, body := range fastBodies(t) {
		want, err := line.ParseSlow(body)
		needNoErr(t, err)
		if got, ok := line.ParseFast(body); ok {
			wantEq(t, want, got, string(body))
		}
		for _, e := range want.Events {
			if ev, m, token, ok := line.ReadText(e.Raw); ok {
				wev, wm, wtoken, err := line.ReadSlow(e.Raw)
				needNoErr(t, err)
				wantEq(t, wev, ev, string(e.Raw))
				wantEq(t, wm, m, string(e.Raw))
				wantEq(t, wtoken, token, string(e.Raw))
			}
		}
	}
}

func TestFastPathGivesUpWhereEncodingJSONReadsOtherwise(t *testing.T) {
	const user = `"source":{"type":"user","userId":"U1"}`
	for name, body := range map[string]string{
		"a key that differs only in case":     `{"destination":"U1","events":[{"Type":"message",` + user + `}]}`,
		"a key in another case in the source": `{"events":[{"type":"message","source":{"type":"user","USERID":"U1"}}]}`,
		"a repeated key":                      `{"events":[{"type":"message","type":"follow",` + user + `}]}`,
		"a repeated source":                   `{"events":[{"type":"message",` + user + `,"source":{"userId":"U2"}}]}`,
		"null for a string":                   `{"destination":null,"events":[]}`,
		"a number for a string":               `{"events":[{"type":7}]}`,
		"a fraction for the timestamp":        `{"events":[{"type":"message","timestamp":1.5}]}`,
		"an escaped key":                      `{"events":[{"typ\u0065":"message"}]}`,
		"a key beyond ASCII":                  `{"events":[{"ſource":{"type":"user"}}]}`,
		"an event that is not an object":      `{"events":["x"]}`,
		"null events":                         `{"events":null}`,
		"invalid JSON":                        `{"events":[{"type":"message",}]}`,
		"deep nesting":                        `{"events":[{"x":` + deep(70) + `}]}`,
		"bytes after the body":                `{"events":[]} x`,
	} {
		t.Run(name, func(t *testing.T) {
			_, ok := line.ParseFast([]byte(body))
			wantTrue(t, !ok, "the fast path read ", body)
		})
	}
	for name, msg := range map[string]string{
		"emojis":                    `{"type":"text","id":"1","text":"hi","emojis":[]}`,
		"a mention":                 `{"type":"text","id":"1","text":"hi","mention":{"mentionees":[]}}`,
		"a sticker":                 `{"type":"sticker","id":"1","packageId":"1","stickerId":"2"}`,
		"no type":                   `{"id":"1","text":"hi"}`,
		"a number for the text":     `{"type":"text","id":"1","text":5}`,
		"a key in another case":     `{"type":"text","id":"1","Text":"hi"}`,
		"a read token of null":      `{"type":"text","id":"1","text":"hi","markAsReadToken":null}`,
		"a message that is a array": `[]`,
	} {
		t.Run(name, func(t *testing.T) {
			raw := `{"type":"message","webhookEventId":"E1",` + user + `,"message":` + msg + `}`
			_, _, _, ok := line.ReadText([]byte(raw))
			wantTrue(t, !ok, "the workers' fast path read ", raw)
		})
	}
}

func deep(n int) string {
	s := "1"
	for range n {
		s = "[" + s + "]"
	}
	return s
}

// FuzzParseEventsFast checks that wherever the fast path reads a body,
// encoding/json reads it the same.
func FuzzParseEventsFast(f *testing.F) {
	for _, body := range fastBodies(f) {
		f.Add(body)
	}
	f.Add([]byte(`{"destination":"U\u0031","events":[{"type":"message","timestamp":-0,"deliveryContext":{"isRedelivery":true}}]}`))
	f.Add([]byte("{\"events\":[{\"type\":\"m\xffessage\",\"replyToken\":\"\\ud800\"}]}"))
	f.Fuzz(func(t *testing.T, body []byte) {
		got, ok := line.ParseFast(body)
		if !ok {
			return
		}
		want, err := line.ParseSlow(body)
		if err != nil {
			t.Fatalf("the fast path reads %q; encoding/json fails: %v", body, err)
		}
		if !reflect.DeepEqual(want, got) {
			t.Fatalf("%q:\nencoding/json %#v\nfast path     %#v", body, want, got)
		}
	})
}

// FuzzReadTextFast checks that wherever the workers' fast path reads a
// recorded event, encoding/json reads it the same.
func FuzzReadTextFast(f *testing.F) {
	for _, body := range fastBodies(f) {
		b, err := line.ParseSlow(body)
		if err != nil {
			f.Fatal(err)
		}
		for _, e := range b.Events {
			f.Add([]byte(e.Raw))
		}
	}
	f.Add([]byte(`{"type":"message","message":{"type":"text","id":"1","text":"\u00e9\n","quoteToken":"q","quotedMessageId":"2","markAsReadToken":"r","x":[1,{"y":null}]}}`))
	f.Add([]byte("{\"type\":\"message\",\"message\":{\"type\":\"text\",\"text\":\"\xc3\x28\"}}"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		ev, m, token, ok := line.ReadText(raw)
		if !ok {
			return
		}
		wev, wm, wtoken, err := line.ReadSlow(raw)
		if err != nil {
			t.Fatalf("the fast path reads %q; encoding/json fails: %v", raw, err)
		}
		if !reflect.DeepEqual(wev, ev) || !reflect.DeepEqual(wm, m) || wtoken != token {
			t.Fatalf("%q:\nencoding/json %#v %#v %q\nfast path     %#v %#v %q", raw, wev, wm, wtoken, ev, m, token)
		}
	})
}
