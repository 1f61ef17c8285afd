package line_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linetest"
)

// FuzzWebhook posts signed bodies through the handler and then runs the
// workers' handling of every recorded event: whatever the body, the
// answer is 200 or 400, a 400 never quotes it, and nothing panics.
func FuzzWebhook(f *testing.F) {
	f.Add(linetest.WebhookBody("U1"))
	f.Add(linetest.WebhookBody("U1", linetest.TextEvent(hookUser, "hi"), linetest.ImageEvent(hookUser),
		linetest.VideoEvent(hookUser, 0, linetest.ExternalContent("https://x/y.mp4", "")), linetest.UnsendEvent(hookUser, "1"),
		linetest.PostbackEvent(hookUser, "a=b"), linetest.FollowEvent(hookUser, true)))
	f.Add([]byte(`{"events":[{"type":"message","source":{"type":"user","userId":"U1"},"message":{"type":"image","id":"1","contentProvider":7}}]}`))
	f.Add([]byte(`{"events":[{"type":"postback","source":{"type":"user","userId":"U1"},"postback":{"data":1}}]}`))
	f.Add([]byte(`{"events":[{"type":"message","source":{"userId":"U1"},"message":{"type":""}}]}`))
	if raw, err := os.ReadFile(filepath.Join("testdata", "sdk-sample-events.json")); err == nil {
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		h := newHookHarness(t, nil)
		rec := httptest.NewRecorder()
		h.mux.ServeHTTP(rec, linetest.NewSignedRequest(hookSecret, hookURL, body))
		switch rec.Code {
		case 200:
		case 400:
			if len(body) > 8 && strings.Contains(rec.Body.String(), string(body)) {
				t.Fatal("the 400 answer quotes the body")
			}
			return
		default:
			t.Fatalf("status %d", rec.Code)
		}
		for _, ev := range h.store.recorded() {
			line.ProcessEvent(context.Background(), h.hook, ev)
		}
	})
}
