package linetest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/line/linetest"
)

func ExampleNewWebhookRequest() {
	// A handler under test checks the signature as LINE's receivers must.
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println(r.Method, r.URL.Path, r.Header.Get("X-Line-Signature") != "")
	})
	req := linetest.NewWebhookRequest("channel-secret", "/webhook/line/shop",
		linetest.TextEvent("U4af4980629a0e4ea1c0a1b2c3d4e5f60", "Hello"),
		linetest.StickerEvent("U4af4980629a0e4ea1c0a1b2c3d4e5f60", "446", "1988", []string{"happy"}))
	handler.ServeHTTP(httptest.NewRecorder(), req)
	// Output: POST /webhook/line/shop true
}

func ExampleTextEvent() {
	ev := linetest.TextEvent("U4af4980629a0e4ea1c0a1b2c3d4e5f60", "Where is my order?",
		linetest.WithEventID("01J0000000000000000000TEXT"), linetest.WithMessageID("100"),
		linetest.At(time.UnixMilli(1700000000000)), linetest.Standby())
	var e struct {
		Type           string
		Mode           string
		WebhookEventID string
		Timestamp      int64
		ReplyToken     string
		Message        struct{ ID, Type, Text string }
	}
	json.Unmarshal(ev, &e)
	fmt.Printf("%s %s %s %d %q %s %s %q\n", e.Type, e.Mode, e.WebhookEventID, e.Timestamp, e.ReplyToken, e.Message.ID, e.Message.Type, e.Message.Text)
	// Output: message standby 01J0000000000000000000TEXT 1700000000000 "" 100 text "Where is my order?"
}

func ExampleSignBody() {
	fmt.Println(linetest.SignBody("secret", []byte("hello")))
	// Output: iKqz7ejTrflNJquQ07r9SiCDBww7zOnAFO4EpEOEfAs=
}

func TestEventConstructorsBuildLINEShapedEvents(t *testing.T) {
	const u = "U4af4980629a0e4ea1c0a1b2c3d4e5f60"
	tests := []struct {
		name    string
		event   json.RawMessage
		typ     string
		message string // message type, if any
		reply   bool
		want    []string // fragments the JSON must contain
	}{
		{"text", linetest.TextEvent(u, "hi"), "message", "text", true, []string{`"text":"hi"`, `"quoteToken":`}},
		{"image", linetest.ImageEvent(u), "message", "image", true, []string{`"contentProvider":{"type":"line"}`}},
		{"external image", linetest.ImageEvent(u, linetest.ExternalContent("https://e.x/a.jpg", "https://e.x/p.jpg")), "message", "image", true,
			[]string{`"originalContentUrl":"https://e.x/a.jpg"`, `"previewImageUrl":"https://e.x/p.jpg"`, `"type":"external"`}},
		{"video", linetest.VideoEvent(u, 2*time.Second), "message", "video", true, []string{`"duration":2000`}},
		{"audio", linetest.AudioEvent(u, time.Second), "message", "audio", true, []string{`"duration":1000`}},
		{"file", linetest.FileEvent(u, "a.pdf", 10), "message", "file", true, []string{`"fileName":"a.pdf"`, `"fileSize":10`}},
		{"sticker", linetest.StickerEvent(u, "446", "1988", []string{"hi"}), "message", "sticker", true,
			[]string{`"packageId":"446"`, `"stickerId":"1988"`, `"keywords":["hi"]`}},
		{"location", linetest.LocationEvent(u, "Home", "1-3 Kioicho", 35.6, 139.7), "message", "location", true,
			[]string{`"latitude":35.6`, `"address":"1-3 Kioicho"`}},
		{"imagemap", linetest.MessageEvent(u, "imagemap", nil), "message", "imagemap", true, nil},
		{"follow", linetest.FollowEvent(u, false), "follow", "", true, []string{`"follow":{"isUnblocked":false}`}},
		{"unblock", linetest.FollowEvent(u, true), "follow", "", true, []string{`"isUnblocked":true`}},
		{"unfollow", linetest.UnfollowEvent(u), "unfollow", "", false, nil},
		{"unsend", linetest.UnsendEvent(u, "42"), "unsend", "", false, []string{`"unsend":{"messageId":"42"}`}},
		{"postback", linetest.PostbackEvent(u, "a=1"), "postback", "", true, []string{`"postback":{"data":"a=1"}`}},
		{"group", linetest.TextEvent(u, "x", linetest.InGroup("C1")), "message", "text", true,
			[]string{`"source":{"type":"group","groupId":"C1","userId":"` + u + `"}`}},
		{"room", linetest.TextEvent(u, "x", linetest.InRoom("R1")), "message", "text", true, []string{`"roomId":"R1"`}},
		{"standby", linetest.TextEvent(u, "x", linetest.Standby()), "message", "text", false, []string{`"mode":"standby"`}},
		{"redelivered", linetest.TextEvent(u, "x", linetest.Redelivered()), "message", "text", true,
			[]string{`"deliveryContext":{"isRedelivery":true}`}},
	}
	ids := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e struct {
				Type           string
				Mode           string
				WebhookEventID string
				Timestamp      int64
				ReplyToken     string
				Source         struct{ Type, UserID string }
				Message        *struct{ ID, Type string }
			}
			if err := json.Unmarshal(tt.event, &e); err != nil {
				t.Fatal(err)
			}
			if e.Type != tt.typ || e.Source.UserID != u || e.Timestamp == 0 {
				t.Errorf("type %q, user %q, timestamp %d", e.Type, e.Source.UserID, e.Timestamp)
			}
			if len(e.WebhookEventID) != 26 || ids[e.WebhookEventID] {
				t.Errorf("webhookEventId %q is not a new ULID-shaped ID", e.WebhookEventID)
			}
			ids[e.WebhookEventID] = true
			if (e.ReplyToken != "") != tt.reply {
				t.Errorf("reply token %q, want one: %v", e.ReplyToken, tt.reply)
			}
			if tt.message != "" && (e.Message == nil || e.Message.Type != tt.message || e.Message.ID == "") {
				t.Errorf("message %+v, want type %q with an ID", e.Message, tt.message)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(tt.event), w) {
					t.Errorf("%s does not contain %s", tt.event, w)
				}
			}
		})
	}
}

func TestWebhookBodyOfNoEventsIsLINEsVerification(t *testing.T) {
	got := string(linetest.WebhookBody("U1"))
	if got != `{"destination":"U1","events":[]}` {
		t.Errorf("got %s", got)
	}
}

func TestEndpointAnswersOnlyWhatIsSignedWithItsSecret(t *testing.T) {
	hook := linetest.Endpoint(t, "s3cret")
	body := linetest.WebhookBody(linetest.Destination)
	for _, tc := range []struct {
		name, signature string
		want            int
	}{
		{"signed with its secret", linetest.SignBody("s3cret", body), http.StatusOK},
		{"signed with another", linetest.SignBody("other", body), http.StatusUnauthorized},
		{"unsigned", "", http.StatusUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, hook.URL, bytes.NewReader(body))
			req.Header.Set("X-Line-Signature", tc.signature)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != tc.want {
				t.Fatalf("answered %d, want %d", res.StatusCode, tc.want)
			}
		})
	}
}
