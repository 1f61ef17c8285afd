package line_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linetest"
)

func TestParseEvents(t *testing.T) {
	b, err := line.ParseEvents(linetest.WebhookBody(linetest.Destination,
		eventFixture(t, "text"), eventFixture(t, "standby-text"), eventFixture(t, "group-text"), eventFixture(t, "room-text"), eventFixture(t, "redelivered-text")))
	needNoErr(t, err)
	wantEq(t, linetest.Destination, b.Destination)
	needEq(t, 5, len(b.Events))
	text := b.Events[0]
	wantEq(t, "message", text.Type)
	wantEq(t, "01HZZZZZZZZZZZZZZZZZZZZ001", text.ID)
	wantEq(t, time.UnixMilli(1700000000001), text.Time)
	wantEq(t, line.ModeActive, text.Mode)
	wantEq(t, line.EventSource{Type: line.SourceUser, UserID: hookUser}, text.Source)
	wantEq(t, "U4af4980629a0e4ea1c0a1b2c3d4e5f60", text.Key())
	wantTrue(t, text.ReplyToken != "", "reply token kept")
	wantTrue(t, json.Valid(text.Raw) && strings.Contains(string(text.Raw), "help with my order"), "raw JSON kept")

	wantTrue(t, b.Events[1].Standby(), "standby")
	wantEq(t, "", b.Events[1].ReplyToken)
	wantEq(t, "group:Ca56f94637c0c0e0c0b0a0908070605", b.Events[2].Key())
	wantEq(t, "room:Ra8dbf4673c4c812cd491258042226c99", b.Events[3].Key())
	wantTrue(t, b.Events[4].Redelivery, "redelivery flag")
}

func TestParseEventsKeepsWhatItDoesNotUnderstand(t *testing.T) {
	body := `{"destination":"U1","events":[{"type":"brandNew","webhookEventId":"A","x":{"y":[1,2]}},` +
		`{"webhookEventId":"B","message":{"type":"text"}},{"type":7,"webhookEventId":"C"},"just a string",null,` +
		`{"type":"message","message":{"type":"hologram","id":"9"}}]}`
	b, err := line.ParseEvents([]byte(body))
	needNoErr(t, err)
	needEq(t, 6, len(b.Events))
	want := []struct{ typ, id string }{{"brandNew", "A"}, {"", "B"}, {"", "C"}, {"", ""}, {"", ""}, {"message", ""}}
	for i, w := range want {
		wantEq(t, w.typ, b.Events[i].Type, "type of event ", i)
		if w.id != "" {
			wantEq(t, w.id, b.Events[i].ID, "ID of event ", i)
		} else {
			wantTrue(t, strings.HasPrefix(b.Events[i].ID, "sha256:"), "derived ID for event ", i, ": ", b.Events[i].ID)
		}
		wantTrue(t, json.Valid(b.Events[i].Raw), "raw kept")
	}
	wantTrue(t, b.Events[3].ID != b.Events[4].ID, "different content, different derived IDs")
}

func TestParseEventsVerification(t *testing.T) {
	for _, body := range []string{`{"destination":"U1","events":[]}`, `{"destination":"U1"}`, ` {}`} {
		b, err := line.ParseEvents([]byte(body))
		needNoErr(t, err)
		wantEq(t, 0, len(b.Events), body)
	}
}

func TestParseEventsSeparatesRepeatedIDs(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "sdk-sample-events.json"))
	needNoErr(t, err)
	b, err := line.ParseEvents(raw)
	needNoErr(t, err)
	needEq(t, 32, len(b.Events))
	ids := map[string]bool{}
	for _, e := range b.Events {
		wantTrue(t, !ids[e.ID], "unique ID ", e.ID)
		ids[e.ID] = true
	}
	wantEq(t, "01FZ74ASS536FW97EX38NKCZQK", b.Events[0].ID)
	wantEq(t, "01FZ74ASS536FW97EX38NKCZQK#1", b.Events[1].ID)

	// The same event twice in one batch is one event.
	ev := linetest.TextEvent(hookUser, "twice")
	b, err = line.ParseEvents(linetest.WebhookBody("U1", ev, ev))
	needNoErr(t, err)
	wantEq(t, b.Events[0].ID, b.Events[1].ID)
}

func TestParseEventsRefusesWhatIsNotAWebhookBody(t *testing.T) {
	for _, body := range []string{
		``, `   `, `null`, `[]`, `"events"`, `42`, `{`, `{"events":[}`, `{"events":{}}`, `{"events":"x"}`,
		`{"destination":1,"events":[]}`, `{"events":[]} trailing`, "{\"events\":[\"s3cr3t-payload\x00\"]}",
		`{"events":[{"type":"message","text":"s3cr3t-payload"`,
	} {
		_, err := line.ParseEvents([]byte(body))
		if err == nil {
			t.Errorf("%q: no error", body)
			continue
		}
		wantTrue(t, errors.Is(err, line.ErrMalformed), "errors.Is ErrMalformed: ", err)
		var me *line.MalformedError
		wantTrue(t, errors.As(err, &me), "a *MalformedError")
		wantNotIn(t, err.Error(), "s3cr3t")
		wantNotIn(t, err.Error(), "}")
	}
}

func FuzzParseEvents(f *testing.F) {
	f.Add([]byte(`{"destination":"U1","events":[]}`))
	f.Add(linetest.WebhookBody("U1", linetest.TextEvent(hookUser, "hi"), linetest.StickerEvent(hookUser, "1", "2", nil)))
	f.Add([]byte(`{"events":[{"type":7},"x",null,{"webhookEventId":"A"},{"webhookEventId":"A","type":"x"}]}`))
	if raw, err := os.ReadFile(filepath.Join("testdata", "sdk-sample-events.json")); err == nil {
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		b, err := line.ParseEvents(body)
		if err != nil {
			if !errors.Is(err, line.ErrMalformed) {
				t.Fatalf("error %v is not ErrMalformed", err)
			}
			if b != nil {
				t.Fatal("a batch with an error")
			}
			return
		}
		if !json.Valid(body) {
			t.Fatal("accepted invalid JSON")
		}
		seen := map[string][]byte{}
		for _, e := range b.Events {
			if e.ID == "" {
				t.Fatal("an event without ID")
			}
			if !json.Valid(e.Raw) {
				t.Fatal("raw event is not JSON")
			}
			if prev, ok := seen[e.ID]; ok && string(prev) != string(e.Raw) {
				t.Fatalf("two different events share ID %q", e.ID)
			}
			seen[e.ID] = e.Raw
		}
	})
}
