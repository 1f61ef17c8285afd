package line_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"

	"github.com/socialdesk/socialdesk/line"
)

// sdkMessage is what the LINE SDK's UnmarshalEvent makes of a message
// event's "message" (nil, false when it cannot decode the event or the
// event is not a message).
func sdkMessage(raw json.RawMessage) (webhook.MessageContentInterface, bool) {
	ev, err := webhook.UnmarshalEvent(raw)
	if err != nil {
		return nil, false
	}
	m, ok := ev.(webhook.MessageEvent)
	if !ok || m.Message == nil {
		return nil, false
	}
	return m.Message, true
}

// messagePart returns a message event's "message" as it stands.
func messagePart(t testing.TB, raw json.RawMessage) json.RawMessage {
	var ev struct {
		Type    string          `json:"type"`
		Message json.RawMessage `json:"message"`
	}
	if json.Unmarshal(raw, &ev) != nil || ev.Type != "message" {
		return nil
	}
	return ev.Message
}

// The workers decode messages themselves (one pass, no map) into the SDK's
// types: for every message in the fixtures and in the SDK's own samples
// they must get exactly what the SDK gets.
func TestMessageContentDecodesAsTheSDKDoes(t *testing.T) {
	var events []json.RawMessage
	files, _ := filepath.Glob(filepath.Join("testdata", "events", "*.json"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		needNoErr(t, err)
		events = append(events, b)
	}
	b, err := os.ReadFile(filepath.Join("testdata", "sdk-sample-events.json"))
	needNoErr(t, err)
	var batch struct{ Events []json.RawMessage }
	needNoErr(t, json.Unmarshal(b, &batch))
	events = append(events, batch.Events...)

	messages := 0
	for _, raw := range events {
		part := messagePart(t, raw)
		if part == nil {
			continue
		}
		messages++
		want, sdkOK := sdkMessage(raw)
		got, err := line.MessageContent(part)
		if !sdkOK {
			wantTrue(t, err != nil, "the SDK cannot decode ", string(part), " but the workers can")
			continue
		}
		needNoErr(t, err)
		wantEq(t, want, got, string(part))
	}
	wantTrue(t, messages >= 20, "too few messages compared: ", messages)
}

// FuzzMessageContent compares the workers' decoding of a message with the
// SDK's: the same value, or both refuse it.
func FuzzMessageContent(f *testing.F) {
	f.Add([]byte(`{"id":"1","type":"text","text":"hi","emojis":[{"index":0,"length":6,"productId":"p","emojiId":"e"}],"mention":{"mentionees":[{"index":0,"length":4,"type":"user","userId":"U1"}]}}`))
	f.Add([]byte(`{"id":"2","type":"image","contentProvider":{"type":"external","originalContentUrl":"https://x/a.jpg"},"imageSet":{"id":"s","index":1,"total":2}}`))
	f.Add([]byte(`{"id":"3","type":"video","duration":1000,"contentProvider":{"type":"line"}}`))
	f.Add([]byte(`{"id":"4","type":"sticker","packageId":"1","stickerId":"2","stickerResourceType":"STATIC","keywords":["a"]}`))
	f.Add([]byte(`{"id":"5","type":"flex","altText":"x"}`))
	f.Add([]byte(`{"id":6,"type":"text","text":1}`))
	f.Add([]byte(`{"type":null}`))
	f.Fuzz(func(t *testing.T, part []byte) {
		if !json.Valid(part) {
			return // intake refuses the whole body
		}
		// Spliced, not marshalled: json.Marshal would rewrite the part.
		raw := append([]byte(`{"type":"message","source":{"type":"user","userId":"U1"},"message":`), part...)
		raw = append(raw, '}')
		want, sdkOK := sdkMessage(raw)
		got, err := line.MessageContent(part)
		switch {
		case sdkOK && err == nil:
			if !reflect.DeepEqual(want, got) {
				t.Fatalf("SDK %#v\nours %#v", want, got)
			}
		case sdkOK:
			t.Fatalf("the SDK decodes %s as %#v; ours fails: %v", part, want, err)
		case err == nil:
			t.Fatalf("the SDK cannot decode %s; ours gives %#v", part, got)
		}
	})
}
